"""Random sequences of bookings, cancellations, capacity changes, arrivals, plate
reads, officer moves and the passing of time, checked after every step: no window over capacity,
every crossing's history a legal path, the queue in its stated order, nothing lost."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cuakhau.core.clock import local_date, local_datetime
from cuakhau.core.errors import DomainError
from cuakhau.crossings import booking
from cuakhau.crossings.queue import ordered_queue
from cuakhau.crossings.replan import replan_gate
from cuakhau.crossings.schemas import BookingRequest
from cuakhau.crossings.states import RELEASING_STATES, TRANSITIONS, move
from cuakhau.models import (
    CapacityOverride,
    Crossing,
    CrossingMove,
    CrossingWindow,
    Enterprise,
    Gate,
    PriorityClass,
    User,
)
from cuakhau.models.enums import CrossingState, Direction, OverrideKind, ReadPoint, Role
from cuakhau.reads.schemas import PlateReadIn
from cuakhau.reads.service import ingest
from tests.conftest import Database, empty_all_tables
from tests.factories import (
    cargo,
    make_enterprise,
    make_gate,
    make_pattern,
    make_priority_classes,
    make_user,
    make_vehicle,
)

START = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)  # 03:00 local, Tuesday 8 December
OFFICER_STEPS = (
    CrossingState.declared,
    CrossingState.cleared,
    CrossingState.held,
    CrossingState.called,
    CrossingState.crossed,
    CrossingState.returned,
)


def run_machine(db: Database) -> None:
    class GateMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            empty_all_tables(db.factory.kw["bind"])
            self.now = START
            self.created = 0

        @initialize()
        def zone(self) -> None:
            with db.write() as session:
                make_priority_classes(session)
                gate = make_gate(session, holiday_calendars=[])
                make_pattern(session, gate, capacity=2, hours=range(7, 12))
                self.gate_id = gate.id
                self.firm_id = make_enterprise(session).id
                self.camera_id = make_user(session, Role.camera).id

        def _session(self):  # type: ignore[no-untyped-def]
            return db.write()

        @rule(perishable=st.booleans(), empty=st.booleans(), hour=st.none() | st.integers(7, 11))
        def book(self, perishable: bool, empty: bool, hour: int | None) -> None:
            with self._session() as session:
                enterprise = session.get(Enterprise, self.firm_id)
                vehicle = make_vehicle(session, enterprise)
                window_id = None
                if hour is not None:
                    tomorrow = local_date(self.now) + timedelta(days=1)
                    window_id = session.scalar(
                        select(CrossingWindow.id).where(
                            CrossingWindow.starts_at == local_datetime(tomorrow, time(hour))
                        )
                    )
                request = BookingRequest(
                    vehicle_id=vehicle.id,
                    gate_id=self.gate_id,
                    direction=Direction.export,
                    regime="export",
                    cargo=[] if empty else cargo(perishable),
                    window_id=window_id,
                )
                try:
                    with session.begin_nested():
                        booking.book(
                            session, enterprise_id=self.firm_id, request=request, now=self.now
                        )
                        self.created += 1
                except DomainError:
                    pass

        def _pick(
            self, session: Session, states: set[CrossingState], index: int
        ) -> Crossing | None:
            rows = list(
                session.scalars(
                    select(Crossing).where(Crossing.state.in_(states)).order_by(Crossing.id)
                )
            )
            return rows[index % len(rows)] if rows else None

        @rule(index=st.integers(0, 50))
        def cancel(self, index: int) -> None:
            with self._session() as session:
                crossing = self._pick(session, {CrossingState.booked}, index)
                if crossing is not None:
                    try:
                        with session.begin_nested():
                            booking.cancel(session, crossing, self.now)
                    except DomainError:
                        pass

        @rule(index=st.integers(0, 50))
        def arrive(self, index: int) -> None:
            with self._session() as session:
                crossing = self._pick(session, {CrossingState.booked}, index)
                if crossing is not None:
                    booking.arrive(session, crossing, self.now)

        @rule(index=st.integers(0, 50), step=st.sampled_from(OFFICER_STEPS))
        def officer_moves(self, index: int, step: CrossingState) -> None:
            with self._session() as session:
                crossing = self._pick(session, set(CrossingState), index)
                if crossing is not None and step in TRANSITIONS[crossing.state]:
                    move(session, crossing, step, at=self.now, reason="officer")

        @rule(
            index=st.integers(0, 50),
            point=st.sampled_from([ReadPoint.yard_in, ReadPoint.border_out, ReadPoint.border_in]),
            read_number=st.integers(0, 40),
            minutes_ago=st.integers(0, 300),
            confidence=st.sampled_from([0.5, 0.95]),
            unknown=st.booleans(),
        )
        def camera_reads(
            self,
            index: int,
            point: ReadPoint,
            read_number: int,
            minutes_ago: int,
            confidence: float,
            unknown: bool,
        ) -> None:
            """Reads repeat (the same read id), come late and out of order, misread."""
            with self._session() as session:
                crossing = self._pick(session, set(CrossingState), index)
                plate = "99C-999.99" if unknown or crossing is None else crossing.plate
                read = PlateReadIn(
                    read_id=f"read-{read_number}",
                    plate=plate,
                    point=point,
                    read_at=self.now - timedelta(minutes=minutes_ago),
                    confidence=confidence,
                )
                camera = session.get(User, self.camera_id)
                ingest(session, camera=camera, reads=[read], now=self.now)

        @rule(
            day=st.integers(0, 2),
            hour=st.integers(7, 11),
            capacity=st.integers(0, 4),
        )
        def change_capacity(self, day: int, hour: int, capacity: int) -> None:
            on = local_date(self.now) + timedelta(days=day)
            with self._session() as session:
                session.add(
                    CapacityOverride(
                        gate_id=self.gate_id,
                        direction=None,
                        kind=OverrideKind.capacity,
                        starts_on=on,
                        ends_on=on,
                        from_time=time(hour),
                        to_time=time(hour + 1),
                        value=Decimal(capacity),
                        reason="test",
                    )
                )
                session.flush()
                replan_gate(session, session.get(Gate, self.gate_id), self.now)

        @precondition(lambda self: self.now < START + timedelta(days=2))
        @rule(minutes=st.integers(10, 600))
        def time_passes(self, minutes: int) -> None:
            self.now += timedelta(minutes=minutes)
            with self._session() as session:
                booking.sweep_no_shows(session, self.now)

        @invariant()
        def windows_never_over_capacity(self) -> None:
            with self._session() as session:
                held = dict(
                    session.execute(
                        select(Crossing.window_id, func.count())
                        .where(~Crossing.state.in_(RELEASING_STATES))
                        .where(Crossing.window_id.is_not(None))
                        .group_by(Crossing.window_id)
                    ).all()
                )
                for window in session.scalars(select(CrossingWindow)):
                    assert 0 <= window.booked <= window.capacity
                    assert window.booked == held.get(window.id, 0)

        @invariant()
        def histories_are_legal_and_nothing_is_lost(self) -> None:
            with self._session() as session:
                crossings = list(session.scalars(select(Crossing)))
                assert len(crossings) == self.created
                for crossing in crossings:
                    moves = list(
                        session.scalars(
                            select(CrossingMove)
                            .where(CrossingMove.crossing_id == crossing.id)
                            .order_by(CrossingMove.id)
                        )
                    )
                    previous = None
                    for record in moves:
                        assert record.from_state == previous
                        assert record.to_state in TRANSITIONS[previous]
                        previous = record.to_state
                    assert crossing.state == previous

        @invariant()
        def queue_in_stated_order(self) -> None:
            with self._session() as session:
                ranks = {c.id: c.rank for c in session.scalars(select(PriorityClass))}
                starts = {w.id: w.starts_at for w in session.scalars(select(CrossingWindow))}
                queue = ordered_queue(session, self.gate_id, Direction.export)
                keys = [
                    (
                        c.window_id is None,
                        starts.get(c.window_id, START),
                        ranks[c.priority_class_id],
                        c.queued_at,
                        c.id,
                    )
                    for c in queue
                ]
                assert keys == sorted(keys)

    run_state_machine_as_test(
        GateMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


@pytest.mark.slow
def test_random_operations_keep_the_invariants(db: Database) -> None:
    run_machine(db)
