"""`people export` and `people import`, a hand-edited file, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.people.conftest import Face, Photo, World
from tests.integration.people.test_migrate import A1, A2, _library


def _export(world: World, path: Path, *flags: str) -> list[dict[str, object]]:
    result = world.run("--profile", "src", "people", "export", "--out", str(path), *flags)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_export_then_import_a_hand_edited_file(world: World) -> None:
    source, target = _library()
    world.src.seed(source)
    world.dst.seed(target)
    path = world.tmp / "people.jsonl"
    records = _export(world, path)
    assert records[0] == {"type": "header", "format": "immkit-people", "version": 1}
    people = [r for r in records if r["type"] == "person"]
    faces = [r for r in records if r["type"] == "face"]
    assert sorted(str(p["name"]) for p in people) == ["Alice", "Bob"]
    assert len(faces) == 4
    assert sum(bool(f["feature"]) for f in faces) == 2
    [bob3] = [f for f in faces if f["asset"]["originalFileName"] == "IMG_3.jpg"]  # type: ignore[index]
    assert bob3["box"] == {"x1": 0.1, "y1": 0.133333, "x2": 0.2, "y2": 0.293333}
    assert (bob3["imageWidth"], bob3["imageHeight"]) == (1000, 750)
    # by hand: Bob is renamed Robert and gets a birth date; Alice's face on IMG_2 is dropped
    edited = []
    for record in records:
        line = dict(record)
        if line["type"] == "person" and line["name"] == "Bob":
            line.update(name="Robert", birthDate="1980-01-02")
        asset = line.get("asset")
        if isinstance(asset, dict) and asset["originalFileName"] == "IMG_2.jpg":
            continue
        edited.append(json.dumps(line))
    path.write_text("\n".join(edited) + "\n", encoding="utf-8")
    dry = world.run("--profile", "dst", "people", "import", str(path), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert world.dst.people_named("Robert") == []
    result = world.run("--profile", "dst", "people", "import", str(path))
    assert result.exit_code == 0, result.output
    assert world.dst.names("IMG_1.jpg") == ["Alice", "Robert"]
    assert world.dst.names("IMG_2.jpg") == [None]
    [robert] = world.dst.people_named("Robert")
    assert robert["birth"] == "1980-01-02"


def test_export_can_include_unnamed_persons(one_server: World) -> None:
    world = one_server
    world.src.seed([Photo("IMG_1.jpg", 1, (Face("Alice", A1), Face("", A2)))])
    named = _export(world, world.tmp / "a.jsonl")
    everyone = _export(world, world.tmp / "b.jsonl", "--include-unnamed")
    assert sum(r["type"] == "face" for r in named) == 1
    assert sum(r["type"] == "face" for r in everyone) == 2


@pytest.mark.parametrize(
    ("content", "line", "why"),
    [
        ('{"type": "person", "id": "p", "name": "A"}\n{not json\n', 2, "not JSON"),
        ('{"type": "person", "id": "p", "name": "A", "birthDate": "1990-13-45"}\n', 1, "birthDate"),
        (
            '{"type": "person", "id": "p", "name": "A"}\n\n'
            '{"type": "face", "person": "q", "asset": {"originalFileName": "a.jpg"},'
            ' "box": {"x1": 0.1, "y1": 0.1, "x2": 0.2, "y2": 0.2}}\n',
            3,
            "no person line",
        ),
        (
            '{"type": "face", "person": "p", "asset": {"originalFileName": "a.jpg"},'
            ' "box": {"x1": 0.5, "y1": 0.1, "x2": 0.2, "y2": 0.2}}\n',
            1,
            "x1/y1",
        ),
        ('{"type": "album"}\n', 1, "type"),
    ],
)
def test_a_malformed_file_names_the_line(
    one_server: World, content: str, line: int, why: str
) -> None:
    world = one_server
    before = world.dst.state()
    path = world.tmp / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    result = world.run("--profile", "dst", "people", "import", str(path))
    assert result.exit_code == 2
    assert f"Line {line} of {path}" in result.stderr
    assert why in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert world.dst.state() == before


def test_bad_input_exits_2_without_a_change(one_server: World) -> None:
    world = one_server
    source, target = _library()
    world.src.seed(source)
    world.dst.seed(target)
    before = world.dst.state()
    missing = world.run("--profile", "dst", "people", "import", str(world.tmp / "nope.jsonl"))
    same = world.run("people", "migrate", "--from", "dst", "--to", "dst")
    unknown = world.run("people", "migrate", "--from", "src", "--to", "elsewhere")
    for result, words in (
        (missing, "Cannot read the people file"),
        (same, "--from and --to are both"),
        (unknown, "Unknown profile 'elsewhere'"),
    ):
        assert result.exit_code == 2, result.output
        assert words in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.output
    assert world.dst.state() == before
