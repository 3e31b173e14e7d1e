"""`library internalize`: ann's external library of real files becomes her uploads.

The files sit in the work folder's `photos/`, the library is created and scanned through
the API as Immich's admin would; two of its photos are in ann's album "Trip", and Anna's
face is on one of them. Internalized, every file is an upload of ann's with the same
checksum, still in "Trip", still with Anna's face, and no external asset is left live.
"""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path

import httpx

from immkit.sim.jpeg import solid_jpeg
from immkit.sim.seed import FaceSeed, add_album, add_api_key, add_faces, add_person, add_user
from tests.reliability.scenarios import Ctx, Scenario, State, world_state, write_config
from tests.reliability.world import CANARY_KEY, World

PHOTOS = {"beach.jpg": (64, 48), "family.jpg": (80, 60), "forest.jpg": (48, 48)}
TRIP = ("beach.jpg", "family.jpg")


def seed_library(world: World, work: Path) -> Ctx:
    root = work / "photos"
    root.mkdir()
    for n, (name, (w, h)) in enumerate(sorted(PHOTOS.items())):
        (root / name).write_bytes(solid_jpeg(w, h, (50 * n, 90, 200), comment=name))
    (root / "clip.mov").write_bytes(b"\x00\x00\x00\x18ftypqt  " + b"clip" * 800)
    with world.db() as conn:
        ann = add_user(conn, "ann@example.com", "Ann", is_admin=True)
        add_user(conn, "bea@example.com", "Bea")
        add_api_key(conn, ann, name="canary", secret=CANARY_KEY)
    with httpx.Client(base_url=f"{world.url}/api", headers={"x-api-key": CANARY_KEY}) as api:
        body = {"ownerId": ann, "name": "Photos", "importPaths": [str(root)]}
        created = api.post("/libraries", json=body)
        assert created.status_code < 300, created.text
        scanned = api.post(f"/libraries/{created.json()['id']}/scan")
        assert scanned.status_code < 300, scanned.text
    with world.db() as conn:
        rows = conn.execute('SELECT id::text, "originalFileName" AS name FROM asset').fetchall()
        ids = {r["name"]: r["id"] for r in rows}
        assert sorted(ids) == sorted([*PHOTOS, "clip.mov"]), ids
        add_album(conn, ann, "Trip", [ids[n] for n in TRIP])
        anna = add_person(conn, ann, "Anna")
        add_faces(conn, [FaceSeed(ids["family.jpg"], anna, (10, 10, 40, 40), 80, 60)])
    write_config(work, world.url)
    return Ctx(work, {"before": world_state(world)})


def internalized(ctx: Ctx) -> State:
    """The same albums and faces; ann's photos are uploads of the files (an external
    asset's checksum is Immich's hash of its path, an upload's the file's own)."""
    state = copy.deepcopy(ctx.data["before"])
    files = (ctx.work / "photos").iterdir()
    state["photos"]["ann@example.com"] = sorted(
        hashlib.sha1(f.read_bytes()).hexdigest() for f in files
    )
    state["external"] = {}
    return state


LIBRARY_INTERNALIZE = Scenario(
    name="library internalize",
    job="library.internalize",
    seed=seed_library,
    argv=lambda ctx: ["library", "internalize", "Photos", "--yes"],
    snapshot=world_state,
    intended=internalized,
    undo_job="library.internalize",
)
