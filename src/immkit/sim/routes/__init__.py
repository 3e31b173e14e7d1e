"""Route modules of the simulator; each exposes `api: Endpoints`."""

from immkit.sim.routes import (
    albums,
    api_keys,
    assets,
    faces,
    jobs,
    libraries,
    people,
    search,
    server,
    sharing,
    tags,
    timeline,
    users,
)

ROUTE_MODULES = [
    server,
    users,
    api_keys,
    assets,
    search,
    people,
    faces,
    albums,
    libraries,
    tags,
    timeline,
    jobs,
    sharing,
]
