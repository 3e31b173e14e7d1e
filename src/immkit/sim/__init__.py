"""An Immich 3.1-compatible server for tests, benchmarks and `immkit sandbox`.

Its state lives in PostgreSQL in Immich's own table layout, so DB-level jobs run against the
same tables the API serves. Imported only by tests, bench and `cli/sandbox.py`.
"""
