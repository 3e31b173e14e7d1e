"""SIGTERM (docker stop, systemd) and SIGINT (Ctrl-C) ask the daemon to stop gracefully."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType

__all__ = ["STOP_SIGNALS", "install_stop_handlers"]

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def install_stop_handlers(stop: threading.Event) -> Callable[[], None]:
    """Make SIGTERM and SIGINT set `stop`; return a function that puts the old handlers back.

    Must be called from the main thread (Python delivers signals only there). The
    handler only sets the event: the daemon loop notices it, lets running rules finish
    and returns, so a container stops cleanly within its grace period. A second SIGINT
    raises `KeyboardInterrupt`, for an admin at a terminal who will not wait.
    """

    def handle(signum: int, frame: FrameType | None) -> None:
        if signum == signal.SIGINT and stop.is_set():
            raise KeyboardInterrupt  # a second Ctrl-C: the admin does not want to wait
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in STOP_SIGNALS}

    def restore() -> None:
        for sig, handler in previous.items():
            # None: the old handler was not set from Python; the default is the best guess
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)

    return restore
