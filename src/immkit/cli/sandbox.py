"""`immkit sandbox`: run a local Immich-compatible server with a sample library."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer

from immkit.cli.context import app_context
from immkit.sim.sandbox import Sandbox


def sandbox(
    ctx: typer.Context,
    assets: Annotated[
        int, typer.Option("--assets", min=0, help="Extra synthetic assets for Alice.")
    ] = 0,
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port (0 = any free port).")
    ] = 0,
) -> None:
    """Start a local Immich-compatible server with a sample library; Ctrl-C stops it.

    It speaks Immich 3.1's API on 127.0.0.1, backed by a bundled PostgreSQL in Immich's
    table layout: an admin, Alice and Bob (with API keys), named people with faces,
    albums and an external library. All its data is deleted when it stops.

    Example: immkit sandbox --port 2283
    """
    app = app_context(ctx)
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in (signal.SIGINT, signal.SIGTERM)}
    app.console_err.print("Starting the sandbox (PostgreSQL, sample library, server)…")
    try:
        with Sandbox(port=port, extra_assets=assets) as box:
            lib = box.library
            out = app.console_out
            out.out(
                f"Immich sandbox running at {box.url} (Immich 3.1 API, {box.asset_count} assets)"
            )
            for name in ("alice", "bob", "admin"):
                role = " (admin)" if name == "admin" else ""
                out.out(f"  {name}@example.com{'':8} API key {lib.key(name)}{role}")
            out.out("In another terminal, try:")
            out.out(
                f"  IMMICH_INSTANCE_URL={box.url} IMMICH_API_KEY={lib.key('alice')} immkit doctor"
            )
            out.out("Press Ctrl-C to stop; the sandbox's data is deleted then.")
            out.file.flush()
            while not stop.wait(0.5):
                pass
            app.console_err.print("Stopping the sandbox…")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
