"""The people export: JSON Lines that a person can read, edit by hand or with jq.

One object per line, told apart by `type`:

- `header` (optional, first): `{"type": "header", "format": "immkit-people", "version": 1}`;
- `person`: `id` (the source's person id, only a key inside the file), `name`, `birthDate`
  (YYYY-MM-DD or null), `isHidden`, `isFavorite`;
- `face`: `person` (a person record's `id`), `asset` (`checksum`, `originalFileName`,
  `fileSize`, `takenAt`, `width`, `height`, and the source's `id`), `box` (`x1 y1 x2 y2`,
  0..1, normalised by `imageWidth`/`imageHeight`, which are kept for reference), and
  `feature`: true on the one face used as the person's picture.

Reading checks every line and names the first bad one: the file is plain data a person
may have edited, and an import must never act on half of it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from immkit.errors import BadFileError
from immkit.jobs.people.match import AssetKey, Box

FORMAT = "immkit-people"
VERSION = 1


@dataclass(frozen=True)
class PersonRecord:
    key: str
    name: str
    birth_date: str | None = None
    is_hidden: bool = False
    is_favorite: bool = False


@dataclass(frozen=True)
class FaceRecord:
    person: str
    asset: AssetKey
    box: Box
    image_width: int = 0
    image_height: int = 0
    feature: bool = False


@dataclass
class PeopleFile:
    """What a source holds: named people and their faces (the export, in memory)."""

    people: list[PersonRecord] = field(default_factory=list)
    faces: list[FaceRecord] = field(default_factory=list)

    def person(self, key: str) -> PersonRecord:
        return self.by_key()[key]

    def by_key(self) -> dict[str, PersonRecord]:
        return {p.key: p for p in self.people}


def _person_json(p: PersonRecord) -> dict[str, Any]:
    return {
        "type": "person",
        "id": p.key,
        "name": p.name,
        "birthDate": p.birth_date,
        "isHidden": p.is_hidden,
        "isFavorite": p.is_favorite,
    }


def _face_json(f: FaceRecord) -> dict[str, Any]:
    a = f.asset
    return {
        "type": "face",
        "person": f.person,
        "asset": {
            "id": a.id,
            "checksum": a.checksum,
            "originalFileName": a.original_file_name,
            "fileSize": a.file_size,
            "takenAt": a.taken_at,
            "width": a.width,
            "height": a.height,
        },
        "box": {"x1": _r(f.box.x1), "y1": _r(f.box.y1), "x2": _r(f.box.x2), "y2": _r(f.box.y2)},
        "imageWidth": f.image_width,
        "imageHeight": f.image_height,
        "feature": f.feature,
    }


def _r(value: float) -> float:
    return round(value, 6)


def lines(data: PeopleFile) -> Iterator[str]:
    """The file's lines, without newlines: header, people, then faces by person."""
    yield json.dumps({"type": "header", "format": FORMAT, "version": VERSION})
    for person in data.people:
        yield json.dumps(_person_json(person), ensure_ascii=False)
    for face in data.faces:
        yield json.dumps(_face_json(face), ensure_ascii=False)


def write(path: Path, data: PeopleFile) -> None:
    """Write atomically: a crash leaves the old file or the new one, never half of it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for line in lines(data):
                out.write(line + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read(path: Path) -> PeopleFile:
    """Read and check an export.

    Raises:
        BadFileError: unreadable file, or a line that is not a valid record (named).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise BadFileError(f"Cannot read the people file {path}: {reason}.") from exc
    return parse(text, str(path))


def parse(text: str, name: str = "the people file") -> PeopleFile:
    data = PeopleFile()
    keys: set[str] = set()
    faces_at: list[tuple[int, FaceRecord]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise _bad(name, number, f"not JSON ({exc.msg})") from exc
        if not isinstance(record, dict):
            raise _bad(name, number, "not a JSON object")
        try:
            kind = record.get("type")
            if kind == "header":
                _header(record)
            elif kind == "person":
                person = _person(record)
                if person.key in keys:
                    raise ValueError(f"person id {person.key!r} is used twice")
                keys.add(person.key)
                data.people.append(person)
            elif kind == "face":
                faces_at.append((number, _face(record)))
            else:
                raise ValueError(f"type is {kind!r}, expected header, person or face")
        except (ValueError, TypeError, KeyError) as exc:
            raise _bad(name, number, _reason(exc)) from exc
    for number, face in faces_at:
        if face.person not in keys:
            raise _bad(name, number, f"the face's person {face.person!r} has no person line")
        data.faces.append(face)
    return data


def _reason(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"{exc.args[0]} is missing"
    return str(exc)


def _bad(name: str, number: int, reason: str) -> BadFileError:
    return BadFileError(
        f"Line {number} of {name} is not a valid immkit people record: {reason}; "
        "fix that line (format in the README) or export again."
    )


def _header(record: Mapping[str, Any]) -> None:
    if record.get("format") != FORMAT or record.get("version") != VERSION:
        raise ValueError(f"header is not {FORMAT} version {VERSION}")


def _text(record: Mapping[str, Any], key: str, *, required: bool = True) -> str:
    value = record[key] if required else record.get(key, "")
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{key} must be a string")
    return value


def _flag(record: Mapping[str, Any], key: str) -> bool:
    value = record.get(key, False)
    if not isinstance(value, bool):
        raise TypeError(f"{key} must be true or false")
    return value


def _person(record: Mapping[str, Any]) -> PersonRecord:
    key = _text(record, "id")
    if not key:
        raise ValueError("id is empty")
    birth = record.get("birthDate")
    if birth is not None:
        if not isinstance(birth, str):
            raise TypeError("birthDate must be YYYY-MM-DD or null")
        try:
            date.fromisoformat(birth)
        except ValueError as exc:
            raise ValueError(f"birthDate {birth!r} is not a date (YYYY-MM-DD)") from exc
    return PersonRecord(
        key=key,
        name=_text(record, "name").strip(),
        birth_date=birth,
        is_hidden=_flag(record, "isHidden"),
        is_favorite=_flag(record, "isFavorite"),
    )


def _int(value: Any, key: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{key} must be a whole number or null")
    return value


def _face(record: Mapping[str, Any]) -> FaceRecord:
    asset = record["asset"]
    if not isinstance(asset, dict):
        raise TypeError("asset must be an object")
    key = AssetKey(
        id=_text(asset, "id", required=False),
        checksum=_text(asset, "checksum", required=False),
        original_file_name=_text(asset, "originalFileName", required=False),
        taken_at=_text(asset, "takenAt", required=False),
        file_size=_int(asset.get("fileSize"), "fileSize"),
        width=_int(asset.get("width"), "width"),
        height=_int(asset.get("height"), "height"),
    )
    if not (key.checksum or key.original_file_name):
        raise ValueError("asset needs a checksum or an originalFileName")
    box = record["box"]
    if not isinstance(box, dict):
        raise TypeError("box must be an object with x1, y1, x2, y2")
    corners = []
    for corner in ("x1", "y1", "x2", "y2"):
        value = box[corner]
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ValueError(f"box {corner} must be a number from 0 to 1")
        corners.append(float(value))
    if corners[0] >= corners[2] or corners[1] >= corners[3]:
        raise ValueError("box x1/y1 must be below x2/y2")
    return FaceRecord(
        person=_text(record, "person"),
        asset=key,
        box=Box(*corners),
        image_width=_int(record.get("imageWidth"), "imageWidth") or 0,
        image_height=_int(record.get("imageHeight"), "imageHeight") or 0,
        feature=_flag(record, "feature"),
    )
