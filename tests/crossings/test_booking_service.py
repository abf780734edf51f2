import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from cuakhau.capacity.service import ensure_windows
from cuakhau.core.clock import local_date
from cuakhau.crossings.booking import (
    WindowFull,
    arrive,
    cancel,
    sweep_job,
    sweep_no_shows,
    walk_in,
)
from cuakhau.crossings.queue import estimate_accuracy, position_of
from cuakhau.crossings.rules import RuleRefused, policy, reckon_no_show_standings
from cuakhau.crossings.schemas import WalkInRequest
from cuakhau.crossings.states import IllegalMove, move
from cuakhau.models import (
    Crossing,
    CrossingMove,
    CrossingWindow,
    Enterprise,
    Gate,
    NoShowStanding,
    Notification,
)
from cuakhau.models.enums import CrossingState, Direction
from tests.conftest import Database
from tests.crossings.conftest import NOW
from tests.factories import (
    make_booking,
    make_enterprise,
    make_vehicle,
)


def test_earliest_booking_fills_windows_in_order(db: Database, zone):  # type: ignore[no-untyped-def]
    gate, firm = zone
    with db.write() as session:
        crossings = [make_booking(session, firm, gate, now=NOW) for _ in range(5)]
        starts = [session.get(CrossingWindow, c.window_id).starts_at for c in crossings]
    assert starts[0] == starts[1] < starts[2] == starts[3] < starts[4]
    assert starts[0] == datetime(2026, 12, 8, 0, 0, tzinfo=UTC)  # 07:00 local
    moves = db.scalars(select(CrossingMove).order_by(CrossingMove.id))
    assert [(m.from_state, m.to_state) for m in moves] == [(None, CrossingState.booked)] * 5
    assert db.count(Notification, Notification.event == "booking_confirmed") == 5


def test_full_window_refused_with_next_free(db: Database, zone):  # type: ignore[no-untyped-def]
    gate, firm = zone
    with db.write() as session:
        first = make_booking(session, firm, gate, now=NOW)
        make_booking(session, firm, gate, now=NOW, window_id=first.window_id)
    with pytest.raises(WindowFull) as refused, db.write() as session:
        make_booking(session, firm, gate, now=NOW, window_id=first.window_id)
    suggestions = refused.value.extra()["next_free_windows"]
    assert len(suggestions) == 5
    assert all(s["free"] == 2 for s in suggestions)
    window = db.scalar(select(CrossingWindow).where(CrossingWindow.id == first.window_id))
    assert window.booked == 2


def test_one_open_booking_per_vehicle(db: Database, zone):  # type: ignore[no-untyped-def]
    gate, firm = zone
    with db.write() as session:
        crossing = make_booking(session, firm, gate, now=NOW)
        from cuakhau.crossings.booking import book
        from cuakhau.crossings.schemas import BookingRequest

        request = BookingRequest(
            vehicle_id=crossing.vehicle_id, gate_id=gate.id, direction="export", regime="export"
        )
        with pytest.raises(RuleRefused) as refused:
            book(session, enterprise_id=firm.id, request=request, now=NOW)
    assert refused.value.rule == "open_bookings"


def test_cancel_before_cutoff_frees_the_unit_and_after_is_refused(db: Database, zone):  # type: ignore[no-untyped-def]
    gate, firm = zone
    with db.write() as session:
        early = make_booking(session, firm, gate, now=NOW)
        cancel(session, early, NOW)
        assert session.get(CrossingWindow, early.window_id, populate_existing=True).booked == 0
        late = make_booking(session, firm, gate, now=NOW)
        with pytest.raises(RuleRefused) as refused:
            cancel(session, late, NOW + timedelta(hours=3))
    assert refused.value.rule == "cancel_cutoff"


def test_late_truck_loses_its_window_and_no_show_frees_capacity(db: Database, zone):  # type: ignore[no-untyped-def]
    gate, firm = zone
    with db.write() as session:
        late = make_booking(session, firm, gate, now=NOW)
        absent = make_booking(session, firm, gate, now=NOW)
        first_window = late.window_id
        # Window 07:00-08:00 local; grace 60 min; arriving at 09:30 local.
        arrive(session, late, datetime(2026, 12, 8, 2, 30, tzinfo=UTC))
        assert late.state is CrossingState.arrived
        assert late.window_id != first_window
        # The enterprise hears why, in words its own system can translate.
        notice = session.scalars(
            select(Notification).where(Notification.event == "lost_window")
        ).one()
        assert notice.payload["reason_code"] == "late"
        assert notice.payload["reason"] == "late: lost its window"
        missed = sweep_no_shows(session, datetime(2026, 12, 8, 4, 0, tzinfo=UTC))
        assert [c.id for c in missed] == [absent.id]
        assert session.get(CrossingWindow, first_window, populate_existing=True).booked == 0


def test_walk_in_goes_to_next_free_window(db: Database, zone):  # type: ignore[no-untyped-def]
    gate, firm = zone
    with db.write() as session:
        truck = make_vehicle(session, firm)
        request = WalkInRequest(
            plate=truck.plate, gate_id=gate.id, direction=Direction.export, regime="export"
        )
        crossing = walk_in(session, request=request, now=NOW)
        assert crossing.state is CrossingState.arrived
        assert crossing.is_walk_in
        assert crossing.window_id is not None


def test_illegal_move_refused_and_nothing_recorded(db: Database, zone):  # type: ignore[no-untyped-def]
    gate, firm = zone
    with db.write() as session:
        crossing = make_booking(session, firm, gate, now=NOW)
    moves_before = db.count(CrossingMove)
    with db.write() as session:
        again = session.get(Crossing, crossing.id)
        with pytest.raises(IllegalMove) as refused:
            move(session, again, CrossingState.crossed, at=NOW)
    assert refused.value.extra()["allowed"] == ["arrived", "cancelled", "no_show"]
    assert db.count(CrossingMove) == moves_before


def test_the_periodic_sweep_marks_past_bookings_no_show(db: Database, zone):  # type: ignore[no-untyped-def]
    gate, firm = zone
    with db.write() as session:
        long_ago = make_booking(session, firm, gate, now=datetime(2025, 3, 3, 20, 0, tzinfo=UTC))
    sweep_job(db.factory)()
    assert db.scalar(select(Crossing.state).where(Crossing.id == long_ago.id)) is (
        CrossingState.no_show
    )
    assert db.scalar(select(CrossingMove.actor_label).order_by(CrossingMove.id.desc())) == (
        "no-show sweep"
    )


def test_empty_returns_are_capped_by_their_class_share(db: Database, zone):  # type: ignore[no-untyped-def]
    gate, firm = zone
    with db.write() as session:
        first = make_booking(session, firm, gate, now=NOW, empty=True)
        # The class may hold half of a 2-truck window: one empty truck, then the next window.
        second = make_booking(session, firm, gate, now=NOW, empty=True)
        assert second.window_id != first.window_id
        with pytest.raises(RuleRefused) as refused:
            make_booking(session, firm, gate, now=NOW, empty=True, window_id=first.window_id)
    assert refused.value.rule == "class_share"


def _no_shows_in_the_period(session: Session, firm: Enterprise, gate: Gate, arrived: int) -> None:
    """Twenty days earlier: five bookings, of which ``arrived`` came; the sweep
    marks the rest no-shows and reckons the standing."""
    rules = policy(session)
    rules.no_show_min_bookings = 4
    rules.peak_share_cap = Decimal("0.5")
    month_ago = NOW - timedelta(days=20)
    past = [make_booking(session, firm, gate, now=month_ago) for _ in range(5)]
    for crossing in past[:arrived]:
        arrive(session, crossing, month_ago + timedelta(hours=3))
    sweep_no_shows(session, NOW)


@pytest.mark.parametrize(("arrived", "capped"), [(3, True), (4, False)])
def test_an_enterprise_that_does_not_show_up_is_capped_in_peak_windows(  # type: ignore[no-untyped-def]
    db: Database, zone, arrived: int, capped: bool
):
    """Two no-shows in five pass the threshold of 20%; one in five is the
    threshold itself, and does not pass it."""
    gate, firm = zone
    with db.write() as session:
        _no_shows_in_the_period(session, firm, gate, arrived)
        standing = session.get_one(NoShowStanding, firm.id)
        assert (standing.no_shows, standing.bookings) == (5 - arrived, 5)
        # 07:00 is a peak window: with half of 2 trucks allowed, one booking fits.
        first = make_booking(session, firm, gate, now=NOW)
    with db.write() as session:
        if capped:
            with pytest.raises(RuleRefused) as refused:
                make_booking(session, firm, gate, now=NOW, window_id=first.window_id)
            assert refused.value.rule == "peak_share"
            # Another enterprise is not capped.
            make_booking(
                session, make_enterprise(session), gate, now=NOW, window_id=first.window_id
            )
        else:
            make_booking(session, firm, gate, now=NOW, window_id=first.window_id)


def test_no_show_standings_follow_the_rolling_period(db: Database, zone):  # type: ignore[no-untyped-def]
    gate, firm = zone
    with db.write() as session:
        _no_shows_in_the_period(session, firm, gate, arrived=3)
        # A process that reckoned a moment earlier does not undo the later reckoning.
        reckon_no_show_standings(session, NOW - timedelta(minutes=1))
        assert session.get_one(NoShowStanding, firm.id).reckoned_at == NOW
    with db.write() as session:
        # Twelve days on, the bookings have left the 30-day period, and the standing with them.
        sweep_no_shows(session, NOW + timedelta(days=12))
    assert db.count(NoShowStanding) == 0


def test_estimate_error_is_measured_against_the_crossing(db: Database, zone):  # type: ignore[no-untyped-def]
    gate, firm = zone
    with db.write() as session:
        crossings = [make_booking(session, firm, gate, now=NOW) for _ in range(3)]
        estimates = [position_of(session, c, NOW) for c in crossings]
        for crossing, estimate, late_by in zip(crossings, estimates, (0, 10, 40), strict=True):
            assert estimate.estimated_crossing_at is not None
            crossing.crossed_at = estimate.estimated_crossing_at + timedelta(minutes=late_by)
        session.flush()
        accuracy = estimate_accuracy(session, gate.id, NOW - timedelta(days=1))
    assert [e.position for e in estimates] == [1, 2, 3]
    assert accuracy.estimates == 3
    assert accuracy.mean_error_minutes == pytest.approx(50 / 3)
    assert accuracy.p90_absolute_error_minutes == pytest.approx(40)


def test_a_crossings_cargo_is_read_through_an_index(db: Database, zone):  # type: ignore[no-untyped-def]
    """Not by reading every cargo line: 10 ms a crossing at 70,000 lines."""
    gate, firm = zone
    with db.write() as session:
        crossing = make_booking(session, firm, gate, now=NOW)
        lines = "SELECT * FROM cargo_line WHERE crossing_id = :id"
        if session.get_bind().dialect.name == "postgresql":
            # A table this small is cheaper read whole: ask for the index if there is one.
            session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = session.scalars(text(f"EXPLAIN {lines}"), {"id": crossing.id}).all()
        else:
            plan = [
                row[-1]
                for row in session.execute(text(f"EXPLAIN QUERY PLAN {lines}"), {"id": crossing.id})
            ]
    assert any("ix_cargo_line_crossing_id" in step for step in plan), plan


def test_earliest_does_not_skip_days_before_one_someone_looked_at(db: Database, zone):  # type: ignore[no-untyped-def]
    """A day three weeks on was looked at first, and its windows made: the
    earliest booking still takes the first window with room, today's 07:00,
    and every day up to the horizon has its windows."""
    gate, firm = zone
    today = local_date(NOW)
    later = today + timedelta(days=21)
    with db.write() as session:
        ensure_windows(session, gate, Direction.export, later, later)
        crossing = make_booking(session, firm, gate, now=NOW)
        window = session.get_one(CrossingWindow, crossing.window_id)
    assert window.starts_at == datetime(2026, 12, 8, 0, 0, tzinfo=UTC)
    starts = db.scalars(select(CrossingWindow.starts_at).where(CrossingWindow.gate_id == gate.id))
    days = {local_date(starts_at) for starts_at in starts}
    assert days == {today + timedelta(days=n) for n in range(15)} | {later}


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_reckonings_take_turns(db: Database, zone):  # type: ignore[no-untyped-def]
    """Every server process reckons the standings each minute: a second
    reckoning waits for the first to commit, even with no row in common, rather
    than risk each waiting for rows the other has written."""
    gate, firm = zone
    with db.write() as session:
        _no_shows_in_the_period(session, firm, gate, arrived=3)
        session.execute(delete(NoShowStanding))
    first = db.factory()
    # Twelve days on, the period holds no booking: this reckoning writes nothing.
    reckon_no_show_standings(first, NOW + timedelta(days=12))
    done = threading.Event()

    def second() -> None:
        with db.write() as session:
            reckon_no_show_standings(session, NOW + timedelta(minutes=2))
        done.set()

    waiting = threading.Thread(target=second)
    waiting.start()
    try:
        assert not done.wait(0.5), "the second reckoning did not wait for the first"
    finally:
        first.commit()
        first.close()
        waiting.join(10)
    assert done.is_set()
    standing = db.scalar(select(NoShowStanding).where(NoShowStanding.enterprise_id == firm.id))
    assert standing.reckoned_at == NOW + timedelta(minutes=2)
