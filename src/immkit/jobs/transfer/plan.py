"""Plan: decide, without touching the database, exactly what a transfer will change.

Decisions made here (and shown in the dry run):
- live-photo motion parts and whole stacks move with the selection (never unstacked);
- an asset whose checksum the target already owns is never moved (the unique index on
  (owner, checksum) would refuse it); `skip` leaves it with the source, `merge` also puts
  the target's copy in the albums of the source's copy. Whatever is linked to it (live
  photo, stack) stays with it;
- external-library assets stay with the source: their library belongs to the source;
- a person whose faces are all in the moved assets moves; one with faces elsewhere too
  is duplicated for the target and the moved faces re-linked (3.2+: the target gets a
  person row for the same group when both users share a cluster group, else a new group
  in the target's cluster group);
- 3.3 people sharing: a person whose row carries sharing rows (`person_user`) keeps the
  source's row even when all its faces move (it is duplicated instead): deleting the row
  would delete its shares, which an undo could not bring back.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from typing import Literal

from pydantic import BaseModel, ConfigDict

from immkit.engine import Action, ActionKind, Plan
from immkit.jobs.transfer.collect import AssetInfo, Snapshot

JOB = "transfer"
_NAMESPACE = uuid.UUID("6f1d0c52-5b7e-4c43-9b0e-6a8f3c1d2e10")

FILES_NOTE = (
    "Files on disk stay where they are (under the source's upload folder); Immich serves "
    "them from there. Run Immich's Storage Template Migration job to move them into the "
    "target's folders."
)


class TransferKind(ActionKind):
    MOVE = "transfer.change_owner"
    UNDO = "transfer.restore_owner"
    REPAIR = "transfer.repair_faces"
    UNREPAIR = "transfer.restore_faces"


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PersonMove(Strict):
    key: str
    name: str
    action: Literal["move", "duplicate"]
    faces_in: int
    faces_out: int
    target_key: str  # the target's person key (= key when the row or group is kept)
    shares: int = 0  # 3.3 sharing rows of the source's row: it is kept (never "move")


class Duplicate(Strict):
    asset_id: str
    target_asset_id: str
    file_name: str


class AlbumTouch(Strict):
    id: str
    name: str
    owner: str
    assets: int


class TagMove(Strict):
    source_id: str
    value: str
    color: str | None


class TransferPlan(Strict):
    """The transfer as data: what the dry run shows and the apply executes."""

    layout: str
    source_id: str
    source_email: str
    target_id: str
    target_email: str
    same_cluster: bool
    kind: str
    ref_id: str
    label: str
    asset_ids: list[str]
    selected: int
    live_parts: list[str]
    stack_members: list[str]
    stack_ids: list[str]
    kept_external: list[str]
    kept_linked: list[str]  # stay because linked to a duplicate or an external asset
    duplicates: list[Duplicate]
    duplicate_policy: str
    persons: list[PersonMove]
    faces_moved: int
    faces_relinked: int
    tags: list[TagMove]
    tag_links: int
    albums: list[AlbumTouch]
    include_album: str | None
    keep_editor: bool
    target_album_role: str | None
    merge_links: list[tuple[str, str]]  # (album id, target's asset id)
    moved_bytes: int


def plan(snapshot: Snapshot) -> Plan:
    """The engine plan: one destructive action carrying the TransferPlan."""
    body = plan_transfer(snapshot)
    if not body.asset_ids:
        return Plan(
            job=JOB,
            fingerprint=snapshot.fingerprint,
            notes=tuple(notes(body)),
            empty_message=f"Nothing to transfer: {body.label} holds no photo of "
            f"{body.source_email} that can move.",
        )
    action = Action(
        kind=TransferKind.MOVE,
        target=f"user:{body.target_id}",
        target_label=f"{body.source_email} → {body.target_email}",
        params=body.model_dump(mode="json"),
        reason=f"{body.kind} {body.label}",
        requests={"SQL transaction": 1},
        destructive=True,
    )
    return Plan(
        job=JOB, fingerprint=snapshot.fingerprint, actions=(action,), notes=tuple(notes(body))
    )


def plan_transfer(snap: Snapshot) -> TransferPlan:
    sel = snap.selection
    spec = snap.spec
    copies = dict(snap.target_copies)
    units = _units(snap.assets)
    kept_external: list[str] = []
    kept_linked: list[str] = []
    duplicates: list[Duplicate] = []
    moved: list[AssetInfo] = []
    for unit in units:
        blockers = [a for a in unit if a.library_id is not None or _copy(a, copies)]
        if not blockers:
            moved.extend(unit)
            continue
        for asset in unit:
            if asset.library_id is not None:
                kept_external.append(asset.id)
            elif (other := _copy(asset, copies)) is not None:
                duplicates.append(Duplicate(asset_id=asset.id, target_asset_id=other,
                                            file_name=asset.file_name))  # fmt: skip
            else:
                kept_linked.append(asset.id)
    moved_ids = {a.id for a in moved}
    live = sorted(a.live_video_id for a in moved if a.live_video_id in moved_ids)
    stack_ids = sorted({a.stack_id for a in moved if a.stack_id})
    stack_members = sorted(
        a.id for a in moved if a.stack_id and not a.selected and a.id not in live
    )
    faces_in = Counter(f.key for f in snap.faces if f.asset_id in moved_ids)
    persons = []
    for person in snap.persons:
        inside = faces_in.get(person.key, 0)
        if not inside:
            continue
        outside = max(person.faces - inside, 0)
        keep = bool(outside or person.shares)
        action: Literal["move", "duplicate"] = "duplicate" if keep else "move"
        persons.append(
            PersonMove(
                key=person.key,
                name=person.name,
                action=action,
                faces_in=inside,
                faces_out=outside,
                target_key=_target_key(snap, person.key, action),
                shares=person.shares,
            )
        )
    relinked = sum(p.faces_in for p in persons if p.target_key != p.key)
    tag_ids = {t for a, t in snap.tag_links if a in moved_ids}
    links = sum(1 for a, _ in snap.tag_links if a in moved_ids)
    wanted_values = _with_ancestors({t.value for t in snap.tags if t.id in tag_ids})
    tags = [
        TagMove(source_id=t.id, value=t.value, color=t.color)
        for t in snap.tags
        if t.value in wanted_values
    ]
    albums = _albums(snap, moved_ids)
    merge_links: list[tuple[str, str]] = []
    if spec.duplicates == "merge":
        target_of = {d.asset_id: d.target_asset_id for d in duplicates}
        merge_links = sorted(
            {(link.album_id, target_of[link.asset_id]) for link in snap.album_links
             if link.asset_id in target_of}
        )  # fmt: skip
    return TransferPlan(
        layout=snap.layout,
        source_id=sel.source.id,
        source_email=sel.source.email,
        target_id=sel.target.id,
        target_email=sel.target.email,
        same_cluster=_same_cluster(snap),
        kind=sel.kind,
        ref_id=sel.ref_id,
        label=sel.label,
        asset_ids=sorted(moved_ids),
        selected=sum(1 for a in moved if a.selected),
        live_parts=live,
        stack_members=stack_members,
        stack_ids=stack_ids,
        kept_external=sorted(kept_external),
        kept_linked=sorted(kept_linked),
        duplicates=sorted(duplicates, key=lambda d: d.asset_id),
        duplicate_policy=spec.duplicates,
        persons=persons,
        faces_moved=sum(faces_in.values()),
        faces_relinked=relinked,
        tags=tags,
        tag_links=links,
        albums=albums,
        include_album=sel.ref_id if spec.include_album and sel.kind == "album" else None,
        keep_editor=spec.keep_editor,
        target_album_role=snap.target_album_role,
        merge_links=merge_links,
        moved_bytes=sum(a.size for a in moved if a.library_id is None),
    )


def notes(body: TransferPlan) -> list[str]:
    """The plan's sentences for the admin: decisions and what to do afterwards."""
    out = [FILES_NOTE]
    if body.stack_ids:
        out.append(
            f"{len(body.stack_ids):,} stack(s) move whole: {len(body.stack_members):,} "
            "stacked photo(s) outside the selection move with it (nothing is unstacked)."
        )
    if body.kept_external:
        out.append(
            f"{len(body.kept_external):,} photo(s) of an external library stay with "
            f"{body.source_email}: the library is theirs (internalize them first)."
        )
    if body.duplicates:
        what = (
            "stay with the source"
            if body.duplicate_policy == "skip"
            else "stay with the source; the target's copies join their albums"
        )
        out.append(
            f"{len(body.duplicates):,} photo(s) already exist at {body.target_email} (same "
            f"checksum) and {what} (--duplicates {body.duplicate_policy})."
        )
    if body.kept_linked:
        out.append(
            f"{len(body.kept_linked):,} photo(s) stay because their live photo or stack "
            "stays (a pair or stack is never split)."
        )
    shared = [p for p in body.persons if p.shares]
    if shared:
        names = ", ".join(p.name or "(unnamed)" for p in shared[:5])
        out.append(
            f"{len(shared):,} person(s) are shared (Immich people sharing: {names}): "
            f"{body.source_email} keeps their person row and its "
            f"{sum(p.shares for p in shared):,} share(s), even without photos left; deleting "
            "the row would delete the shares, and undo could not bring them back."
        )
    if any(p.action == "duplicate" or p.target_key != p.key for p in body.persons):
        out.append(
            "New person rows get their face thumbnail from Immich's Generate Thumbnails job "
            "(missing); names, faces and face embeddings are kept, no re-scan needed."
        )
    return out


def _copy(asset: AssetInfo, copies: dict[str, str]) -> str | None:
    return copies.get(asset.checksum) if asset.library_id is None else None


def _units(assets: tuple[AssetInfo, ...]) -> list[list[AssetInfo]]:
    """Groups that move together: a live photo and its motion part, a stack's members."""
    parent = {a.id: a.id for a in assets}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    first_of_stack: dict[str, str] = {}
    for a in assets:
        if a.live_video_id in parent:
            join(a.id, a.live_video_id)
        if a.stack_id:
            join(a.id, first_of_stack.setdefault(a.stack_id, a.id))
    groups: dict[str, list[AssetInfo]] = defaultdict(list)
    for a in assets:
        groups[find(a.id)].append(a)
    return sorted(groups.values(), key=lambda g: min(a.id for a in g))


def _same_cluster(snap: Snapshot) -> bool:
    src, dst = snap.selection.source.cluster, snap.selection.target.cluster
    return src is not None and src == dst


def _target_key(snap: Snapshot, key: str, action: str) -> str:
    if snap.layout == "3.1":
        return key if action == "move" else _derived(snap, key)
    # 3.2+: a group stays in its cluster group; another cluster group gets its own group
    return key if _same_cluster(snap) else _derived(snap, key)


def _derived(snap: Snapshot, key: str) -> str:
    """A deterministic new id: the same plan always creates the same rows. Shaped as a
    version-4 UUID: Immich's request validation rejects ids of other versions."""
    digest = uuid.uuid5(_NAMESPACE, f"{snap.selection.target.id}:{key}")
    return str(uuid.UUID(bytes=digest.bytes, version=4))


def _with_ancestors(values: set[str]) -> set[str]:
    out = set(values)
    for value in values:
        parts = value.split("/")
        out.update("/".join(parts[:i]) for i in range(1, len(parts)))
    return out


def _albums(snap: Snapshot, moved: set[str]) -> list[AlbumTouch]:
    counts: Counter[str] = Counter()
    info: dict[str, tuple[str, str]] = {}
    for link in snap.album_links:
        if link.asset_id in moved:
            counts[link.album_id] += 1
            info[link.album_id] = (link.name, link.owner)
    return [
        AlbumTouch(id=aid, name=info[aid][0], owner=info[aid][1], assets=n)
        for aid, n in sorted(counts.items(), key=lambda item: (info[item[0]][0], item[0]))
    ]
