"""`people migrate`: named people copied between two users of one simulator."""

from __future__ import annotations

import copy
import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from immkit.sim.seed import AssetSeed, FaceSeed, add_api_key, add_assets, add_faces, add_person
from immkit.sim.seed import add_user as _add_user
from tests.reliability.scenarios import Ctx, Scenario, State, world_state, write_config
from tests.reliability.world import CANARY_KEY, World

TAKEN = datetime(2021, 5, 1, 9, tzinfo=UTC)
LEFT, RIGHT = (100, 100, 300, 320), (700, 150, 900, 370)
# file name → the source's named faces (name, box); the target has the same photos with
# the same faces detected but nameless
PHOTOS: dict[str, tuple[tuple[str, tuple[int, int, int, int]], ...]] = {
    "IMG_1.jpg": (("Alice", LEFT), ("Bob", RIGHT)),
    "IMG_2.jpg": (("Alice", RIGHT),),
    "IMG_3.jpg": (("Bob", LEFT),),
    "IMG_4.jpg": (),
    "IMG_5.jpg": (("Charlie", LEFT), ("Alice", RIGHT)),
    "IMG_6.jpg": (("Dana 🎉", LEFT),),
}
DST_KEY = "reliabilityDSTkey0x5b1e"


def _library(world: World, user: str, *, named: bool, faceless: tuple[str, ...] = ()) -> None:
    """The photos; `faceless`: file names whose faces were never detected here."""
    with world.db() as conn:
        ids = add_assets(
            conn,
            [
                AssetSeed(
                    user,
                    name,
                    TAKEN + timedelta(minutes=i),
                    checksum=hashlib.sha1(name.encode()).digest(),
                )
                for i, name in enumerate(PHOTOS)
            ],
        )
        persons: dict[str, str] = {}
        faces = []
        for asset, (file_name, faces_on) in zip(ids, PHOTOS.items(), strict=True):
            if file_name in faceless:
                continue
            for name, box in faces_on:
                person = None
                if named:
                    if name not in persons:
                        persons[name] = add_person(conn, user, name)
                    person = persons[name]
                faces.append(FaceSeed(asset, person, box))
        add_faces(conn, faces)


def seed_migrate(world: World, work: Path, *, faceless: tuple[str, ...] = ()) -> Ctx:
    with world.db() as conn:
        ann = _add_user(conn, "ann@example.com", "Ann")
        bea = _add_user(conn, "bea@example.com", "Bea")
        add_api_key(conn, ann, name="canary", secret=CANARY_KEY)
        add_api_key(conn, bea, secret=DST_KEY)
        # bea already has a Charlie (no faces): reused, never doubled
        add_person(conn, bea, "Charlie")
    _library(world, ann, named=True)
    _library(world, bea, named=False, faceless=faceless)
    (work / "bea_key").write_text(DST_KEY + "\n", encoding="utf-8")
    write_config(
        work,
        world.url,
        f'[profiles.bea]\nurl = "{world.url}"\napi_key_file = "bea_key"\n',
    )
    return Ctx(work, {"before": world_state(world)})


def migrated(ctx: Ctx) -> State:
    """Bea's faces carry Ann's names; her Charlie is reused; Ann is untouched."""
    state = copy.deepcopy(ctx.data["before"])
    counts: dict[str, int] = {}
    for faces_on in PHOTOS.values():
        for name, _ in faces_on:
            counts[name] = counts.get(name, 0) + 1
    state["people"]["bea@example.com"] = sorted([name, n] for name, n in counts.items())
    state["faces"]["bea@example.com"] = [0, 0]
    return state


PEOPLE_MIGRATE = Scenario(
    name="people migrate",
    job="people.import",
    seed=seed_migrate,
    argv=lambda ctx: ["people", "migrate", "--from", "home", "--to", "bea"],
    snapshot=world_state,
    intended=migrated,
    undo_job="people.import",
)


def seed_import(world: World, work: Path) -> Ctx:
    """Ann's export file, made before the scenario; Bea never had IMG_6's face detected,
    so the import draws it (`POST /faces` is not idempotent: a retried one would double it)."""
    ctx = seed_migrate(world, work, faceless=("IMG_6.jpg",))
    proc = world.immkit(work, ["people", "export", "--out", "people.jsonl"])
    assert proc.code == 0, proc.stderr
    ctx.data["before"] = world_state(world)
    return ctx


PEOPLE_IMPORT = Scenario(
    name="people import",
    job="people.import",
    seed=seed_import,
    argv=lambda ctx: [
        "--profile",
        "bea",
        "people",
        "import",
        "people.jsonl",
        "--create-missing-faces",
    ],
    snapshot=world_state,
    intended=migrated,
    undo_job="people.import",
)
