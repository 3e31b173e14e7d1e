"""People migration: copy named people and their faces from one account or server to another."""
