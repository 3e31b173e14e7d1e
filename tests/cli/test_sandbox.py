"""`immkit sandbox` as a real process (Ctrl-C stops it) and `immkit quickstart`."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from immkit.cli.main import app
from immkit.sim.server import free_port


def _read_until(proc: subprocess.Popen[str], pattern: str, timeout: float = 90) -> list[str]:
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if re.search(pattern, line):
            return lines
    raise AssertionError(f"sandbox never printed {pattern!r}: {lines}")


def test_sandbox_serves_doctor_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMMICH_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "immkit", "sandbox", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        lines = _read_until(proc, r"Ctrl-C")
        text = "\n".join(lines)
        assert f"http://127.0.0.1:{port}" in text
        keys = re.findall(r"API key (\S+)", text)
        assert len(keys) == 3, text
        assert "immkit doctor" in text
        result = CliRunner().invoke(
            app,
            ["--json", "doctor"],
            env={"IMMICH_INSTANCE_URL": f"http://127.0.0.1:{port}", "IMMICH_API_KEY": keys[0]},
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        assert '"version": "3.1.0"' in result.stdout
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr


def test_quickstart_without_a_server_checks_a_sandbox_and_dry_runs_smart_albums() -> None:
    result = CliRunner().invoke(app, ["quickstart"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "3.1.0" in result.stdout
    assert "albums.sync" in result.stdout
    # 14 sample photos show Alice or Bob; 13 of Alice's (10 uploads, 3 external) show nobody
    assert "Alice & Bob (new album): 14 fit the rule" in result.stdout
    assert "Nobody in it (new album): 13 fit the rule" in result.stdout
    assert "Plan: 4 actions" in result.stdout
    assert "That was immkit's sandbox" in result.stdout


def test_quickstart_with_a_broken_profile_reports_it(tmp_path: Path) -> None:
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[profiles.home]\nurl = "http://127.0.0.1:{free_port()}"\napi_key = "k"\n')
    result = CliRunner().invoke(app, ["quickstart"], catch_exceptions=False)
    assert result.exit_code == 3
    assert "error:" in result.stderr
