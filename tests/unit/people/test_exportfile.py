"""The JSON Lines export: round trip and line-numbered errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from immkit.errors import BadFileError
from immkit.jobs.people import exportfile
from immkit.jobs.people.exportfile import FaceRecord, PeopleFile, PersonRecord
from immkit.jobs.people.match import AssetKey, Box


def test_round_trip(tmp_path: Path) -> None:
    data = PeopleFile(
        people=[PersonRecord("p1", "Zoë", "1990-02-03", is_hidden=True, is_favorite=True)],
        faces=[
            FaceRecord(
                "p1",
                AssetKey("a1", "c1", "IMG.jpg", "2020-01-01T00:00:00.000Z", 10, 40, 30),
                Box(0.1, 0.2, 0.3, 0.4),
                640,
                480,
                feature=True,
            )
        ],
    )
    path = tmp_path / "people.jsonl"
    exportfile.write(path, data)
    assert "Zoë" in path.read_text(encoding="utf-8")
    assert exportfile.read(path) == data


def test_a_face_line_needs_a_known_person() -> None:
    text = (
        '{"type": "face", "person": "p", "asset": {"checksum": "c"},'
        ' "box": {"x1": 0, "y1": 0, "x2": 1, "y2": 1}}\n'
    )
    with pytest.raises(BadFileError, match=r"Line 1 of x .*no person line"):
        exportfile.parse(text, "x")


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("[1]", "not a JSON object"),
        ('{"type": "header", "format": "other", "version": 1}', "header is not"),
        ('{"type": "person", "name": "A"}', "id is missing"),
        ('{"type": "person", "id": "p", "name": 3}', "name must be a string"),
        ('{"type": "person", "id": "p", "name": "A", "isHidden": "yes"}', "true or false"),
        ('{"type": "face", "person": "p", "asset": {}, "box": {}}', "checksum or an original"),
        (
            '{"type": "face", "person": "p", "asset": {"checksum": "c"},'
            ' "box": {"x1": 0, "y1": 0, "x2": 2, "y2": 1}}',
            "from 0 to 1",
        ),
    ],
)
def test_bad_lines(line: str, why: str) -> None:
    with pytest.raises(BadFileError, match=rf"Line 2 of f .*{why}"):
        exportfile.parse('{"type": "person", "id": "q", "name": "Q"}\n' + line + "\n", "f")


def test_a_person_id_twice() -> None:
    one = '{"type": "person", "id": "p", "name": "A"}\n'
    with pytest.raises(BadFileError, match=r"Line 2 .*used twice"):
        exportfile.parse(one + one, "f")
