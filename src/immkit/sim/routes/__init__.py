"""Route modules of the simulator; each exposes `api: Endpoints`."""

from immkit.sim.routes import server

ROUTE_MODULES = [server]
