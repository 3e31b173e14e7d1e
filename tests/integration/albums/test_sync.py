from __future__ import annotations

from immkit.sim.sample import FACES, SampleLibrary
from immkit.sim.server import SimServer
from tests.integration.albums.conftest import Invoke, album_files


def test_any_rule_creates_and_fills_the_album(
    sim: SimServer, sample: SampleLibrary, invoke: Invoke
) -> None:
    result = invoke("albums", "sync", "--album", "Kids", "--person", "Alice", "--person", "Bob")
    assert result.exit_code == 0, result.output
    want = {f"IMG_{n:04d}.jpg" for n, who in FACES.items() if {"Alice", "Bob"} & set(who)}
    assert album_files(sim, sample, "Kids") == want
    again = invoke("albums", "sync", "--album", "Kids", "--person", "Alice", "--person", "Bob")
    assert "+0 −0" in again.stdout, again.output
