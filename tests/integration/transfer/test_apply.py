"""DB-mode transfer on the simulator's PostgreSQL, checked through its HTTP API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

from immkit.engine import Journal, RunStatus, undo_run
from immkit.jobs.transfer.apply import TransferExecutor
from immkit.jobs.transfer.run import apply, connector, make_plan
from immkit.jobs.transfer.select import TransferSpec
from immkit.sim.server import SimServer
from tests.integration.transfer.conftest import Family


def _state(url: str) -> dict[str, Any]:
    """Everything a transfer may change, to compare before and after."""
    with psycopg.connect(url, row_factory=dict_row) as conn:
        out: dict[str, Any] = {}
        for table, order in (
            ("asset", "id"),
            ("stack", "id"),
            ("person", "id"),
            ("asset_face", "id"),
            ("face_search", '"faceId"'),
            ("tag", "id"),
            ("tag_asset", '"assetId", "tagId"'),
            ("tag_closure", "id_ancestor, id_descendant"),
            ("album_user", '"albumId", "userId"'),
            ("album_asset", '"albumId", "assetId"'),
        ):
            cols = "*" if table != "face_search" else '"faceId"'
            rows = conn.execute(f"SELECT {cols} FROM {table} ORDER BY {order}").fetchall()
            for row in rows:
                row.pop("updatedAt", None)
                row.pop("updateId", None)
            out[table] = rows
        out["usage"] = conn.execute(
            'SELECT id, "quotaUsageInBytes" FROM "user" ORDER BY id'
        ).fetchall()
    return out


def _people(fam: Family, sim: SimServer, who: str) -> dict[str, int]:
    with fam.api(sim, who) as client:
        people = client.get("/people", params={"withHidden": "true"}).json()["people"]
        out = {}
        for p in people:
            stats = client.get(f"/people/{p['id']}/statistics").json()
            assert "assets" in stats, (p, stats)
            out[p["name"]] = stats["assets"]
    return out


def _files(fam: Family, sim: SimServer, who: str) -> set[str]:
    with fam.api(sim, who) as client:
        items = client.post("/search/metadata", json={"size": 1000}).json()["assets"]["items"]
    return {a["originalFileName"] for a in items}


def test_album_moves_with_people_faces_live_stack_tags(
    sim: SimServer, family: Family, tmp_path: Path
) -> None:
    spec = TransferSpec(kind="album", ref="Holiday", target="bob@example.com")
    planned = make_plan(family.url, spec)
    body = planned.body
    assert body.source_email == "alice@example.com"
    a = family.assets
    assert set(body.asset_ids) == {a[n] for n in ("IMG_1", "MOV_1", "IMG_2", "IMG_2b", "IMG_3",
                                                  "IMG_4", "IMG_6")}  # fmt: skip
    assert body.live_parts == [a["MOV_1"]]
    assert body.stack_members == [a["IMG_2b"]]
    assert [d.asset_id for d in body.duplicates] == [a["IMG_5"]]
    actions = {p.name: (p.action, p.faces_in, p.faces_out) for p in body.persons}
    assert actions == {"Anna": ("move", 2, 0), "Ben": ("duplicate", 2, 1)}
    assert [t.value for t in body.tags] == ["Places", "Places/Italy"]

    with Journal(tmp_path / "j.sqlite3") as journal:
        result = apply(family.url, planned, spec, journal)
        assert result.status is RunStatus.DONE, result

        assert _people(family, sim, "bob") == {"Anna": 2, "Ben": 2}
        assert _people(family, sim, "alice") == {"Ben": 1}
        assert "IMG_3.jpg" in _files(family, sim, "bob")
        assert "IMG_3.jpg" not in _files(family, sim, "alice")
        assert "IMG_5.jpg" in _files(family, sim, "alice")
        with family.api(sim, "bob") as client:
            faces = client.get("/faces", params={"id": a["IMG_3"]}).json()
            assert sorted(f["person"]["name"] for f in faces) == ["Anna", "Ben"]
            tags = {t["value"] for t in client.get("/tags").json()}
            assert tags == {"Places", "Places/Italy"}
        with psycopg.connect(family.url, row_factory=dict_row) as conn:
            usage = {
                r["email"]: r["quotaUsageInBytes"]
                for r in conn.execute('SELECT email, "quotaUsageInBytes" FROM "user"')
            }
            assert usage["bob@example.com"] == 120_000 + 7 * 1000
            assert usage["alice@example.com"] == 3 * 1000
            kept = conn.execute("SELECT count(*) AS n FROM face_search").fetchone()
            assert kept is not None
            assert kept["n"] == 5

        run = journal.get_run(str(result.run_id))
        before_undo = _state(family.url)
        undo = undo_run(journal, run, TransferExecutor(connector(family.url)))
        assert undo.status is RunStatus.DONE, undo
        assert _people(family, sim, "alice") == {"Anna": 2, "Ben": 3}
        assert _people(family, sim, "bob") == {}
        assert before_undo != _state(family.url)
