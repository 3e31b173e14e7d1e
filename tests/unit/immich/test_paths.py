"""Base URL normalisation and path templates."""

from __future__ import annotations

import pytest

from immkit.errors import ConfigError
from immkit.immich.paths import expand_path, host_of, normalize_base_url


@pytest.mark.parametrize(
    "url",
    [
        "http://h:2283",
        "http://h:2283/",
        "http://h:2283/api",
        "http://h:2283/api/",
        "  http://h:2283/api//  ",
    ],
)
def test_every_spelling_of_the_server_address_reaches_the_api_root(url: str) -> None:
    assert normalize_base_url(url) == "http://h:2283/api"


def test_a_path_prefix_behind_a_reverse_proxy_is_kept() -> None:
    assert normalize_base_url("https://example.org/immich/") == "https://example.org/immich/api"


@pytest.mark.parametrize("url", ["h:2283", "ftp://h", "http://", "http://h/?apiKey=secret"])
def test_an_address_that_is_not_plain_http_is_a_config_error(url: str) -> None:
    with pytest.raises(ConfigError) as info:
        normalize_base_url(url)
    assert "secret" not in str(info.value)


def test_path_params_are_quoted_into_the_template() -> None:
    assert expand_path("/albums/{id}/user/{userId}", {"id": "a/b", "userId": "me"}) == (
        "/albums/a%2Fb/user/me"
    )


def test_a_missing_or_extra_path_param_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="missing"):
        expand_path("/albums/{id}", {})
    with pytest.raises(ValueError, match="unused"):
        expand_path("/albums", {"id": "x"})


def test_host_of_shows_host_and_port_only() -> None:
    assert host_of("http://user:pw@h:2283/api") == "h:2283"
    assert host_of("https://immich.example.org/api") == "immich.example.org"
