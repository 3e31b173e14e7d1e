"""Copy assets into an owner's library as uploads: upload with checksum, carry albums,
metadata, tags and named faces, verify by reading back, and only then remove the source.

Parameterised by a source and a target gateway, so library internalization (same owner)
and moving assets between users (issue 5, API mode) share one pipeline.
"""
