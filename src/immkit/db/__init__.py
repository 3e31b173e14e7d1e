"""Direct PostgreSQL access for what the Immich API cannot do (ownership changes)."""

from immkit.db.connect import connect
from immkit.db.layout import KNOWN_LAYOUTS, Layout, detect_layout

__all__ = ["KNOWN_LAYOUTS", "Layout", "connect", "detect_layout"]
