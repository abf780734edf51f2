"""The trucks an officer may record by hand: called and crossed ones at one gate and
direction, latest first."""

from datetime import UTC, datetime

from cuakhau.gateops.service import awaiting_by_hand
from cuakhau.models.enums import CrossingState, Direction
from tests.conftest import Database
from tests.factories import advance, make_booking, make_enterprise, make_open_gate, make_pattern

NOW = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)


def test_called_and_crossed_trucks_latest_first(db: Database):
    with db.write() as session:
        gate, other_gate = make_open_gate(session), make_open_gate(session)
        make_pattern(session, gate, direction=Direction.import_, hours=range(24))
        firm = make_enterprise(session, roles=["exporter", "importer"])
        trip = [make_booking(session, firm, gate, now=NOW) for _ in range(5)]
        elsewhere = make_booking(session, firm, other_gate, now=NOW)
        inbound = make_booking(session, firm, gate, now=NOW, direction=Direction.import_)
        for crossing, state in zip(
            trip,
            (
                CrossingState.called,
                CrossingState.crossed,
                CrossingState.called,
                CrossingState.returned,
                CrossingState.cleared,
            ),
            strict=True,
        ):
            advance(session, crossing, state, at=NOW)
        advance(session, elsewhere, CrossingState.called, at=NOW)
        advance(session, inbound, CrossingState.called, at=NOW)
        listed = awaiting_by_hand(session, gate.id, Direction.export)
        assert [c.id for c in listed] == [trip[2].id, trip[1].id, trip[0].id]
        assert [c.id for c in awaiting_by_hand(session, gate.id, Direction.export, limit=1)] == [
            trip[2].id
        ]
