"""Server versions, the minimum, and capabilities."""

from __future__ import annotations

import pytest

from immkit.errors import UnsupportedVersion
from immkit.immich import MINIMUM_VERSION, Capabilities, ServerVersion, require_supported


def v(text: str) -> ServerVersion:
    return ServerVersion.parse(text)


def test_version_parses_from_the_wire_shape_with_prerelease() -> None:
    version = ServerVersion.model_validate({"major": 3, "minor": 1, "patch": 0, "prerelease": None})
    assert str(version) == "3.1.0"
    assert version.triple == (3, 1, 0)


def test_version_parses_from_about_text() -> None:
    assert v("v3.2.1").triple == (3, 2, 1)
    assert v("3.0.0-rc.1").triple == (3, 0, 0)
    with pytest.raises(ValueError, match="not an Immich version"):
        v("latest")


def test_minimum_is_3_0_0() -> None:
    assert str(MINIMUM_VERSION) == "3.0.0"


@pytest.mark.parametrize("text", ["3.0.0", "3.1.0", "4.0.0"])
def test_supported_versions_pass(text: str) -> None:
    require_supported(v(text))


def test_older_server_is_refused_naming_both_versions() -> None:
    with pytest.raises(UnsupportedVersion) as info:
        require_supported(v("2.7.0"))
    message = str(info.value)
    assert "2.7.0" in message
    assert "3.0.0" in message
    assert info.value.exit_code == 3


def test_capabilities_of_3_1_are_the_reference_set() -> None:
    caps = Capabilities.of(v("3.1.0"))
    assert caps.album_owner_in_album_users
    assert caps.bulk_album_add
    assert caps.asset_copy
    assert not caps.search_filter_v2
    assert not caps.person_groups
    assert not caps.people_merge_v2


def test_capabilities_follow_the_3_2_and_3_3_changes() -> None:
    assert Capabilities.of(v("3.2.0")).search_filter_v2
    assert Capabilities.of(v("3.2.0")).person_groups
    assert not Capabilities.of(v("3.2.0")).people_merge_v2
    assert Capabilities.of(v("3.2.1")).people_merge_v2
    assert not Capabilities.of(v("3.2.2")).people_sharing
    assert Capabilities.of(v("3.3.0")).people_sharing


def test_capabilities_are_frozen() -> None:
    caps = Capabilities.of(v("3.1.0"))
    with pytest.raises(AttributeError):
        caps.asset_copy = False  # type: ignore[misc]
