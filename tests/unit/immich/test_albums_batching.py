"""Album membership calls are split into batches Immich handles well."""

from __future__ import annotations

import pytest

from immkit.immich import ALBUM_BATCH, batched


def test_album_batch_is_ten_thousand() -> None:
    assert ALBUM_BATCH == 10_000


def test_ids_split_into_full_batches_and_a_remainder_in_order() -> None:
    ids = [f"a{i}" for i in range(25_001)]
    batches = batched(ids)
    assert [len(b) for b in batches] == [10_000, 10_000, 5_001]
    assert [i for b in batches for i in b] == ids


def test_no_ids_means_no_batches() -> None:
    assert batched([]) == []


def test_exactly_one_batch() -> None:
    assert batched(["x"] * 10_000) == [["x"] * 10_000]


def test_batch_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        batched(["a"], 0)
