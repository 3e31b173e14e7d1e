"""SIGTERM and SIGINT set the stop event; the old handlers come back on restore."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from immkit.daemon import install_stop_handlers


def test_sigterm_and_sigint_set_the_event_and_restore_puts_old_handlers_back() -> None:
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    for sig in (signal.SIGTERM, signal.SIGINT):
        stop = threading.Event()
        restore = install_stop_handlers(stop)
        try:
            signal.raise_signal(sig)
            assert stop.is_set()
        finally:
            restore()
        assert {s: signal.getsignal(s) for s in before} == before


def test_a_second_sigint_interrupts_for_real() -> None:
    stop = threading.Event()
    restore = install_stop_handlers(stop)
    try:
        signal.raise_signal(signal.SIGINT)
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
    finally:
        restore()


SCRIPT = textwrap.dedent(
    """
    import os, signal, sys, threading
    from immkit.daemon import Daemon, JobReport, install_stop_handlers, parse_schedule

    stop = threading.Event()
    install_stop_handlers(stop)

    def runner(name):
        os.kill(os.getpid(), signal.SIGTERM)  # docker stop, while the rule runs
        return JobReport(name=name, ok=True, summary="done")

    daemon = Daemon({"Kids": parse_schedule("every 1h")}, runner, stop=stop)
    daemon.run_forever()
    print("stopped cleanly", stop.is_set())
    """
)


def test_sigterm_stops_a_real_daemon_gracefully(tmp_path: Path) -> None:
    script = tmp_path / "daemon_sigterm.py"
    script.write_text(SCRIPT, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMMKIT_", "IMMICH_"))}
    done = subprocess.run(
        [sys.executable, str(script)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "stopped cleanly True"
