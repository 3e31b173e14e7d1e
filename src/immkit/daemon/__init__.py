"""Scheduler that runs album rules on their schedules (issue #3).

The public surface: parse schedules, build a `Notifier` and `DaemonSettings`, then run a
`Daemon` with a `Runner` (rule name → `JobReport`) until a stop event is set.
"""

from immkit.daemon.clock import Clock, FakeClock, SystemClock
from immkit.daemon.logfile import attach_log_file
from immkit.daemon.notify import Notifier
from immkit.daemon.report import JobReport, Runner
from immkit.daemon.schedule import Schedule, parse_schedule
from immkit.daemon.scheduler import Daemon, InlineExecutor
from immkit.daemon.settings import ENV_VARS, DaemonSettings
from immkit.daemon.signals import install_stop_handlers

__all__ = [
    "ENV_VARS",
    "Clock",
    "Daemon",
    "DaemonSettings",
    "FakeClock",
    "InlineExecutor",
    "JobReport",
    "Notifier",
    "Runner",
    "Schedule",
    "SystemClock",
    "attach_log_file",
    "install_stop_handlers",
    "parse_schedule",
]
