"""`transfer`: ann's album "Holiday" moves to bea, in DB mode and in API mode.

Ann owns IMG_1…IMG_4 in "Holiday" (shared with bea as editor, so API mode can put bea's
copies in it) and IMG_5 outside it. Anna is only on album photos (her person moves
whole); Ben is on IMG_3 and on IMG_5 (he is split: bea gets a Ben of her own). The
photos are real files uploaded through the API, so API mode can copy them and every
checksum is the file's.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from immkit.sim.jpeg import solid_jpeg
from immkit.sim.seed import FaceSeed, add_album, add_api_key, add_faces, add_person, add_user
from tests.reliability.dbfaults import APP
from tests.reliability.scenarios import Ctx, Scenario, State, world_state, write_config
from tests.reliability.world import CANARY_DB_PASSWORD, CANARY_KEY, World

TAKEN = "2023-05-01T10:00:00.000Z"
PHOTOS = ("IMG_1.jpg", "IMG_2.jpg", "IMG_3.jpg", "IMG_4.jpg", "IMG_5.jpg")
HOLIDAY = PHOTOS[:4]
FACES = {"IMG_1.jpg": ("Anna",), "IMG_2.jpg": ("Anna",), "IMG_3.jpg": ("Ben",)}
FACES |= {"IMG_5.jpg": ("Ben",)}
DST_KEY = "reliabilityBEAkey0x77c1"


def with_password(url: str, password: str) -> str:
    """The database URL with `password` in it (the test server trusts any password)."""
    parts = urlsplit(url)
    user = (parts.username or "postgres") + ":" + password
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{user}@{host}", parts.path, parts.query, parts.fragment))


def _upload(client: httpx.Client, name: str, n: int) -> str:
    form = {"fileCreatedAt": TAKEN, "fileModifiedAt": TAKEN, "filename": name}
    data = solid_jpeg(48 + 8 * n, 40, (30 * n, 90, 200), comment=name)
    response = client.post("/assets", data=form, files={"assetData": (name, data)})
    assert response.status_code < 300, response.text
    return str(response.json()["id"])


def seed_family(world: World, work: Path, *, db: bool) -> Ctx:
    with world.db() as conn:
        ann = add_user(conn, "ann@example.com", "Ann", is_admin=True)
        bea = add_user(conn, "bea@example.com", "Bea")
        add_api_key(conn, ann, name="canary", secret=CANARY_KEY)
        add_api_key(conn, bea, secret=DST_KEY)
    headers = {"x-api-key": CANARY_KEY}
    with httpx.Client(base_url=f"{world.url}/api", headers=headers) as client:
        ids = {name: _upload(client, name, n) for n, name in enumerate(PHOTOS)}
    with world.db() as conn:
        persons = {name: add_person(conn, ann, name) for name in ("Anna", "Ben")}
        add_faces(
            conn,
            [
                FaceSeed(ids[photo], persons[name], (10 + 20 * i, 5, 25 + 20 * i, 20), 80, 40)
                for photo, names in FACES.items()
                for i, name in enumerate(names)
            ],
        )
        add_album(conn, ann, "Holiday", [ids[n] for n in HOLIDAY], shared_with={bea: "editor"})
    (work / "bea_key").write_text(DST_KEY + "\n", encoding="utf-8")
    bea_profile = f'[profiles.bea]\nurl = "{world.url}"\napi_key_file = "bea_key"\n'
    if db:
        url = with_password(world.server.state.db.url, CANARY_DB_PASSWORD)
        url += ("&" if "?" in url else "?") + f"application_name={APP}"  # for cut_db_connections
        write_config(work, world.url, bea_profile, database_url=url)
    else:
        write_config(work, world.url, bea_profile)
    return Ctx(work, {"before": world_state(world)})


def moved(ctx: Ctx, *, api: bool = False) -> State:
    """Holiday's photos are bea's (the album stays ann's, same files); Anna moved whole,
    Ben is on both sides with one face each; ann keeps IMG_5. In API mode ann's originals
    are in her trash, still with their faces, so her Anna stays (with no live face)."""
    state: dict[str, Any] = copy.deepcopy(ctx.data["before"])
    sums = ctx.data["sums"]  # file name → checksum, read after the seed
    state["photos"]["ann@example.com"] = sorted(sums[n] for n in PHOTOS if n not in HOLIDAY)
    state["photos"]["bea@example.com"] = sorted(sums[n] for n in HOLIDAY)
    ann = [["Anna", 0], ["Ben", 1]] if api else [["Ben", 1]]
    state["people"] = {"ann@example.com": ann, "bea@example.com": [["Anna", 2], ["Ben", 1]]}
    state["faces"] = {"ann@example.com": [0, 0], "bea@example.com": [0, 0]}
    return state


def _with_sums(seed: Ctx, world: World) -> Ctx:
    with world.db() as conn:
        rows = conn.execute(
            """SELECT "originalFileName" AS name, encode(checksum, 'hex') AS sum FROM asset"""
        ).fetchall()
    seed.data["sums"] = {r["name"]: r["sum"] for r in rows}
    return seed


def seed_db(world: World, work: Path) -> Ctx:
    return _with_sums(seed_family(world, work, db=True), world)


def seed_api(world: World, work: Path) -> Ctx:
    return _with_sums(seed_family(world, work, db=False), world)


ARGV = ["transfer", "--album", "Holiday", "--to", "bea@example.com", "--yes"]

TRANSFER_DB = Scenario(
    name="transfer db",
    job="transfer",
    seed=seed_db,
    argv=lambda ctx: [*ARGV, "--mode", "db"],
    snapshot=world_state,
    intended=moved,
    undo_job="transfer",
)

TRANSFER_API = Scenario(
    name="transfer api",
    job="transfer.api",
    seed=seed_api,
    argv=lambda ctx: [*ARGV, "--mode", "api", "--to-profile", "bea"],
    snapshot=world_state,
    intended=lambda ctx: moved(ctx, api=True),
    undo_job="transfer.api",
)
