"""Database access tests against a real PostgreSQL."""
