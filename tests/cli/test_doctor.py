"""`immkit doctor` against the simulator, and every way the server or key can be wrong."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from immkit.cli.main import app
from immkit.sim import seed
from immkit.sim.server import SimServer, free_port

CANARY_KEY = "canary-api-key-0123456789abcdef"
CANARY_DB_PASSWORD = "canary-db-password-xyz"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _seed_user(sim: SimServer, *, permissions: list[str] | None = None, admin: bool = True) -> str:
    with sim.state.db.connection() as conn:
        uid = seed.add_user(conn, "admin@example.com", "Admin", is_admin=admin)
        return seed.add_api_key(conn, uid, permissions or ["all"], secret=CANARY_KEY)


def _env(url: str, key: str | None = CANARY_KEY) -> dict[str, str]:
    env = {"IMMICH_INSTANCE_URL": url}
    if key is not None:
        env["IMMICH_API_KEY"] = key
    return env


def test_doctor_shows_version_user_and_the_job_table(runner: CliRunner, sim: SimServer) -> None:
    _seed_user(sim)
    result = runner.invoke(app, ["doctor"], env=_env(sim.url), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "3.1.0" in out
    assert "Admin <admin@example.com> (admin)" in out
    for job in ("albums.sync", "people.migrate (import)", "transfer (db)", "library.internalize"):
        assert job in out
    assert CANARY_KEY not in result.output


def test_doctor_json_names_what_a_restricted_key_lacks(runner: CliRunner, sim: SimServer) -> None:
    _seed_user(sim, permissions=["user.read", "asset.read", "person.read", "face.read"])
    result = runner.invoke(app, ["--json", "doctor"], env=_env(sim.url), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    jobs = {j["job"]: j for j in doc["jobs"]}
    assert jobs["people.migrate (export)"]["ok"] is True
    assert jobs["albums.sync"]["ok"] is False
    assert "album.create" in jobs["albums.sync"]["missing"]
    assert doc["version"] == "3.1.0"


def test_non_admin_cannot_internalize(runner: CliRunner, sim: SimServer) -> None:
    _seed_user(sim, admin=False)
    result = runner.invoke(app, ["--json", "doctor"], env=_env(sim.url), catch_exceptions=False)
    jobs = {j["job"]: j for j in json.loads(result.stdout)["jobs"]}
    assert jobs["library.internalize"]["missing"] == ["admin"]


def test_a_key_that_can_run_nothing_exits_3(runner: CliRunner, sim: SimServer) -> None:
    _seed_user(sim, permissions=["asset.read"])
    result = runner.invoke(app, ["doctor"], env=_env(sim.url), catch_exceptions=False)
    assert result.exit_code == 3
    assert "no immkit job can run" in _one_sentence(result.stderr)
    assert "album.create" in result.stdout


def test_doctor_db_reports_the_layout_without_the_password(
    runner: CliRunner, sim: SimServer, tmp_path: Path
) -> None:
    _seed_user(sim)
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        f'[profiles.home]\nurl = "{sim.url}"\napi_key = "{CANARY_KEY}"\n'
        f'database_url = "{sim.state.db.url}"\n'
    )
    result = runner.invoke(app, ["-v", "doctor", "--db"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "layout 3.1" in result.stdout
    assert CANARY_KEY not in result.output


def test_unreachable_database_is_exit_3_and_never_printed(
    runner: CliRunner, sim: SimServer, tmp_path: Path
) -> None:
    _seed_user(sim)
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    db_url = f"postgresql://immich:{CANARY_DB_PASSWORD}@127.0.0.1:{free_port()}/immich"
    config.write_text(
        f'[profiles.home]\nurl = "{sim.url}"\napi_key = "{CANARY_KEY}"\ndatabase_url = "{db_url}"\n'
    )
    result = runner.invoke(app, ["-v", "doctor", "--db"], catch_exceptions=False)
    assert result.exit_code == 3
    assert "Cannot connect to the database" in result.stderr
    assert CANARY_DB_PASSWORD not in result.output
    assert CANARY_KEY not in result.output


# -- bad inputs: one sentence on stderr, exit 2 or 3, no traceback -----------------------


def _one_sentence(stderr: str, *, verbose: bool = False) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, stderr
    if not verbose:
        assert "Traceback" not in stderr
    return lines[0]


def test_unreachable_url_is_exit_3(runner: CliRunner) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(app, ["doctor"], env=_env(url), catch_exceptions=False)
    assert result.exit_code == 3
    assert "127.0.0.1" in _one_sentence(result.stderr)


class _NotImmich(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<html><body>my router</body></html>"
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def not_immich() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _NotImmich)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_server_that_is_not_immich_is_exit_3(runner: CliRunner, not_immich: str) -> None:
    result = runner.invoke(app, ["doctor"], env=_env(not_immich), catch_exceptions=False)
    assert result.exit_code == 3
    assert "Immich" in _one_sentence(result.stderr)


def test_wrong_api_key_is_exit_3(runner: CliRunner, sim: SimServer) -> None:
    _seed_user(sim)
    result = runner.invoke(
        app, ["-v", "doctor"], env=_env(sim.url, "wrong-key-0000"), catch_exceptions=False
    )
    assert result.exit_code == 3
    assert "API key" in _one_sentence(result.stderr, verbose=True)
    assert "wrong-key-0000" not in result.output


def test_server_reporting_2_7_0_is_refused_naming_the_minimum(
    runner: CliRunner, sim: SimServer
) -> None:
    _seed_user(sim)
    sim.state.version = (2, 7, 0)
    result = runner.invoke(app, ["doctor"], env=_env(sim.url), catch_exceptions=False)
    assert result.exit_code == 3
    sentence = _one_sentence(result.stderr)
    assert "2.7.0" in sentence
    assert "3.0.0" in sentence


def test_malformed_config_is_exit_2_naming_the_file(runner: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[profiles.home\nurl = 1\n")
    result = runner.invoke(app, ["doctor"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "config.toml" in _one_sentence(result.stderr)


def test_unknown_profile_is_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[profiles.home]\nurl = "http://127.0.0.1:1"\napi_key = "k"\n')
    result = runner.invoke(app, ["--profile", "work", "doctor"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "work" in _one_sentence(result.stderr)


def test_no_api_key_at_all_is_exit_2(runner: CliRunner, sim: SimServer) -> None:
    result = runner.invoke(app, ["doctor"], env=_env(sim.url, None), catch_exceptions=False)
    assert result.exit_code == 2
    assert "API key" in _one_sentence(result.stderr)


def test_debug_logs_of_a_real_process_never_show_the_key(sim: SimServer, tmp_path: Path) -> None:
    _seed_user(sim)
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMMICH_")}
    env |= _env(sim.url) | {"IMMKIT_STATE_DIR": str(tmp_path / "state")}
    for args in (["-vv", "doctor"], ["-vv", "--json", "doctor"], ["-vv", "config", "show"]):
        proc = subprocess.run(
            [sys.executable, "-m", "immkit", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        if "doctor" in args:
            assert "DEBUG" in proc.stderr  # the request logs were really on
        assert CANARY_KEY not in proc.stdout + proc.stderr, args
