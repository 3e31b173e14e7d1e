"""`PUT /assets/copy` is sent exactly for the assets that need it (stack, shared link,
another user's album, sidecar); the others get their albums by album adds."""

from __future__ import annotations

import secrets
from pathlib import Path

from immkit.jobs.assetcopy.copy_step import sidecar_possible
from immkit.sim import seed
from tests.integration.library.conftest import ExternalLibrary, Invoke


def test_only_assets_with_a_stack_link_foreign_album_or_sidecar_are_copied(
    world: ExternalLibrary, invoke: Invoke
) -> None:
    ids = world.ids
    (world.root / "forest.jpg.xmp").write_text("<x:xmpmeta/>", encoding="utf-8")
    with world.sim.state.db.connection() as conn:
        mine = seed.add_album(conn, world.admin_id, "Mine", [ids["beach.jpg"], ids["clip.mov"]])
        theirs = seed.add_album(conn, world.other_id, "Theirs", [ids["IMG_LIVE.jpg"]])
        conn.execute(
            'INSERT INTO album_user ("albumId", "userId", role) VALUES (%s, %s, %s)',
            (theirs, world.admin_id, "editor"),
        )
        stack = conn.execute(
            'INSERT INTO stack ("primaryAssetId", "ownerId") VALUES (%s, %s) RETURNING id',
            (ids["family.jpg"], world.admin_id),
        ).fetchone()
        assert stack is not None
        conn.execute(
            'UPDATE asset SET "stackId" = %s WHERE id = %s', (stack["id"], ids["family.jpg"])
        )
        link = conn.execute(
            'INSERT INTO shared_link ("userId", key, type) VALUES (%s, %s, %s) RETURNING id',
            (world.admin_id, secrets.token_bytes(16), "INDIVIDUAL"),
        ).fetchone()
        assert link is not None
        conn.execute(
            'INSERT INTO shared_link_asset ("assetId", "sharedLinkId") VALUES (%s, %s)',
            (ids["clip.mov"], link["id"]),
        )
    # the simulator's answers to the listings follow the 3.1 spec (autouse conformance check)
    assert [s["primaryAssetId"] for s in world.call("GET", "/stacks")] == [ids["family.jpg"]]
    (shared,) = world.call("GET", "/shared-links")
    assert [a["id"] for a in shared["assets"]] == [ids["clip.mov"]]

    result = invoke("library", "internalize", "Photos", "--yes")
    assert result.exit_code == 0, result.output

    # clip (shared link), family (stack), forest (sidecar), IMG_LIVE (another user's album)
    assert world.sim.state.requests["PUT /assets/copy"] == 4
    copies = world.internal()
    assert copies["family.jpg"]["stack"]["id"] == str(stack["id"])
    with world.sim.state.db.connection() as conn:
        in_albums = {
            (str(r["albumId"]), str(r["assetId"]))
            for r in conn.execute('SELECT "albumId", "assetId" FROM album_asset').fetchall()
        }
        linked = conn.execute(
            'SELECT "assetId" FROM shared_link_asset WHERE "sharedLinkId" = %s', (link["id"],)
        ).fetchall()
    # beach went by album add, clip by copy, the live photo into the other user's album
    assert (mine, copies["beach.jpg"]["id"]) in in_albums
    assert (mine, copies["clip.mov"]["id"]) in in_albums
    assert (theirs, copies["IMG_LIVE.jpg"]["id"]) in in_albums
    assert copies["clip.mov"]["id"] in {str(r["assetId"]) for r in linked}
    assert set(world.external_state().values()) == {"trashed"}


def test_a_sidecar_is_found_under_either_name_immich_uses(tmp_path: Path) -> None:
    photo = tmp_path / "IMG_1.jpg"
    photo.write_bytes(b"x")
    assert not sidecar_possible(str(photo))
    (tmp_path / "IMG_1.xmp").write_text("", encoding="utf-8")
    assert sidecar_possible(str(photo))
    (tmp_path / "IMG_1.xmp").unlink()
    (tmp_path / "IMG_1.jpg.XMP").write_text("", encoding="utf-8")
    assert sidecar_possible(str(photo))
