"""Smart albums: keep albums in sync with rules about who (or nobody) is in the photos."""

from immkit.jobs.albums.apply import AlbumExecutor
from immkit.jobs.albums.env import rule_tables_from_environment, rules_from_environment
from immkit.jobs.albums.plan import JOB, AlbumKind, RuleSnapshot, plan_sync
from immkit.jobs.albums.rules import (
    AlbumRule,
    Faceless,
    Match,
    RemoveStale,
    load_rules,
    rule_from_flags,
)
from immkit.jobs.albums.state import STATE_NAME, AlbumStateStore, scope_of
from immkit.jobs.albums.sync import RuleRead, SyncOutcome, sync

__all__ = [
    "JOB",
    "STATE_NAME",
    "AlbumExecutor",
    "AlbumKind",
    "AlbumRule",
    "AlbumStateStore",
    "Faceless",
    "Match",
    "RemoveStale",
    "RuleRead",
    "RuleSnapshot",
    "SyncOutcome",
    "load_rules",
    "plan_sync",
    "rule_from_flags",
    "rule_tables_from_environment",
    "rules_from_environment",
    "scope_of",
    "sync",
]
