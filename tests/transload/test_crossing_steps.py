"""A slot's steps move its crossing, when the crossing is handed over by
transload, through the crossing's own machine in the same transaction: at the
bay, unloaded, loaded onto the outbound vehicle, released; a step the
crossing's machine refuses refuses the slot's step too, and nothing changes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from cuakhau.crossings.states import IllegalMove, move
from cuakhau.models import Crossing, CrossingMove, Transload
from cuakhau.models.enums import CrossingState as S
from cuakhau.models.enums import HandoverMode, TransloadState
from cuakhau.transload import service
from cuakhau.transload.reconcile import Tolerance
from cuakhau.transload.schemas import LoadedOut, TransloadBooking, Unloaded
from tests.conftest import Database
from tests.factories import (
    advance,
    make_booking,
    make_enterprise,
    make_open_gate,
    make_transload_yard,
    next_hours,
)

EXACT = Tolerance(packages=0, weight_percent=Decimal(0))


def _state(db: Database, model: type[Crossing] | type[Transload], row_id: int) -> object:
    return db.scalar(select(model.state).where(model.id == row_id))


def _slot(db: Database, to: S) -> tuple[int, int]:
    """A transload crossing walked to ``to``, and a slot booked for it."""
    first = next_hours()[0]
    before = first - timedelta(days=1)
    with db.write() as session:
        gate = make_open_gate(session)
        yard, (bay,) = make_transload_yard(
            session, gate, make_enterprise(session, roles=["yard_operator"])
        )
        firm = make_enterprise(session)
        crossing = make_booking(session, firm, gate, now=before)
        crossing.handover_mode = HandoverMode.transload
        advance(session, crossing, to, at=before)
        made = service.book(
            session,
            yard,
            TransloadBooking(
                bay_id=bay.id,
                starts_at=first,
                enterprise_id=firm.id,
                crossing_id=crossing.id,
                inbound_plate=crossing.plate,
                outbound_plate="桂F12345",
                cargo="Thanh long",
                perishable=True,
                weight_kg=18000,
            ),
            None,
            before,
        )
        return made.id, crossing.id


def test_the_slot_s_steps_are_its_crossing_s_steps(db: Database):
    transload_id, crossing_id = _slot(db, S.called)
    at = next_hours()[0]
    steps = [
        (lambda s, t: service.arrive(s, t, at), S.at_bay),
        (lambda s, t: service.start(t, at), S.at_bay),
        (
            lambda s, t: service.unloaded(s, t, Unloaded(packages=10, weight_kg=18000), at),
            S.unloaded,
        ),
        (
            lambda s, t: service.loaded_out(
                s, t, LoadedOut(packages=10, weight_kg=18000), EXACT, at + timedelta(hours=1)
            ),
            S.released,
        ),
    ]
    for step, reached in steps:
        with db.write() as session:
            step(session, session.get_one(Transload, transload_id))
        assert _state(db, Crossing, crossing_id) is reached
    moves = db.scalars(
        select(CrossingMove.to_state)
        .where(CrossingMove.crossing_id == crossing_id)
        .order_by(CrossingMove.id)
    )
    assert moves[-4:] == [S.at_bay, S.unloaded, S.loaded, S.released]
    # The outbound vehicle crosses: the crossing's machine lets it.
    with db.write() as session:
        move(session, session.get_one(Crossing, crossing_id), S.crossed, at=at + timedelta(hours=2))
    assert _state(db, Crossing, crossing_id) is S.crossed


def test_held_cargo_is_released_with_its_hold(db: Database):
    transload_id, crossing_id = _slot(db, S.called)
    at = next_hours()[0]
    with db.write() as session:
        transload = session.get_one(Transload, transload_id)
        service.arrive(session, transload, at)
        service.start(transload, at)
        service.unloaded(session, transload, Unloaded(packages=10, weight_kg=18000), at)
        service.loaded_out(session, transload, LoadedOut(packages=9, weight_kg=18000), EXACT, at)
    assert _state(db, Crossing, crossing_id) is S.loaded
    with db.write() as session:
        service.release_hold(session, session.get_one(Transload, transload_id), "counted again", at)
    assert _state(db, Crossing, crossing_id) is S.released


def test_a_step_the_crossing_may_not_take_refuses_the_slot_s_step_too(db: Database):
    transload_id, crossing_id = _slot(db, S.cleared)  # not yet called to the bay
    with pytest.raises(IllegalMove), db.write() as session:
        service.arrive(session, session.get_one(Transload, transload_id), next_hours()[0])
    assert _state(db, Transload, transload_id) is TransloadState.booked
    assert _state(db, Crossing, crossing_id) is S.cleared
