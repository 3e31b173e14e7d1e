"""Read a source (people and their faces) and a target (assets, people, faces) from Immich.

Reads are shaped for cost (IMMICH_PERFORMANCE.md): one keyset scan of each library
(flat cost per page), `GET /faces` only for source assets that show a wanted person and
only for the target assets they match, at the client's concurrency limit.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from immkit.immich import Asset, Face, Immich, MetadataSearch, Person
from immkit.immich.models import AssetId, PersonId
from immkit.jobs.people.exportfile import FaceRecord, PeopleFile, PersonRecord
from immkit.jobs.people.match import AssetKey, AssetMatch, Box, match_assets

log = logging.getLogger(__name__)


def asset_key(asset: Asset) -> AssetKey:
    exif = asset.exif_info
    return AssetKey(
        id=asset.id,
        checksum=asset.checksum,
        original_file_name=asset.original_file_name,
        taken_at=asset.file_created_at,
        file_size=exif.file_size_in_byte if exif else None,
        width=asset.width,
        height=asset.height,
    )


def face_box(face: Face) -> Box | None:
    """The face's box normalised by its frame; None for a face with no usable frame."""
    try:
        return Box.from_pixels(
            face.bounding_box_x1,
            face.bounding_box_y1,
            face.bounding_box_x2,
            face.bounding_box_y2,
            face.image_width,
            face.image_height,
        )
    except ValueError:
        return None


def _own_assets(immich: Immich, *, with_people: bool) -> Iterable[Asset]:
    me = immich.users.me().id
    search = MetadataSearch(with_people=with_people or None, with_exif=True)
    for asset in immich.search.iter_assets(search):
        if asset.owner_id == me and not asset.is_trashed:
            yield asset


def read_source(immich: Immich, *, include_unnamed: bool = False) -> PeopleFile:
    """The named people (and with `include_unnamed` the others) and all their faces."""
    # GET /people leaves out unnamed persons with few faces; the scan's people have them
    wanted = {
        p.id: p
        for p in immich.people.iter_all(with_hidden=True)
        if include_unnamed or p.name.strip()
    }
    keys: dict[AssetId, AssetKey] = {}
    for asset in _own_assets(immich, with_people=True):
        shown = [p for p in asset.people if p.id in wanted or include_unnamed or p.name.strip()]
        for person in shown:
            wanted.setdefault(person.id, person)
        if shown:
            keys[asset.id] = asset_key(asset)
    people = list(wanted.values())
    log.info("Reading the faces of %d source assets that show a wanted person", len(keys))
    faces = immich.faces.faces_of_many(keys)
    records: list[FaceRecord] = []
    for asset_id, on_asset in faces.items():
        for face in on_asset:
            box = face_box(face)
            if face.person is None or face.person.id not in wanted or box is None:
                continue
            records.append(
                FaceRecord(
                    person=face.person.id,
                    asset=keys[asset_id],
                    box=box,
                    image_width=face.image_width,
                    image_height=face.image_height,
                )
            )
    return PeopleFile(people=[_record(p) for p in people], faces=mark_features(records))


def _record(person: Person) -> PersonRecord:
    return PersonRecord(
        key=person.id,
        name=person.name.strip(),
        birth_date=person.birth_date,
        is_hidden=person.is_hidden,
        is_favorite=person.is_favorite,
    )


def mark_features(faces: list[FaceRecord]) -> list[FaceRecord]:
    """Mark one face per person as its picture: the largest (Immich's API does not say
    which face it uses, and a large face makes the clearest thumbnail)."""
    best: dict[str, int] = {}
    for index, face in enumerate(faces):
        current = best.get(face.person)
        if current is None or face.box.area > faces[current].box.area:
            best[face.person] = index
    chosen = set(best.values())
    return [
        FaceRecord(f.person, f.asset, f.box, f.image_width, f.image_height, i in chosen)
        for i, f in enumerate(faces)
    ]


def source_asset_id(key: AssetKey) -> str:
    """A source asset's identity inside one file (hand-written lines may lack the id)."""
    return key.id or f"{key.checksum}|{key.original_file_name}|{key.taken_at}"


@dataclass
class TargetSnapshot:
    """What the plan needs of the target: who, which assets match, their faces, people."""

    user_id: str
    assets: dict[str, AssetKey]
    match: AssetMatch
    faces: dict[str, list[Face]] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)

    def fingerprint(self) -> str:
        state = {
            "user": self.user_id,
            "faces": {
                a: sorted(f"{f.id}:{f.person.id if f.person else ''}" for f in fs)
                for a, fs in sorted(self.faces.items())
            },
            "people": sorted(f"{p.id}:{p.name}" for p in self.people),
        }
        return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def source_keys(source: PeopleFile) -> list[AssetKey]:
    """Each source asset once, keyed by `source_asset_id`."""
    seen: dict[str, AssetKey] = {}
    for face in source.faces:
        ident = source_asset_id(face.asset)
        if ident not in seen:
            a = face.asset
            seen[ident] = AssetKey(
                ident, a.checksum, a.original_file_name, a.taken_at, a.file_size, a.width, a.height
            )
    return list(seen.values())


def read_target(immich: Immich, source: PeopleFile) -> TargetSnapshot:
    """The target's assets (matched to the source's), faces of matched assets, people."""
    me = immich.users.me().id
    assets: dict[str, AssetKey] = {
        a.id: asset_key(a) for a in _own_assets(immich, with_people=False)
    }
    match = match_assets(source_keys(source), assets.values())
    matched = sorted({target for target, _ in match.pairs.values()})
    log.info("Reading the faces of %d matched target assets", len(matched))
    faces = immich.faces.faces_of_many(AssetId(a) for a in matched)
    people = list(immich.people.iter_all(with_hidden=True))
    return TargetSnapshot(
        user_id=me,
        assets=assets,
        match=match,
        faces={str(k): v for k, v in faces.items()},
        people=people + _unlisted_people(immich, source, people),
    )


def _unlisted_people(immich: Immich, source: PeopleFile, listed: list[Person]) -> list[Person]:
    """Named people `GET /people` leaves out (no visible face yet), found by name."""
    known = {p.name.casefold() for p in listed if p.name}
    ids = {p.id for p in listed}
    missing = sorted({p.name for p in source.people if p.name and p.name.casefold() not in known})
    found: list[Person] = []
    answers = immich.client.map_concurrent(
        lambda name: immich.people.search(name, with_hidden=True), missing
    )
    for name, people in zip(missing, answers, strict=True):
        for person in people:
            if person.name.casefold() == name.casefold() and person.id not in ids:
                ids.add(PersonId(person.id))
                found.append(person)
    return found
