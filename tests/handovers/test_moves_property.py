"""Random moves of crossings of every handover mode, checked after each: a
move the machine refuses changes nothing, every state reached is one its mode
allows, every history is a legal path for its mode, and a yard holds a swapped
trailer exactly while the trailer waits there."""

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from cuakhau.core.errors import DomainError
from cuakhau.crossings import booking
from cuakhau.crossings.schemas import BookingRequest
from cuakhau.crossings.states import HANDOVER_STATES, allowed_moves, can_move
from cuakhau.handovers.service import record_step
from cuakhau.models import Crossing, CrossingMove, Enterprise, TrailerStay
from cuakhau.models.enums import CrossingState, HandoverMode
from tests.conftest import Database, empty_all_tables
from tests.factories import cargo, make_enterprise, make_open_gate, make_vehicle, make_yard

START = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)
EVERY_MODE = {"offers_trailer_swap": True, "offers_transload": True}


def snapshot(session: Any, crossing_id: int) -> tuple[Any, ...]:
    crossing = session.get_one(Crossing, crossing_id)
    moves = session.scalar(
        select(func.count())
        .select_from(CrossingMove)
        .where(CrossingMove.crossing_id == crossing_id)
    )
    stays = session.scalar(
        select(func.count()).select_from(TrailerStay).where(TrailerStay.crossing_id == crossing_id)
    )
    return (
        crossing.state,
        crossing.yard_id,
        crossing.outbound_plate,
        crossing.version,
        moves,
        stays,
    )


def run_machine(db: Database) -> None:
    class HandoverMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            empty_all_tables(db.factory.kw["bind"])
            self.now = START
            self.ids: list[int] = []

        @initialize()
        def zone(self) -> None:
            with db.write() as session:
                gate = make_open_gate(session)
                for name, value in EVERY_MODE.items():
                    setattr(gate, name, value)
                operator = make_enterprise(session, roles=["yard_operator"])
                self.yard_id = make_yard(session, gate, operator, **EVERY_MODE).id
                self.gate_id = gate.id
                self.firm_id = make_enterprise(session).id

        @rule(mode=st.sampled_from(HandoverMode))
        def book(self, mode: HandoverMode) -> None:
            with db.write() as session:
                vehicle = make_vehicle(session, session.get_one(Enterprise, self.firm_id))
                request = BookingRequest(
                    vehicle_id=vehicle.id,
                    gate_id=self.gate_id,
                    direction="export",
                    regime="export",
                    cargo=cargo(),
                    handover_mode=mode,
                )
                crossing = booking.book(
                    session, enterprise_id=self.firm_id, request=request, now=self.now
                )
                self.ids.append(crossing.id)

        @rule(
            index=st.integers(0, 30),
            legal=st.booleans(),
            wanted=st.sampled_from(CrossingState),
            loaded=st.none() | st.booleans(),
        )
        def move(self, index: int, legal: bool, wanted: CrossingState, loaded: bool | None) -> None:
            if not self.ids:
                return
            crossing_id = self.ids[index % len(self.ids)]
            self.now += timedelta(minutes=7)
            with db.write() as session:
                crossing = session.get_one(Crossing, crossing_id)
                mode, before = crossing.handover_mode, crossing.state
                allowed = sorted(allowed_moves(before, mode))
                target = allowed[index % len(allowed)] if legal and allowed else wanted
                was = snapshot(session, crossing_id)
                try:
                    with session.begin_nested():
                        record_step(
                            session,
                            crossing,
                            target,
                            at=self.now,
                            reason="property test",
                            yard_id=self.yard_id,
                            loaded=loaded,
                            outbound_plate="桂A12345",
                        )
                except DomainError:
                    session.expire_all()
                    assert snapshot(session, crossing_id) == was
                    assert not can_move(before, target, mode)
                    return
                assert can_move(before, target, mode)
                assert crossing.state is target
                assert target in HANDOVER_STATES[mode]

        @invariant()
        def states_and_histories_are_the_modes(self) -> None:
            with db.write() as session:
                for crossing in session.scalars(select(Crossing)):
                    mode = crossing.handover_mode
                    assert crossing.state in HANDOVER_STATES[mode]
                    path = session.execute(
                        select(CrossingMove.from_state, CrossingMove.to_state)
                        .where(CrossingMove.crossing_id == crossing.id)
                        .order_by(CrossingMove.id)
                    ).all()
                    previous = None
                    for source, to in path:
                        assert source == previous
                        assert can_move(source, to, mode)
                        previous = to
                    assert previous == crossing.state
                    open_stays = session.scalar(
                        select(func.count())
                        .select_from(TrailerStay)
                        .where(
                            TrailerStay.crossing_id == crossing.id, TrailerStay.left_at.is_(None)
                        )
                    )
                    waiting = mode is HandoverMode.trailer_swap and crossing.state in {
                        CrossingState.trailer_dropped,
                        CrossingState.returned,
                        CrossingState.turned_back,
                    }
                    assert open_stays == (1 if waiting else 0)

    run_state_machine_as_test(
        HandoverMachine,
        settings=settings(
            max_examples=12,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


def test_random_moves_keep_every_mode_on_its_path(db: Database) -> None:
    run_machine(db)


def test_each_mode_reaches_only_its_own_steps() -> None:
    drive, swap, transload = (HANDOVER_STATES[m] for m in HandoverMode)
    assert CrossingState.trailer_dropped in swap
    assert CrossingState.at_bay not in swap
    assert CrossingState.released in transload
    assert CrossingState.handed_back not in transload
    assert CrossingState.returned not in transload
    assert not drive & {CrossingState.trailer_taken, CrossingState.loaded}
    # Only a handover can be turned back: a truck that crosses itself is refused.
    assert CrossingState.turned_back in swap & transload
    assert CrossingState.turned_back not in drive
