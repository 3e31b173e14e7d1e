"""Ownership transfer: an album's (or a tag's, a person's) photos handed to another user
in one database transaction, with their live-photo parts, stacks, tags, people and faces
kept (no re-scan), and undone the same way. Also repairs faces left behind by hand-made
SQL transfers."""
