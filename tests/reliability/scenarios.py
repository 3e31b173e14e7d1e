"""One entry per mutating job: how to seed it, run it, and read its end state.

To plug a job in, add a `Scenario` to `catalog.SCENARIOS`: a seed function (fills the empty
simulator database and writes the config in the work folder), the command line, a
snapshot function (the end state in terms that do not depend on generated ids), and what
"intended" means (by default: the end state of the same command run without faults).
The fault matrix, the crash loop, the secrets scan and the long script read the list in
`catalog.py`; the other jobs' scenarios live in `scenarios_*.py`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from immkit.sim.album_sql import refresh_thumbnails
from immkit.sim.sample import seed_sample_library
from immkit.sim.seed import add_api_key
from tests.reliability.world import CANARY_DB_PASSWORD, CANARY_KEY, World

State = Any  # a JSON-able value compared with ==
ADMIN_KEY = "reliabilityADMINkey0x3d9a"  # the sample's admin and bob (hostile cases)
BOB_KEY = "reliabilityBOBkey0x81f2"


@dataclass
class Ctx:
    """What a seeded scenario knows: its work folder and anything the seed left for later."""

    work: Path
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    name: str
    job: str  # the journal's job name of the runs the command makes
    seed: Callable[[World, Path], Ctx]
    argv: Callable[[Ctx], list[str]]
    snapshot: Callable[[World], State]
    # the state the command must reach; None: whatever the fault-free run reaches
    intended: Callable[[Ctx], State] | None = None
    # whose runs `runs undo` reverses afterwards (None: the command is an undo itself)
    undo_job: str | None = None
    # a known bug that keeps undo from giving back the state before: the CI test expects
    # that step (only) to fail, strictly, until the bug is fixed, and only in this part
    # of the snapshot
    undo_bug: str | None = None
    undo_bug_part: str = ""


# -- config -------------------------------------------------------------------------------

ALBUM_RULES = """
[[albums]]
name = "Kids"
people = ["Alice", "Bob"]
share = ["bob@example.com"]

[[albums]]
name = "Nobody"
match = "none"

[[albums]]
name = "Family"
people = ["Charlie"]
remove_stale = "exact"

[[albums]]
name = 'Dana "D" & Alice 🎉'
people = ["alice", "DANA"]
match = "all"

[[albums]]
name = "External"
filename = ["EXT_*"]
"""


def write_config(
    work: Path,
    url: str,
    extra: str = "",
    *,
    profile_extra: str = "",
    database_url: str = f"postgresql://immich:{CANARY_DB_PASSWORD}@127.0.0.1:9/immich",
) -> None:
    """A profile `home` (the default) whose key is the canary (in a file) and whose DB URL
    holds the canary password (unreachable unless `database_url` says otherwise)."""
    (work / "api_key").write_text(CANARY_KEY + "\n", encoding="utf-8")
    (work / "config.toml").write_text(
        f"""default_profile = "home"
[profiles.home]
url = "{url}"
api_key_file = "api_key"
database_url = "{database_url}"
{profile_extra}
{extra}""",
        encoding="utf-8",
    )


# -- snapshots ----------------------------------------------------------------------------


def album_state(world: World) -> State:
    """Every live album as (owner, name, description, members, live files), and each
    user's live photos as a multiset of checksums: duplicates and losses both show."""
    with world.db() as conn:
        albums = conn.execute(
            """
            SELECT a.id, a."albumName" AS name, a.description,
              (SELECT u.email FROM album_user au JOIN "user" u ON u.id = au."userId"
                WHERE au."albumId" = a.id AND au.role = 'owner') AS owner,
              (SELECT coalesce(json_agg(json_build_array(u.email, au.role::text)
                 ORDER BY u.email), '[]')
                 FROM album_user au JOIN "user" u ON u.id = au."userId"
                WHERE au."albumId" = a.id AND au.role <> 'owner') AS members,
              (SELECT coalesce(json_agg(s."originalFileName" ORDER BY s."originalFileName"),
                 '[]')
                 FROM album_asset aa JOIN asset s ON s.id = aa."assetId"
                WHERE aa."albumId" = a.id AND s."deletedAt" IS NULL) AS files
            FROM album a WHERE a."deletedAt" IS NULL
            """
        ).fetchall()
        photos = conn.execute(
            """SELECT u.email, encode(s.checksum, 'hex') AS sum FROM asset s
               JOIN "user" u ON u.id = s."ownerId" WHERE s."deletedAt" IS NULL"""
        ).fetchall()
    listed = sorted(
        [r["owner"], r["name"], r["description"], r["members"], r["files"]] for r in albums
    )
    owned: dict[str, list[str]] = {}
    for row in photos:
        owned.setdefault(row["email"], []).append(row["sum"])
    return {"albums": listed, "photos": {k: sorted(v) for k, v in sorted(owned.items())}}


def people_state(world: World) -> State:
    """Per user: each person as (name, live faces on live photos), one entry per person so
    a doubled person shows; faces without a person; faces whose person belongs to someone
    other than the photo's owner (a transfer that forgot them); live external files."""
    with world.db() as conn:
        persons = conn.execute(
            """
            SELECT u.email, p.name, (SELECT count(*) FROM asset_face f
                JOIN asset s ON s.id = f."assetId"
               WHERE f."personId" = p.id AND f."deletedAt" IS NULL
                 AND s."deletedAt" IS NULL) AS faces
            FROM person p JOIN "user" u ON u.id = p."ownerId"
            """
        ).fetchall()
        loose = conn.execute(
            """
            SELECT u.email, count(*) FILTER (WHERE f."personId" IS NULL) AS unassigned,
                   count(*) FILTER (WHERE p."ownerId" <> s."ownerId") AS foreign
            FROM asset_face f JOIN asset s ON s.id = f."assetId"
            JOIN "user" u ON u.id = s."ownerId" LEFT JOIN person p ON p.id = f."personId"
            WHERE f."deletedAt" IS NULL AND s."deletedAt" IS NULL GROUP BY u.email
            """
        ).fetchall()
        external = conn.execute(
            """SELECT u.email, s."originalFileName" AS name FROM asset s
               JOIN "user" u ON u.id = s."ownerId"
               WHERE s."deletedAt" IS NULL AND s."libraryId" IS NOT NULL"""
        ).fetchall()
    people: dict[str, list[list[Any]]] = {}
    for row in persons:
        people.setdefault(row["email"], []).append([row["name"], row["faces"]])
    files: dict[str, list[str]] = {}
    for row in external:
        files.setdefault(row["email"], []).append(row["name"])
    return {
        "people": {k: sorted(v) for k, v in sorted(people.items())},
        "faces": {r["email"]: [r["unassigned"], r["foreign"]] for r in loose},
        "external": {k: sorted(v) for k, v in sorted(files.items())},
    }


def world_state(world: World) -> State:
    """Albums, photos (checksums per user), people and faces: what every job may change."""
    return {**album_state(world), **people_state(world)}


# -- albums sync --------------------------------------------------------------------------


def seed_albums(world: World, work: Path) -> Ctx:
    with world.db() as conn:
        sample = seed_sample_library(conn, world.server.state.media)
        add_api_key(conn, sample.user("alice"), name="canary", secret=CANARY_KEY)
        add_api_key(conn, sample.user("admin"), name="admin", secret=ADMIN_KEY)
        add_api_key(conn, sample.user("bob"), name="bob", secret=BOB_KEY)
        # what Immich does on the first album listing: a steady state to compare against
        refresh_thumbnails(conn, [str(r["id"]) for r in conn.execute("SELECT id FROM album")])
    write_config(work, world.url, ALBUM_RULES)
    return Ctx(work, {"before": album_state(world)})


ALBUMS_SYNC = Scenario(
    name="albums sync",
    job="albums.sync",
    seed=seed_albums,
    argv=lambda ctx: ["albums", "sync"],
    snapshot=album_state,
    undo_job="albums.sync",
)


# -- runs undo (of an albums sync) ----------------------------------------------------------


def runs(world: World, work: Path) -> list[dict[str, Any]]:
    """The journal's runs, newest first, read through `immkit runs list --json`."""
    proc = world.immkit(work, ["runs", "list", "--json", "--limit", "1000"])
    assert proc.code == 0, proc.stderr
    found: list[dict[str, Any]] = json.loads(proc.stdout)["runs"]
    return found


def seed_undo(world: World, work: Path) -> Ctx:
    ctx = seed_albums(world, work)
    proc = world.immkit(work, ["albums", "sync"])
    assert proc.code == 0, proc.stderr
    (run,) = [r for r in runs(world, work) if r["job"] == "albums.sync"]
    ctx.data["run"] = run["id"]
    return ctx


RUNS_UNDO = Scenario(
    name="runs undo",
    job="albums.sync.undo",
    seed=seed_undo,
    argv=lambda ctx: ["runs", "undo", str(ctx.data["run"]), "--yes"],
    snapshot=album_state,
    intended=lambda ctx: ctx.data["before"],  # undo means: as before the sync
)
