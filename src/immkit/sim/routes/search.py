"""`/search/*`: metadata (OFFSET paging as 3.1 runs it), random, statistics, suggestions."""

from __future__ import annotations

from typing import Any

from immkit.sim.asset_dto import ASSET_COLUMNS, EXIF_LATERAL, PEOPLE_LATERAL, search_item
from immkit.sim.enums import SUGGESTION_TYPES
from immkit.sim.http import Call, Endpoints
from immkit.sim.search_sql import FILTERS, build
from immkit.sim.validate import Schema, boolean, enum, number, obj, parse, string

api = Endpoints()

_METADATA = obj(
    page=number(minimum=1, integer=True).opt(1),
    size=number(minimum=1, maximum=1000, integer=True).opt(250),
    order=enum(["asc", "desc"]).opt("desc"),
    deviceId=string().opt(),
    deviceAssetId=string().opt(),
    encodedVideoPath=string().opt(),
    previewPath=string().opt(),
    thumbnailPath=string().opt(),
    **FILTERS,
)
_RANDOM = obj(size=number(minimum=1, maximum=1000, integer=True).opt(250), **FILTERS)
_STATISTICS = obj(**FILTERS)


def _filters(call: Call, schema: Schema) -> dict[str, Any]:
    """A missing body counts as `{}` (Nest hands zod an empty object)."""
    body: dict[str, Any] = call.body or parse(schema, {})
    return body


def _lateral(f: dict[str, Any]) -> str:
    parts = []
    if f.get("withExif"):
        parts.append(EXIF_LATERAL)
    if f.get("withPeople"):
        parts.append(PEOPLE_LATERAL)
    return " ".join(parts)


def _select(f: dict[str, Any]) -> str:
    extra = ""
    if f.get("withExif"):
        extra += ', exif_json."exifInfo"'
    if f.get("withPeople"):
        extra += ", people.people"
    return ASSET_COLUMNS + extra


@api.route("POST", "/search/metadata", permission="asset.read", body=_METADATA.opt({}))
def metadata(call: Call) -> object:
    f = _filters(call, _METADATA)
    page, size = f["page"], f["size"]
    with call.state.db.connection() as conn:
        query = build(conn, call.user_id, f)
        text, params = query.sql(_select(f), _lateral(f))
        direction = "ASC" if f["order"] == "asc" else "DESC"
        text += f' ORDER BY asset."fileCreatedAt" {direction}, asset.id {direction}'
        text += " LIMIT %s OFFSET %s"
        rows = conn.execute(text, [*params, size + 1, (page - 1) * size]).fetchall()
    more = len(rows) > size
    items = [search_item(r, call.user_id, bool(f.get("withExif"))) for r in rows[:size]]
    return {
        "assets": {
            "total": len(items),
            "count": len(items),
            "items": items,
            "facets": [],
            "nextPage": str(page + 1) if more else None,
        },
        "albums": {"total": 0, "count": 0, "items": [], "facets": []},
    }


@api.route("POST", "/search/random", permission="asset.read", body=_RANDOM.opt({}))
def random(call: Call) -> object:
    f = _filters(call, _RANDOM)
    with call.state.db.connection() as conn:
        text, params = build(conn, call.user_id, f).sql(_select(f), _lateral(f))
        rows = conn.execute(text + " ORDER BY random() LIMIT %s", [*params, f["size"]]).fetchall()
    return [search_item(r, call.user_id, bool(f.get("withExif"))) for r in rows]


@api.route("POST", "/search/statistics", permission="asset.statistics", body=_STATISTICS.opt({}))
def statistics(call: Call) -> object:
    with call.state.db.connection() as conn:
        f = _filters(call, _STATISTICS)
        text, params = build(conn, call.user_id, f).sql("count(*) AS total")
        row = conn.execute(text, params).fetchone()
    return {"total": row["total"] if row else 0}


_SUGGESTION_COLUMNS = {
    "country": "country",
    "state": "state",
    "city": "city",
    "camera-make": "make",
    "camera-model": "model",
    "camera-lens-model": '"lensModel"',
}


@api.route(
    "GET",
    "/search/suggestions",
    permission="asset.read",
    query=obj(
        type=enum(SUGGESTION_TYPES),
        country=string().opt(),
        state=string().opt(),
        make=string().opt(),
        model=string().opt(),
        lensModel=string().opt(),
        includeNull=boolean().opt(False),
    ),
)
def suggestions(call: Call) -> object:
    q = call.query
    column = _SUGGESTION_COLUMNS[q["type"]]
    where = ['a."ownerId" = %s', 'a."deletedAt" IS NULL', "a.visibility <> 'locked'"]
    params: list[Any] = [call.user_id]
    for key, col in (("country", "country"), ("state", "state"), ("make", "make")):
        if q[key] and column != col:
            where.append(f"e.{col} = %s")
            params.append(q[key])
    if q["model"] and q["type"] == "camera-lens-model":
        where.append("e.model = %s")
        params.append(q["model"])
    with call.state.db.connection() as conn:
        rows = conn.execute(
            f"SELECT DISTINCT e.{column} AS value FROM asset_exif e JOIN asset a"
            f' ON a.id = e."assetId" WHERE {" AND ".join(where)} AND e.{column} IS NOT NULL'
            f" AND e.{column} <> '' ORDER BY 1",
            params,
        ).fetchall()
    values: list[str | None] = [r["value"] for r in rows]
    if q["includeNull"]:
        values.append(None)
    return values
