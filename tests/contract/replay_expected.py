"""Recorded exchanges the simulator cannot replay yet, with the reason (see the replay test)."""

from __future__ import annotations

EXPECTED_FAILURES: dict[tuple[str, str], str] = {}
