"""Config loading: profiles, environment, `.env`, secret files, resolution and errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from immkit.config import (
    AlbumRuleConfig,
    Config,
    config_path,
    load_config,
    read_environment,
    state_dir,
)
from immkit.errors import ConfigError
from immkit.redact import mask_url

CANARY_KEY = "canary-api-key-7f3d9"
CANARY_DB_PASSWORD = "canary-db-pw-41c2"

HOME_AND_WORK = f"""
default_profile = "home"

[profiles.home]
url = "http://immich.local:2283"
api_key = "{CANARY_KEY}"
database_url = "postgresql://immich:{CANARY_DB_PASSWORD}@127.0.0.1:5432/immich"
concurrency = 4

[profiles.work]
url = "https://photos.example.com/api"
api_key = "work-key"
"""


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path, env: dict[str, str] | None = None) -> Config:
    return load_config(path, env or {})


def error_of(path: Path, env: dict[str, str] | None = None, profile: str | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        load(path, env).profile(profile)
    message = str(info.value)
    assert "\n" not in message
    return message


# --- reading profiles -------------------------------------------------------------------------


def test_profile_fields_are_read_from_toml(tmp_path: Path) -> None:
    profile = load(write(tmp_path, HOME_AND_WORK)).profile("home")
    assert profile.name == "home"
    assert profile.url == "http://immich.local:2283"
    assert profile.api_key.get_secret_value() == CANARY_KEY
    assert profile.database_url is not None
    assert CANARY_DB_PASSWORD in profile.database_url.get_secret_value()
    assert profile.concurrency == 4
    assert profile.insecure is False


def test_defaults_apply_to_unset_fields(tmp_path: Path) -> None:
    profile = load(write(tmp_path, HOME_AND_WORK)).profile("work")
    assert profile.concurrency == 8
    assert profile.database_url is None
    assert profile.ca_file is None


def test_albums_notify_and_daemon_tables_are_accepted(tmp_path: Path) -> None:
    text = (
        HOME_AND_WORK
        + """
[[albums]]
name = "Kids"
people = ["Alice", "Bob"]
match = "any"
schedule = "*/30 * * * *"

[notify]
urls = ["mailtos://user:pass@smtp.example.com?to=me@example.com"]
on = ["failure"]

[daemon]
log_file = "/var/log/immkit/immkit.log"
"""
    )
    config = load(write(tmp_path, text))
    assert config.file.albums == [
        AlbumRuleConfig.model_validate(
            {"name": "Kids", "people": ["Alice", "Bob"], "match": "any", "schedule": "*/30 * * * *"}
        )
    ]
    assert config.file.notify is not None
    assert "pass@" not in repr(config.file.notify)
    assert config.file.daemon is not None


def test_missing_default_config_file_means_no_profiles(tmp_path: Path) -> None:
    config = load_config(None, {"IMMKIT_CONFIG": str(tmp_path / "absent.toml")})
    assert config.exists is False
    assert config.profile_names == []


def test_config_flag_naming_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"absent\.toml does not exist.*config init"):
        load_config(tmp_path / "absent.toml", {})


# --- environment and .env ---------------------------------------------------------------------


def test_environment_overrides_the_active_profile(tmp_path: Path) -> None:
    env = {"IMMICH_INSTANCE_URL": "http://other:2283", "IMMICH_API_KEY": "env-key"}
    profile = load(write(tmp_path, HOME_AND_WORK), env).profile(None)
    assert profile.name == "home"
    assert profile.url == "http://other:2283"
    assert profile.api_key.get_secret_value() == "env-key"
    assert profile.concurrency == 4


def test_environment_alone_makes_an_env_profile(tmp_path: Path) -> None:
    env = {"IMMICH_INSTANCE_URL": "http://immich:2283", "IMMICH_API_KEY": "env-key"}
    profile = load_config(None, {**env, "IMMKIT_CONFIG": str(tmp_path / "none.toml")}).profile()
    assert profile.name == "env"
    assert profile.url == "http://immich:2283"
    assert profile.concurrency == 8


def test_env_profile_exists_only_without_file_profiles(tmp_path: Path) -> None:
    env = {"IMMICH_INSTANCE_URL": "http://immich:2283", "IMMICH_API_KEY": "env-key"}
    no_file = {**env, "IMMKIT_CONFIG": str(tmp_path / "none.toml")}
    assert load_config(None, no_file).profile("env").name == "env"
    with pytest.raises(ConfigError, match="known profiles: home, work"):
        load(write(tmp_path, HOME_AND_WORK), env).profile("env")


def test_dotenv_is_read_without_overriding_the_environment(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "IMMICH_INSTANCE_URL=http://from-dotenv:2283\nIMMICH_API_KEY=dotenv-key\n", "utf-8"
    )
    before = dict(os.environ)
    env = read_environment({"IMMICH_API_KEY": "real-key"}, tmp_path)
    assert env["IMMICH_INSTANCE_URL"] == "http://from-dotenv:2283"
    assert env["IMMICH_API_KEY"] == "real-key"
    assert dict(os.environ) == before


def test_dotenv_defaults_to_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("IMMKIT_PROFILE=work\n", "utf-8")
    assert read_environment({})["IMMKIT_PROFILE"] == "work"


def test_api_key_file_is_read_and_trailing_newline_stripped(tmp_path: Path) -> None:
    (tmp_path / "key").write_text(CANARY_KEY + "\n", "utf-8")
    path = write(tmp_path, '[profiles.home]\nurl = "http://x"\napi_key_file = "key"\n')
    profile = load(path).profile()
    assert profile.api_key.get_secret_value() == CANARY_KEY
    assert profile.api_key_file == tmp_path / "key"


def test_env_api_key_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "envkey").write_text("from-env-file\r\n", "utf-8")
    env = {
        "IMMICH_INSTANCE_URL": "http://x",
        "IMMICH_API_KEY_FILE": str(tmp_path / "envkey"),
        "IMMKIT_CONFIG": str(tmp_path / "none.toml"),
    }
    assert load_config(None, env).profile().api_key.get_secret_value() == "from-env-file"


def test_database_url_file_is_read(tmp_path: Path) -> None:
    db = f"postgresql://immich:{CANARY_DB_PASSWORD}@db/immich"
    (tmp_path / "db").write_text(db + "\n", "utf-8")
    path = write(
        tmp_path, '[profiles.a]\nurl = "http://x"\napi_key = "k"\ndatabase_url_file = "db"\n'
    )
    profile = load(path).profile()
    assert profile.database_url is not None
    assert profile.database_url.get_secret_value() == db


def test_missing_secret_file_names_profile_and_key_not_the_secret(tmp_path: Path) -> None:
    path = write(tmp_path, '[profiles.home]\nurl = "http://x"\napi_key_file = "nope"\n')
    message = error_of(path)
    assert "'home'" in message
    assert "api_key_file" in message
    assert str(tmp_path / "nope") in message


def test_empty_secret_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "key").write_text("\n", "utf-8")
    path = write(tmp_path, '[profiles.home]\nurl = "http://x"\napi_key_file = "key"\n')
    assert "is empty" in error_of(path)


# --- resolution order -------------------------------------------------------------------------


def test_flag_beats_env_beats_default_profile(tmp_path: Path) -> None:
    config_text = HOME_AND_WORK + '\n[profiles.third]\nurl = "http://t"\napi_key = "t"\n'
    path = write(tmp_path, config_text)
    assert load(path).profile().name == "home"
    assert load(path, {"IMMKIT_PROFILE": "work"}).profile().name == "work"
    assert load(path, {"IMMKIT_PROFILE": "work"}).profile("third").name == "third"


def test_only_profile_is_chosen(tmp_path: Path) -> None:
    path = write(tmp_path, '[profiles.solo]\nurl = "http://x"\napi_key = "k"\n')
    assert load(path).profile().name == "solo"


def test_profile_named_default_is_chosen_among_several(tmp_path: Path) -> None:
    text = '[profiles.a]\nurl = "http://a"\napi_key = "k"\n'
    text += '[profiles.default]\nurl = "http://d"\napi_key = "k"\n'
    assert load(write(tmp_path, text)).profile().name == "default"


def test_several_profiles_without_choice_is_an_error(tmp_path: Path) -> None:
    text = '[profiles.a]\nurl = "http://a"\napi_key = "k"\n'
    text += '[profiles.b]\nurl = "http://b"\napi_key = "k"\n'
    message = error_of(write(tmp_path, text))
    assert "a, b" in message
    assert "--profile" in message


def test_unknown_profile_lists_known_names(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, HOME_AND_WORK), profile="holiday")
    assert "Unknown profile 'holiday'" in message
    assert "home, work" in message
    assert "immkit config show" in message


def test_no_profile_and_no_environment_says_how_to_start(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, ""))
    assert "immkit config init" in message
    assert "IMMICH_API_KEY" in message


# --- invalid files ----------------------------------------------------------------------------


def test_malformed_toml_gives_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '[profiles.home]\nurl = "http://x"\nconcurrency = = 3\n')
    with pytest.raises(ConfigError) as info:
        load(path)
    message = str(info.value)
    assert str(path) in message
    assert "line 3" in message
    assert "column" in message


def test_wrong_type_names_the_key_path(tmp_path: Path) -> None:
    path = write(tmp_path, '[profiles.home]\nurl = "http://x"\nconcurrency = "x"\n')
    with pytest.raises(ConfigError) as info:
        load(path)
    message = str(info.value)
    assert message == f"Config file {path}: profiles.home.concurrency must be an integer."


def test_concurrency_out_of_range_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, '[profiles.home]\nurl = "http://x"\nconcurrency = 65\n')
    with pytest.raises(ConfigError, match=r"profiles\.home\.concurrency must be less than"):
        load(path)


def test_unknown_key_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, '[profiles.home]\nurl = "http://x"\napi_kye = "oops"\n')
    with pytest.raises(ConfigError, match=r"profiles\.home\.api_kye is not a known setting"):
        load(path)


def test_unknown_top_level_table_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, '[profile.home]\nurl = "http://x"\n')
    with pytest.raises(ConfigError, match=r": profile is not a known setting"):
        load(path)


def test_album_rule_without_name_names_the_index(tmp_path: Path) -> None:
    path = write(tmp_path, '[[albums]]\npeople = ["A"]\n')
    with pytest.raises(ConfigError, match=r"albums\[0\]\.name is required"):
        load(path)


def test_both_api_key_and_file_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, '[profiles.h]\nurl = "http://x"\napi_key = "k"\napi_key_file = "f"\n')
    with pytest.raises(ConfigError, match=r"profiles\.h must have only one of api_key"):
        load(path)


def test_wrong_type_of_secret_does_not_echo_the_value(tmp_path: Path) -> None:
    path = write(tmp_path, '[profiles.h]\nurl = "http://x"\napi_key = 987654321\n')
    with pytest.raises(ConfigError) as info:
        load(path)
    assert "profiles.h.api_key" in str(info.value)
    assert "987654321" not in str(info.value)


def test_missing_api_key_says_how_to_set_one(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, '[profiles.home]\nurl = "http://x"\n'))
    assert "no API key" in message
    assert "api_key_file" in message
    assert "IMMICH_API_KEY" in message


def test_missing_url_says_how_to_set_one(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, '[profiles.home]\napi_key = "k"\n'))
    assert "no url" in message
    assert "IMMICH_INSTANCE_URL" in message


def test_non_http_url_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, '[profiles.home]\nurl = "immich.local"\napi_key = "k"\n')
    with pytest.raises(ConfigError, match=r"profiles\.home\.url must be an http"):
        load(path)


# --- masking ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        (
            "postgresql://immich:s3cret@127.0.0.1:5432/immich",
            "postgresql://immich:***@127.0.0.1:5432/immich",
        ),
        ("postgresql://immich:p@ss@db/immich", "postgresql://immich:***@db/immich"),
        ("postgresql://immich@db/immich", "postgresql://immich@db/immich"),
        ("postgresql://db/immich?password=s3cret&x=1", "postgresql://db/immich?password=***&x=1"),
        ("host=db password=s3cret user=immich", "host=db password=*** user=immich"),
    ],
)
def test_mask_url_hides_passwords(url: str, masked: str) -> None:
    assert mask_url(url) == masked


def test_masked_profile_has_no_secret(tmp_path: Path) -> None:
    profile = load(write(tmp_path, HOME_AND_WORK)).profile("home")
    masked = profile.masked()
    assert masked["api_key"] == "<set>"
    assert masked["database_url"] == "postgresql://immich:***@127.0.0.1:5432/immich"
    text = repr(masked) + repr(profile) + str(profile)
    assert CANARY_KEY not in text
    assert CANARY_DB_PASSWORD not in text


def test_masked_profile_names_the_key_file(tmp_path: Path) -> None:
    (tmp_path / "key").write_text(CANARY_KEY, "utf-8")
    path = write(tmp_path, '[profiles.home]\nurl = "http://x"\napi_key_file = "key"\n')
    assert load(path).profile().masked()["api_key"] == f"<from file {tmp_path / 'key'}>"


def test_secret_values_include_key_and_db_password(tmp_path: Path) -> None:
    values = load(write(tmp_path, HOME_AND_WORK)).profile("home").secret_values()
    assert CANARY_KEY in values
    assert CANARY_DB_PASSWORD in values


# --- paths ------------------------------------------------------------------------------------


def test_config_path_order(tmp_path: Path) -> None:
    env = {"IMMKIT_CONFIG": str(tmp_path / "env.toml")}
    assert config_path(tmp_path / "flag.toml", env) == tmp_path / "flag.toml"
    assert config_path(None, env) == tmp_path / "env.toml"
    assert config_path(None, {}).name == "config.toml"
    assert "immkit" in config_path(None, {}).parts


def test_state_dir_from_env_or_platform(tmp_path: Path) -> None:
    assert state_dir({"IMMKIT_STATE_DIR": str(tmp_path)}) == tmp_path
    assert "immkit" in state_dir({}).parts
