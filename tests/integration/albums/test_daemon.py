"""`immkit daemon` with the real job against the simulator: once, on a fake clock, e-mail."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from immkit.cli.context import AppContext
from immkit.cli.daemon import build_daemon
from immkit.daemon import FakeClock, InlineExecutor
from immkit.sim.sample import SampleLibrary
from immkit.sim.server import SimServer
from tests.integration.albums.conftest import Invoke, album_files, ok, photos
from tests.integration.daemon.test_email import Sink, smtp_sink

__all__ = ["smtp_sink"]

RULES = """
[[albums]]
name = "Kids"
people = ["Alice"]
schedule = "every 30m"

[[albums]]
name = "Broken"
people = ["Zed"]
schedule = "0 * * * *"
"""


def test_once_runs_every_rule_mails_the_failure_and_logs_to_a_rotating_file(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke, tmp_path: Path, smtp_sink: Sink
) -> None:
    log_file = tmp_path / "logs" / "immkit.log"
    result = invoke(
        "daemon",
        "--once",
        config=RULES,
        IMMKIT_DAEMON_LOG_FILE=str(log_file),
        IMMKIT_NOTIFY_URLS=smtp_sink.url(),
    )
    assert result.exit_code == 1, result.output
    assert "Kids: +" in result.stdout
    assert "Zed" in result.stderr
    assert album_files(sim, sample, "Kids") == photos(lambda who: "Alice" in who)
    (mail,) = smtp_sink.messages
    assert "Broken" in str(mail["subject"])
    assert "Zed" in mail.get_body(preferencelist=("plain", "html")).get_content()  # type: ignore[union-attr]
    text = log_file.read_text(encoding="utf-8")
    assert "Broken" in text
    assert sample.key("alice") not in text
    kids_only = RULES.split('[[albums]]\nname = "Broken"', maxsplit=1)[0]
    again = invoke("daemon", "--once", config=kids_only)
    assert ok(again).stdout.strip() == "Kids: up to date"


def test_bad_schedule_or_no_rules_is_exit_2_before_anything_runs(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    bad = invoke("daemon", "--once", config=RULES.replace("every 30m", "every now and then"))
    assert bad.exit_code == 2
    assert "Kids" in bad.stderr
    assert "every now and then" in bad.stderr
    assert invoke("daemon", "--once").exit_code == 2
    assert sim.state.requests["POST /albums"] == 0


def test_rules_run_on_their_schedules_on_a_fake_clock(
    sim: SimServer, sample: SampleLibrary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(RULES.split('[[albums]]\nname = "Broken"', maxsplit=1)[0], encoding="utf-8")
    env = {
        "IMMICH_INSTANCE_URL": sim.url,
        "IMMICH_API_KEY": sample.key("alice"),
        "IMMKIT_STATE_DIR": str(tmp_path / "state"),
        "IMMKIT_CONFIG": str(config),
    }
    app = AppContext(config_flag=None, profile_name=None, json=False, verbosity=0, env=env)
    start = datetime(2026, 11, 21, 6, 5, tzinfo=UTC)
    clock = FakeClock(start, until=start + timedelta(hours=2))
    stop = threading.Event()
    daemon, described = build_daemon(app, stop, clock, InlineExecutor())
    assert described == ["Kids (every 30m)"]
    thread = threading.Thread(target=daemon.run_forever)
    thread.start()
    assert clock.parked.wait(60)
    stop.set()
    thread.join(60)
    # at start, then every 30 minutes of fake time until the clock stops 2 hours later
    assert sim.state.requests["GET /users/me"] == 5
    assert sim.state.requests["POST /albums"] == 1
    assert album_files(sim, sample, "Kids") == photos(lambda who: "Alice" in who)
