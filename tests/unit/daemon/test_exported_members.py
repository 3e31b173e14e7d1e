from __future__ import annotations

import types

import immkit.daemon


def test_all_lists_exactly_the_public_names_of_the_daemon() -> None:
    public = {
        name
        for name, value in vars(immkit.daemon).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert set(immkit.daemon.__all__) == public
    assert len(set(immkit.daemon.__all__)) == len(immkit.daemon.__all__)
