"""Doctor: is the server reachable, is it Immich, is its version supported, and which
immkit jobs can this API key (and, with --db, this database) run."""
