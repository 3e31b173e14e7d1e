"""The jobs: each is collect → plan → apply, in a package of its own."""
