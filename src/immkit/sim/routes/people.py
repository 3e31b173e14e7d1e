"""`/people/*, /search/person`."""

from __future__ import annotations

from immkit.sim.http import Endpoints

api = Endpoints()
