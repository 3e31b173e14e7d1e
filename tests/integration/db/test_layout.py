"""Layout detection reads the catalog; connection errors never show the password."""

from __future__ import annotations

import psycopg
import pytest

from immkit.db import connect, detect_layout
from immkit.errors import DbUnavailable, UnknownLayout
from immkit.redact import mask_url
from immkit.sim.database import create_database, drop_database


def test_simulator_schema_is_the_3_1_layout(pg: str, sim_template: str) -> None:
    url = create_database(pg, "immkit_layout_31", template=sim_template)
    try:
        with connect(url) as conn:
            layout = detect_layout(conn)
        assert layout.name == "3.1"
        assert not layout.has_people_sharing
    finally:
        drop_database(pg, "immkit_layout_31")


def test_a_database_without_immich_tables_is_refused(pg: str) -> None:
    url = create_database(pg, "immkit_layout_empty")
    try:
        with connect(url) as conn, pytest.raises(UnknownLayout, match="no Immich tables"):
            detect_layout(conn)
    finally:
        drop_database(pg, "immkit_layout_empty")


def test_an_unknown_layout_is_refused_naming_what_is_missing(pg: str, sim_template: str) -> None:
    url = create_database(pg, "immkit_layout_odd", template=sim_template)
    try:
        with psycopg.connect(url, autocommit=True) as raw:
            raw.execute('ALTER TABLE asset_face RENAME COLUMN "personId" TO "who"')
        with connect(url) as conn, pytest.raises(UnknownLayout, match=r"asset_face\.personId"):
            detect_layout(conn)
    finally:
        drop_database(pg, "immkit_layout_odd")


def test_unreachable_database_message_masks_the_password() -> None:
    dsn = "postgresql://immich:canary-db-secret@127.0.0.1:1/immich"
    with pytest.raises(DbUnavailable) as err:
        connect(dsn)
    assert "canary-db-secret" not in str(err.value)
    assert "***" in str(err.value)


def test_mask_url_hides_passwords_in_both_forms() -> None:
    assert mask_url("postgresql://u:pw@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert mask_url("host=h password=pw dbname=x") == "host=h password=*** dbname=x"
    assert mask_url("postgresql://u@h/db") == "postgresql://u@h/db"
