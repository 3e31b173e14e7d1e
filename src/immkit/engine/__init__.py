"""What every job shares: plans, the journal, the apply loop, undo and progress."""

from immkit.engine.apply import (
    Executor,
    Failure,
    Outcome,
    PartlyApplied,
    Result,
    apply_plan,
)
from immkit.engine.journal import Entry, EntryStatus, Journal, Run, RunStatus
from immkit.engine.plan import Action, ActionKind, Effect, Plan, action_id, effect_of
from immkit.engine.progress import LogProgress, NullProgress, Progress
from immkit.engine.undo import plan_undo, undo_run

__all__ = [
    "Action",
    "ActionKind",
    "Effect",
    "Entry",
    "EntryStatus",
    "Executor",
    "Failure",
    "Journal",
    "LogProgress",
    "NullProgress",
    "Outcome",
    "PartlyApplied",
    "Plan",
    "Progress",
    "Result",
    "Run",
    "RunStatus",
    "action_id",
    "apply_plan",
    "effect_of",
    "plan_undo",
    "undo_run",
]
