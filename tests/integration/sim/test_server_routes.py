"""The simulator answers the public server routes and refuses anonymous ones as Immich does."""

from __future__ import annotations

import httpx

from immkit.sim.server import SimServer


def test_version_reports_3_1_0(sim: SimServer) -> None:
    r = httpx.get(f"{sim.url}/api/server/version")
    assert r.status_code == 200
    assert r.json() == {"major": 3, "minor": 1, "patch": 0, "prerelease": None}
    assert r.headers["x-correlation-id"]


def test_about_without_credentials_is_401(sim: SimServer) -> None:
    r = httpx.get(f"{sim.url}/api/server/about")
    assert r.status_code == 401
    assert r.json() == {"message": "Authentication required"}


def test_unknown_route_is_nest_404(sim: SimServer) -> None:
    r = httpx.get(f"{sim.url}/api/nope")
    assert r.status_code == 404
    assert r.json()["message"] == "Cannot GET /api/nope"


def test_requests_are_counted_by_template(sim: SimServer) -> None:
    httpx.get(f"{sim.url}/api/server/ping")
    httpx.get(f"{sim.url}/api/server/ping")
    assert sim.state.requests["GET /server/ping"] == 2


def test_injected_errors_and_drops(sim: SimServer) -> None:
    sim.state.faults.set("GET /server/ping", error_rate=1.0, error_statuses=(503,))
    assert httpx.get(f"{sim.url}/api/server/ping").status_code == 503
    sim.state.faults.set("GET /server/ping", drop_rate=1.0)
    try:
        httpx.get(f"{sim.url}/api/server/ping")
    except httpx.TransportError:
        pass
    else:
        raise AssertionError("a dropped connection must fail at the transport level")
