"""Album rules from environment variables, for Docker users who configure by `environment:`.

`IMMKIT_ALBUM_NAME=Kids`, `IMMKIT_ALBUM_PEOPLE=Alice,Bob`, `IMMKIT_ALBUM_SCHEDULE=every 30m`
make one rule; `IMMKIT_ALBUM_2_NAME=…` and so on make more. Every rule key works this way
(upper-cased); lists are comma-separated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from immkit.errors import ConfigError
from immkit.jobs.albums.rules import AlbumRule, load_rules

_VAR = re.compile(r"^IMMKIT_ALBUM(?:_(\d+))?_([A-Z_]+)$")


def rule_tables_from_environment(env: Mapping[str, str]) -> list[dict[str, Any]]:
    """The raw rule tables the environment defines, in number order (unnumbered = 1).

    Raises:
        ConfigError: one key of rule 1 is set both with and without the number.
    """
    tables: dict[int, dict[str, Any]] = {}
    for name, value in env.items():
        found = _VAR.match(name)
        if found is None:
            continue
        number = int(found.group(1) or 1)
        key = found.group(2).lower()
        table = tables.setdefault(number, {})
        if key in table:
            raise ConfigError(
                f"IMMKIT_ALBUM_{key.upper()} and IMMKIT_ALBUM_1_{key.upper()} both set rule 1's "
                f"{key}; keep one."
            )
        table[key] = value
    return [tables[n] for n in sorted(tables)]


def rules_from_environment(env: Mapping[str, str]) -> list[AlbumRule]:
    """Validated rules from `IMMKIT_ALBUM_*`.

    Raises:
        ConfigError: a variable holds a bad value or names no rule key.
    """
    return load_rules(rule_tables_from_environment(env), "the IMMKIT_ALBUM_* environment")
