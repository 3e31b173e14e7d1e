"""`immkit.immich.__all__` stays honest, as httpx's test_exported_members does."""

from __future__ import annotations

import immkit.immich as gateway


def test_every_exported_name_exists_once() -> None:
    assert len(gateway.__all__) == len(set(gateway.__all__))
    for name in gateway.__all__:
        assert hasattr(gateway, name), name


def test_every_public_name_imported_is_exported() -> None:
    public = {n for n in vars(gateway) if not n.startswith("_")}
    modules = {n for n, v in vars(gateway).items() if type(v).__name__ == "module"}
    assert public - modules == set(gateway.__all__)
