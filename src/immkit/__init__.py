"""immkit: safe, fast admin jobs for Immich servers (plan, journal, undo)."""

__version__ = "0.1.0"
