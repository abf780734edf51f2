"""The display board's lists: called trucks and the cleared ones to be called
next, both directions by window, four of each with the rest counted, and at a
yard's exit only the trucks waiting in that yard."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cuakhau.core.clock import utcnow
from cuakhau.crossings.booking import arrive
from cuakhau.crossings.display import ROWS, display_board
from cuakhau.crossings.states import move
from cuakhau.models import Crossing, Gate
from cuakhau.models.enums import CrossingState, Direction
from tests.conftest import Database
from tests.factories import (
    make_booking,
    make_enterprise,
    make_open_gate,
    make_pattern,
    make_yard,
)

NOW = utcnow()


def _cleared(session: Session, crossing: Crossing, yard_id: int) -> None:
    arrive(session, crossing, NOW, yard_id=yard_id)
    move(session, crossing, CrossingState.declared, at=NOW)
    move(session, crossing, CrossingState.cleared, at=NOW)


def test_called_and_next_by_window_rows_and_yard(db: Database, client: TestClient):
    with db.write() as session:
        gate = make_open_gate(session)
        make_pattern(session, gate, direction=Direction.import_, capacity=50, hours=range(24))
        firm = make_enterprise(session, roles=["exporter", "importer"])
        operator = make_enterprise(session, roles=["yard_operator"])
        near, far = make_yard(session, gate, operator), make_yard(session, gate, operator)
        # Six cleared trucks, the import one first by window; one called; one
        # only booked (not ready: never on the board).
        later = [make_booking(session, firm, gate, now=NOW + timedelta(hours=2)) for _ in range(5)]
        first = make_booking(session, firm, gate, now=NOW, direction=Direction.import_)
        for crossing in [*later, first]:
            _cleared(session, crossing, far.id if crossing is later[-1] else near.id)
        called = make_booking(session, firm, gate, now=NOW)
        _cleared(session, called, near.id)
        move(session, called, CrossingState.called, at=NOW)
        booked = make_booking(session, firm, gate, now=NOW)

        board = display_board(session, session.get_one(Gate, gate.id), NOW)
        assert [line.plate for line in board.called] == [called.plate]
        assert len(board.next) == ROWS
        assert board.next[0].plate == first.plate
        assert board.next[0].direction is Direction.import_
        assert board.more_next == 6 - ROWS
        assert booked.plate not in [line.plate for line in [*board.called, *board.next]]

        at_far = display_board(session, session.get_one(Gate, gate.id), NOW, far.id)
        assert ([line.plate for line in at_far.next], at_far.called) == ([later[-1].plate], [])

    assert client.get(f"/display/{gate.id}?yard_id={far.id}").status_code == 200
    assert client.get("/display/99999999999").status_code == 422
    assert client.get(f"/display/{gate.id}?yard_id=99999").status_code == 404
