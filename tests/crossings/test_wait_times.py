"""The public wait: what a truck arriving now waits for, counting the room left in
the window under way, the same way a walk-in is queued; a railway gate says it
takes no trucks by road."""

from datetime import UTC, datetime, time

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cuakhau.core.clock import local_date, local_datetime
from cuakhau.crossings.booking import walk_in
from cuakhau.crossings.public import GateWaitRead, WaitReason, wait_times
from cuakhau.crossings.schemas import WalkInRequest
from cuakhau.models import CrossingWindow, Gate
from cuakhau.models.enums import Direction, LaneKind
from tests.conftest import Database
from tests.factories import (
    cargo,
    make_enterprise,
    make_gate,
    make_pattern,
    make_priority_classes,
    make_vehicle,
)

# 15:33 on a Monday in Lạng Sơn: the 15:00 window is under way.
NOW = datetime(2026, 12, 7, 8, 33, tzinfo=UTC)


def _zone(session: Session) -> tuple[Gate, Gate]:
    make_priority_classes(session)
    road = make_gate(session, holiday_calendars=[], handles_import=False)
    make_pattern(session, road, capacity=4)
    rail = make_gate(
        session, holiday_calendars=[], mode="rail", opens_at="06:00", closes_at="22:00"
    )
    return road, rail


def _wait(session: Session, gate: Gate, now: datetime = NOW) -> GateWaitRead:
    return next(
        w
        for w in wait_times(session, now, counterpart_silence_seconds=900)
        if w.gate_id == gate.id and w.direction is Direction.export
    )


def _walk_in(session: Session, gate: Gate, now: datetime = NOW) -> int | None:
    truck = make_vehicle(session, make_enterprise(session))
    request = WalkInRequest(
        plate=truck.plate, gate_id=gate.id, direction=Direction.export, regime="export"
    )
    return walk_in(session, request=request, now=now).window_id


def test_an_empty_gate_takes_a_truck_arriving_now_in_the_window_under_way(db: Database):
    with db.write() as session:
        road, _ = _zone(session)
        wait = _wait(session, road)
        today = local_date(NOW)
        assert wait.open_now
        assert (wait.window_now_starts_at, wait.window_now_ends_at) == (
            local_datetime(today, time(15)),
            local_datetime(today, time(16)),
        )
        assert wait.room_now == 4
        assert wait.wait_reason is WaitReason.room_now
        assert (wait.trucks_ahead, wait.estimated_crossing_at) == (0, NOW)
        assert wait.estimated_wait_minutes == 0
        assert wait.opens_today_at == local_datetime(today, time(7))
        assert wait.closes_today_at == local_datetime(today, time(19))
        # A truck that does arrive now is queued into that same window.
        window = session.get(CrossingWindow, _walk_in(session, road))
        assert window is not None
        assert window.starts_at == wait.window_now_starts_at


def test_the_wait_counts_the_trucks_ahead_and_moves_on_when_the_window_is_full(db: Database):
    with db.write() as session:
        road, _ = _zone(session)
        windows = {_walk_in(session, road) for _ in range(2)}
        half = _wait(session, road)
        # Two of four places taken: the third truck's turn is half-way through what is left.
        assert (half.room_now, half.trucks_ahead) == (2, 2)
        assert half.estimated_wait_minutes == 14
        windows |= {_walk_in(session, road) for _ in range(2)}
        assert len(windows) == 1
        full = _wait(session, road)
        assert (full.room_now, full.wait_reason) == (0, WaitReason.window_full)
        assert full.next_free_window_at == full.window_now_ends_at
        assert (full.trucks_ahead, full.estimated_wait_minutes) == (0, 27)


def test_before_opening_the_wait_runs_to_the_first_window(db: Database):
    with db.write() as session:
        road, _ = _zone(session)
        early = datetime(2026, 12, 6, 22, 0, tzinfo=UTC)  # 05:00 on the Monday
        wait = _wait(session, road, early)
        assert not wait.open_now
        assert wait.wait_reason is WaitReason.closed_now
        assert wait.next_free_window_at == wait.opens_today_at
        assert wait.estimated_wait_minutes == 120


def test_a_railway_gate_says_it_takes_no_trucks_rather_than_closed_and_green(db: Database):
    with db.write() as session:
        _, rail = _zone(session)
        wait = _wait(session, rail)
        assert not wait.takes_trucks
        assert wait.wait_reason is WaitReason.no_road_trucks
        assert wait.warning is None
        assert wait.estimated_wait_minutes is None


def test_the_public_feed_gives_the_same_answer(client: TestClient, db: Database):
    with db.write() as session:
        road, rail = _zone(session)
    state = client.app.state  # type: ignore[attr-defined]
    # The app is shared by the tests: its clock is put back, not deleted.
    real, state.clock = state.clock, lambda: NOW
    try:
        answer = client.get("/api/v1/public/wait-times").json()
    finally:
        state.clock = real
    by_gate = {(g["gate_id"], g["direction"]): g for g in answer}
    assert by_gate[(road.id, "export")]["wait_reason"] == "room_now"
    assert by_gate[(road.id, "export")]["room_now"] == 4
    assert by_gate[(road.id, "export")]["estimated_wait_minutes"] == 0
    assert by_gate[(rail.id, "export")]["takes_trucks"] is False
    assert by_gate[(rail.id, "export")]["warning"] is None


def test_the_public_feed_gives_each_lanes_capacity_and_free_places(
    client: TestClient, db: Database
):
    """A fruit truck walking in at 15:33 takes the fast lane's only place of the
    hour under way; the lane's next room is at 16:00, the ordinary lane's now."""
    with db.write() as session:
        road, _ = _zone(session)
        make_pattern(session, road, capacity=1, lane=LaneKind.perishable)
        truck = make_vehicle(session, make_enterprise(session))
        request = WalkInRequest(
            plate=truck.plate,
            gate_id=road.id,
            direction=Direction.export,
            regime="export",
            cargo=cargo(perishable=True),
        )
        assert walk_in(session, request=request, now=NOW).lane is LaneKind.perishable
    state = client.app.state  # type: ignore[attr-defined]
    real, state.clock = state.clock, lambda: NOW
    state.wait_times.forget()
    try:
        answer = client.get("/api/v1/public/wait-times").json()
    finally:
        state.clock = real
        state.wait_times.forget()
    [road_wait] = [g for g in answer if (g["gate_id"], g["direction"]) == (road.id, "export")]
    lanes = {lane["lane"]: lane for lane in road_wait["lanes"]}
    assert list(lanes) == ["ordinary", "perishable"]
    today = local_date(NOW)
    assert lanes["ordinary"]["capacity_today"] == 4 * 12
    assert lanes["ordinary"]["free_today"] == 4 * 12
    assert lanes["ordinary"]["room_now"] == 4
    assert lanes["perishable"]["capacity_today"] == 12
    assert lanes["perishable"]["booked_today"] == 1
    assert lanes["perishable"]["free_today"] == 11
    assert lanes["perishable"]["room_now"] == 0
    assert datetime.fromisoformat(lanes["perishable"]["next_free_window_at"]) == local_datetime(
        today, time(16)
    )
    # The gate's figures are its lanes' together; the wait is an ordinary truck's.
    assert road_wait["capacity_today"] == 4 * 12 + 12
    assert road_wait["booked_today"] == 1
    assert road_wait["room_now"] == 4
