"""What one run of one rule reports, and the callable that runs a rule by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["JobReport", "Runner"]


@dataclass(frozen=True)
class JobReport:
    """The outcome of one run of one rule, built by the runner.

    `summary` is one sentence fit for a log line and a notification: it must hold no
    secret. `ok` is false when the job ran but some of its actions failed.
    """

    name: str
    ok: bool
    summary: str
    changed: int = 0


Runner = Callable[[str], JobReport]
"""Runs the rule with this name once; raising counts as a failed run.

An `ImmkitError` carries a sentence fit for the admin; any other exception is a bug
and is logged with its traceback.
"""
