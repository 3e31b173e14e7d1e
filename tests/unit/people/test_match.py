"""Asset and face matching, without a server."""

from __future__ import annotations

import pytest

from immkit.jobs.people.match import (
    AssetKey,
    Box,
    Method,
    instant,
    iou,
    match_assets,
    match_faces,
)


def test_box_is_normalised_by_the_image_it_was_measured_on() -> None:
    small = Box.from_pixels(10, 20, 30, 60, 100, 200)
    large = Box.from_pixels(20, 40, 60, 120, 200, 400)
    assert small == large == Box(0.1, 0.1, 0.3, 0.3)
    assert small.to_pixels(1000, 1000) == (100, 100, 300, 300)


def test_box_corners_are_ordered_and_clamped() -> None:
    assert Box.from_pixels(50, 50, -10, 10, 100, 100) == Box(0.0, 0.1, 0.5, 0.5)
    with pytest.raises(ValueError, match="not positive"):
        Box.from_pixels(0, 0, 1, 1, 0, 10)


def test_iou() -> None:
    a = Box(0.0, 0.0, 0.5, 0.5)
    assert iou(a, a) == pytest.approx(1.0)
    assert iou(a, Box(0.5, 0.5, 1.0, 1.0)) == 0.0
    assert iou(a, Box(0.25, 0.0, 0.75, 0.5)) == pytest.approx(1 / 3)
    assert iou(Box(0.1, 0.1, 0.1, 0.1), Box(0.1, 0.1, 0.1, 0.1)) == 0.0


def test_faces_match_one_to_one_best_first() -> None:
    source = [Box(0.1, 0.1, 0.3, 0.3), Box(0.6, 0.6, 0.8, 0.8)]
    # target 0 overlaps source 0 a bit less than target 1 does; target 2 is elsewhere
    target = [Box(0.12, 0.1, 0.32, 0.3), Box(0.1, 0.1, 0.3, 0.31), Box(0.61, 0.6, 0.81, 0.8)]
    assert match_faces(source, target) == [(0, 1), (1, 2)]


def test_faces_below_threshold_stay_unmatched() -> None:
    source = [Box(0.0, 0.0, 0.2, 0.2)]
    target = [Box(0.1, 0.0, 0.3, 0.2)]  # IoU 1/3
    assert match_faces(source, target) == []
    assert match_faces(source, target, threshold=0.3) == [(0, 0)]
    assert match_faces([], target) == []


def test_a_target_face_is_claimed_once() -> None:
    source = [Box(0.1, 0.1, 0.3, 0.3), Box(0.11, 0.1, 0.31, 0.3)]
    target = [Box(0.1, 0.1, 0.3, 0.3)]
    assert match_faces(source, target) == [(0, 0)]


def test_instant_normalises_offsets_and_precision() -> None:
    assert instant("2020-01-01T10:00:00Z") == instant("2020-01-01T11:00:00.000+01:00")
    assert instant("garbage") == "garbage"
    assert instant("") == ""


def _key(id: str, **kw: object) -> AssetKey:
    return AssetKey(id=id, **kw)  # type: ignore[arg-type]


T = "2021-05-01T12:00:00.000Z"


def test_checksum_first_even_when_renamed() -> None:
    result = match_assets(
        [_key("s1", checksum="c1", original_file_name="a.jpg", taken_at=T)],
        [_key("t1", checksum="c1", original_file_name="renamed.jpg", taken_at=T)],
    )
    assert result.pairs == {"s1": ("t1", Method.CHECKSUM)}
    assert result.target_of("s1") == "t1"
    assert not result.ambiguous
    assert not result.missing


def test_name_and_time_then_unique_name() -> None:
    source = [
        _key("s1", checksum="x1", original_file_name="a.jpg", taken_at=T),
        _key("s2", checksum="x2", original_file_name="b.jpg", taken_at=T),
        _key("s3", checksum="x3", original_file_name="gone.jpg", taken_at=T),
    ]
    target = [
        _key("t1", checksum="y1", original_file_name="a.jpg", taken_at="2021-05-01T14:00:00+02:00"),
        _key("t2", checksum="y2", original_file_name="b.jpg", taken_at="2000-01-01T00:00:00Z"),
    ]
    result = match_assets(source, target)
    assert result.pairs == {"s1": ("t1", Method.NAME_AND_TIME), "s2": ("t2", Method.NAME)}
    assert result.missing == ["s3"]


def test_a_name_shared_on_either_side_is_ambiguous_never_guessed() -> None:
    source = [
        _key("s1", original_file_name="IMG_1.jpg", taken_at=T),
        _key("s2", original_file_name="IMG_2.jpg", taken_at=T),
        _key("s3", original_file_name="IMG_2.jpg", taken_at="2022-01-01T00:00:00Z"),
    ]
    target = [
        _key("t1", original_file_name="IMG_1.jpg", taken_at="2019-01-01T00:00:00Z"),
        _key("t2", original_file_name="IMG_1.jpg", taken_at="2018-01-01T00:00:00Z"),
        _key("t3", original_file_name="IMG_2.jpg", taken_at="2017-01-01T00:00:00Z"),
    ]
    result = match_assets(source, target)
    assert result.pairs == {}
    assert result.ambiguous == {"s1": ("t1", "t2"), "s2": ("t3",), "s3": ("t3",)}
    assert result.missing == []


def test_size_narrows_a_shared_name() -> None:
    source = [
        _key("s1", original_file_name="IMG.jpg", file_size=10),
        _key("s2", original_file_name="IMG.jpg", file_size=20),
    ]
    target = [
        _key("t1", original_file_name="IMG.jpg", file_size=20),
        _key("t2", original_file_name="IMG.jpg", file_size=10),
    ]
    result = match_assets(source, target)
    assert result.pairs == {"s1": ("t2", Method.NAME), "s2": ("t1", Method.NAME)}


def test_pixel_size_disagreement_is_not_a_match() -> None:
    result = match_assets(
        [_key("s1", original_file_name="a.jpg", width=100, height=50)],
        [_key("t1", original_file_name="a.jpg", width=50, height=100)],
    )
    assert result.pairs == {}
    assert result.missing == ["s1"]


def test_a_target_matched_by_checksum_is_not_offered_again() -> None:
    source = [
        _key("s1", checksum="c", original_file_name="a.jpg"),
        _key("s2", checksum="d", original_file_name="a.jpg"),
    ]
    target = [_key("t1", checksum="c", original_file_name="a.jpg")]
    result = match_assets(source, target)
    assert result.pairs == {"s1": ("t1", Method.CHECKSUM)}
    assert result.missing == ["s2"]


def test_duplicate_checksum_falls_through_to_name_and_time() -> None:
    source = [_key("s1", checksum="c", original_file_name="a.jpg", taken_at=T)]
    target = [
        _key("t1", checksum="c", original_file_name="a.jpg", taken_at=T),
        _key("t2", checksum="c", original_file_name="copy.jpg", taken_at=T),
    ]
    result = match_assets(source, target)
    assert result.pairs == {"s1": ("t1", Method.NAME_AND_TIME)}
