"""After internalizing: keep the next library scan from importing the files again.

Immich deletes an external asset's file when it leaves the trash for good, but it cannot
on a read-only mount, and then the next scan would import the file again. Adding an
exclusion pattern for an emptied import path, or removing the path, prevents that. Only
paths with no external asset left are touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from immkit.engine import Plan
from immkit.jobs.library.apply import set_paths_action

AFTER_JOB = "library.after"


class After(StrEnum):
    NOTHING = "nothing"
    EXCLUDE = "exclude"
    REMOVE_PATH = "remove-path"


def emptied_paths(import_paths: Iterable[str], remaining: Iterable[str]) -> list[str]:
    """Import paths under which no external asset remains."""
    left = list(remaining)
    out = []
    for path in import_paths:
        root = path.rstrip("/") + "/"
        if not any(p.startswith(root) for p in left):
            out.append(path)
    return out


def plan_after(
    library_id: str,
    name: str,
    import_paths: list[str],
    exclusion_patterns: list[str],
    emptied: list[str],
    mode: After,
    profile: str | None,
) -> Plan:
    """One library update, or none; pure."""
    actions = []
    if mode is After.EXCLUDE:
        new = [f"{p.rstrip('/')}/**" for p in emptied]
        added = [p for p in new if p not in exclusion_patterns]
        if added:
            actions.append(
                set_paths_action(
                    library_id,
                    name,
                    import_paths,
                    [*exclusion_patterns, *added],
                    "exclude the emptied import paths from future scans: " + ", ".join(added),
                )
            )
    elif mode is After.REMOVE_PATH:
        kept = [p for p in import_paths if p not in emptied]
        if kept != import_paths:
            actions.append(
                set_paths_action(
                    library_id,
                    name,
                    kept,
                    exclusion_patterns,
                    "remove the emptied import paths: " + ", ".join(emptied),
                )
            )
    return Plan(
        job=AFTER_JOB,
        profile=profile,
        fingerprint=",".join(sorted(import_paths) + sorted(exclusion_patterns)),
        actions=tuple(actions),
        empty_message="The library's import paths are left as they are.",
    )
