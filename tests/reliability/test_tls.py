"""TLS: a self-signed HTTPS front is refused by default, trusted with ca_file, or skipped
with insecure (warned on every run)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from typer.testing import CliRunner

from immkit.cli.main import app
from immkit.sim.server import SimServer
from tests.reliability.scenarios import ALBUM_RULES, seed_albums, write_config
from tests.reliability.world import CANARIES, World

WARNING = "TLS certificate checks are off"


@pytest.fixture
def https(world: World, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The world's database behind an HTTPS simulator with a fresh private CA."""
    seed_albums(world, world.fresh())
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    chain, key, ca_pem = tmp_path / "chain.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    cert.private_key_pem.write_to_path(str(key))
    with chain.open("wb") as out:
        for blob in cert.cert_chain_pems:
            out.write(blob.bytes())
    ca.cert_pem.write_to_path(str(ca_pem))
    url = world.server.state.db.url
    with SimServer(url, tmp_path / "media", tls=(chain, key)) as server:
        yield server.url, ca_pem


def _run(url: str, work: Path, profile: str, *argv: str) -> Any:
    work.mkdir(parents=True, exist_ok=True)
    write_config(work, url, ALBUM_RULES, profile_extra=profile)
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("IMMICH_")}
    env.update(IMMKIT_CONFIG=str(work / "config.toml"), IMMKIT_STATE_DIR=str(work / "state"))
    return CliRunner().invoke(app, list(argv), env=env)


@pytest.mark.usefixtures("restore_logging")
def test_self_signed_https(https: tuple[str, Path], tmp_path: Path) -> None:
    url, ca = https
    assert url.startswith("https://")

    refused = _run(url, tmp_path / "a", "", "albums", "sync", "--dry-run")
    assert refused.exit_code == 3, refused.stderr
    (line,) = [x for x in refused.stderr.splitlines() if x.startswith("error:")]
    assert "TLS" in line
    assert "ca_file" in line
    assert "Traceback" not in refused.stderr

    trusted = _run(url, tmp_path / "b", f'ca_file = "{ca}"', "albums", "sync", "--dry-run")
    assert trusted.exit_code == 0, trusted.stderr
    assert WARNING not in trusted.stderr

    for attempt in range(2):  # warned on every run, not once
        insecure = _run(url, tmp_path / f"c{attempt}", "insecure = true", "albums", "sync")
        assert insecure.exit_code == 0, insecure.stderr
        assert insecure.stderr.count(WARNING) == 1, insecure.stderr
    for result in (refused, trusted, insecure):
        assert not any(c in result.stdout + result.stderr for c in CANARIES)
