"""Unit tests of the Immich gateway: pure parts, no sockets."""
