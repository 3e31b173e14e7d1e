"""A small family library for transfer tests: alice's album moves to bob.

alice owns, in album "Holiday": IMG_1 (live photo, motion part MOV_1 outside the album),
IMG_2 (stacked with IMG_2b outside the album), IMG_3, IMG_4 (tagged Places/Italy),
IMG_5 (bob already has the same file), IMG_6. Outside the album: IMG_7, IMG_8 (tagged
Other). Anna's faces are all in the album (she moves); Ben is also on IMG_7 (he is
duplicated for bob). bob owns DUP_5 (the checksum of IMG_5).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg
import pytest
from psycopg import sql
from typer.testing import CliRunner, Result

from immkit.cli.main import app
from immkit.sim import seed
from immkit.sim.seed import AssetSeed, FaceSeed
from immkit.sim.server import SimServer

TAKEN = datetime(2024, 7, 1, 12, tzinfo=UTC)


@dataclass
class Family:
    url: str  # the database
    users: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    assets: dict[str, str] = field(default_factory=dict)
    persons: dict[str, str] = field(default_factory=dict)
    albums: dict[str, str] = field(default_factory=dict)

    def api(self, sim: SimServer, who: str) -> httpx.Client:
        return httpx.Client(base_url=f"{sim.url}/api", headers={"x-api-key": self.keys[who]})


def seed_family(sim: SimServer) -> Family:
    fam = Family(url=sim.state.db.url)
    with sim.state.db.connection() as conn:
        for name in ("alice", "bob", "carol"):
            uid = seed.add_user(conn, f"{name}@example.com", name.title(), is_admin=name == "alice")
            fam.users[name] = uid
            fam.keys[name] = seed.add_api_key(conn, uid)
        alice, bob = fam.users["alice"], fam.users["bob"]
        names = ["MOV_1", "IMG_1", "IMG_2", "IMG_2b", "IMG_3", "IMG_4", "IMG_5", "IMG_6"]
        names += ["IMG_7", "IMG_8"]
        seeds = []
        for n in names:
            live = fam.assets.get("MOV_1") if n == "IMG_1" else None
            video = n.startswith("MOV")
            aid = seed.add_assets(
                conn,
                [
                    AssetSeed(
                        alice,
                        f"{n}.{'mov' if video else 'jpg'}",
                        TAKEN,
                        type="VIDEO" if video else "IMAGE",
                        visibility="hidden" if video else "timeline",
                        live_photo_video_id=live,
                        checksum=hashlib.sha1(n.encode()).digest(),
                        file_size=1000,
                    )
                ],
            )[0]
            fam.assets[n] = aid
            seeds.append(aid)
        fam.assets["DUP_5"] = seed.add_assets(
            conn,
            [AssetSeed(bob, "DUP_5.jpg", TAKEN, checksum=hashlib.sha1(b"IMG_5").digest())],
        )[0]
        seed.add_stack(conn, alice, [fam.assets["IMG_2"], fam.assets["IMG_2b"]])
        anna = seed.add_person(conn, alice, "Anna", birth_date="2015-03-01")
        ben = seed.add_person(conn, alice, "Ben", is_favorite=True)
        fam.persons = {"Anna": anna, "Ben": ben}
        box = (100, 100, 300, 300)
        emb = [0.01] * 512
        faces = [
            FaceSeed(fam.assets["IMG_1"], anna, box, embedding=emb),
            FaceSeed(fam.assets["IMG_3"], anna, box, embedding=emb),
            FaceSeed(fam.assets["IMG_3"], ben, (400, 100, 600, 300), embedding=emb),
            FaceSeed(fam.assets["IMG_6"], ben, box, embedding=emb),
            FaceSeed(fam.assets["IMG_7"], ben, box, embedding=emb),
        ]
        seed.add_faces(conn, faces)
        holiday = [fam.assets[n] for n in ("IMG_1", "IMG_2", "IMG_3", "IMG_4", "IMG_5", "IMG_6")]
        fam.albums["Holiday"] = seed.add_album(conn, alice, "Holiday", holiday)
        fam.albums["Other"] = seed.add_album(conn, alice, "Other", [fam.assets["IMG_7"]])
        italy = seed.add_tag(conn, alice, "Places/Italy")
        seed.tag_assets(conn, italy, [fam.assets["IMG_4"]])
        seed.tag_assets(conn, seed.add_tag(conn, alice, "Other"), [fam.assets["IMG_8"]])
        seed.set_quota_usage(conn)
    return fam


@pytest.fixture
def family(sim: SimServer) -> Family:
    return seed_family(sim)


Invoke = Callable[..., Result]


@pytest.fixture
def invoke(sim: SimServer, family: Family, tmp_path: Path) -> Invoke:
    """Run `immkit …` with a profile whose database_url is the simulator's database."""

    def run(*args: str, database_url: str | None = None, input: str | None = None) -> Result:
        config = tmp_path / "config.toml"
        url = database_url or family.url
        config.write_text(f'[profiles.home]\ndatabase_url = "{url}"\n', encoding="utf-8")
        env = {
            "IMMICH_INSTANCE_URL": sim.url,
            "IMMICH_API_KEY": family.keys["alice"],
            "IMMKIT_CONFIG": str(config),
            "IMMKIT_STATE_DIR": str(tmp_path / "state"),
            "COLUMNS": "200",  # the dry-run table on one line per row
        }
        return CliRunner().invoke(app, list(args), env=env, input=input, catch_exceptions=False)

    return run


ROLE = "immkit_pw_role"
PASSWORD = "canary-db-pw-Zq81x"


def _refuses(url: str) -> bool:
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        return "password authentication failed" in str(exc)
    return False


@pytest.fixture
def password_login(pg: str, family: Family) -> Iterator[str]:
    """A URL template (`.format(password)`) for the family's database as a role that must
    give PASSWORD: the bundled server trusts every login, so a pg_hba.conf line for this
    role alone asks for the password (restored afterwards)."""
    with psycopg.connect(pg, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(ROLE)))
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN SUPERUSER PASSWORD {}").format(
                sql.Identifier(ROLE), sql.Literal(PASSWORD)
            )
        )
        row = conn.execute("SHOW hba_file").fetchone()
    assert row is not None
    hba = Path(row[0])
    try:
        original = hba.read_text(encoding="utf-8")
    except OSError:
        pytest.skip("the test database server's pg_hba.conf is not ours to change")
    template = f"postgresql://{ROLE}:{{}}@" + family.url.split("://", 1)[1].split("@", 1)[1]
    rules = "".join(
        f"{kind} all {ROLE} {addr} scram-sha-256\n"
        for kind, addr in (("local", ""), ("host", "127.0.0.1/32"), ("host", "::1/128"))
    )
    hba.write_text(rules + original, encoding="utf-8")
    try:
        with psycopg.connect(pg, autocommit=True) as conn:
            conn.execute("SELECT pg_reload_conf()")
        deadline = time.monotonic() + 10
        while not _refuses(template.format("not-the-password")):  # the reload is a signal
            assert time.monotonic() < deadline, "PostgreSQL never started asking for passwords"
            time.sleep(0.1)
        yield template
    finally:
        hba.write_text(original, encoding="utf-8")
        with psycopg.connect(pg, autocommit=True) as conn:
            conn.execute("SELECT pg_reload_conf()")
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
                (ROLE,),
            )
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(ROLE)))
