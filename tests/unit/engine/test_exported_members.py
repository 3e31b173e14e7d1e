from __future__ import annotations

import types

import immkit.engine


def test_all_lists_exactly_the_public_names_of_the_engine() -> None:
    public = {
        name
        for name, value in vars(immkit.engine).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert set(immkit.engine.__all__) == public
    assert sorted(immkit.engine.__all__) == immkit.engine.__all__
