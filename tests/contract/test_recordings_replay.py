"""Replay all 497 recorded exchanges of a real Immich 3.1.0 against the simulator, in order.

One test per exchange, run in recorded order against one simulator database (later
exchanges depend on the state earlier ones created). Each must give the recorded status,
the recorded JSON shape and the recorded error messages, and conform to the OpenAPI spec.
What the simulator cannot do yet is listed in `EXPECTED_FAILURES` (replay_expected.py)
with its reason and is `xfail(strict=True)`: it fails loudly once it starts to pass.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from immkit.sim.database import create_database, drop_database
from immkit.sim.server import SimServer
from tests.contract.recordings import Record, records
from tests.contract.replay_expected import EXPECTED_FAILURES
from tests.contract.replay_session import TALLY, Replayer

REPLAY_DB = "immkit_replay_3_1"


def _params() -> list[object]:
    params: list[object] = []
    for rec in records():
        reason = EXPECTED_FAILURES.get((rec["scenario"], rec["step"]))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        if reason:
            TALLY.expected.add(rec["seq"])
        ident = f"{rec['seq']:03d} {rec['scenario']}: {rec['step']}"
        params.append(pytest.param(rec, marks=marks, id=ident))
    return params


@pytest.fixture(scope="module")
def replayer(
    pg: str, sim_template: str, sim_server: SimServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Replayer]:
    """The shared simulator on a fresh database holding the recorder's starting state."""
    sim_server.state.db.use(create_database(pg, REPLAY_DB, template=sim_template))
    sim_server.state.faults.clear()
    replay = Replayer(sim_server, tmp_path_factory.mktemp("replay"))
    replay.setup()
    yield replay
    replay.close()
    sim_server.state.db.use(create_database(pg, "immkit_sim_idle", template=sim_template))
    drop_database(pg, REPLAY_DB)


def test_expected_failures_name_recorded_exchanges() -> None:
    known = {(rec["scenario"], rec["step"]) for rec in records()}
    assert set(EXPECTED_FAILURES) <= known


@pytest.mark.parametrize("rec", _params())
def test_exchange(replayer: Replayer, rec: Record) -> None:
    outcome = replayer.run(rec)
    assert outcome.ok, f"#{rec['seq']} {rec['method']} {rec['path']}:\n  " + "\n  ".join(
        outcome.reasons
    )


def test_replay_covers_every_recording() -> None:
    assert len(records()) == 497
    assert len({(rec["scenario"], rec["step"]) for rec in records()}) == 497
