"""The board's dashboard figures against data made for them, on both databases."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cuakhau.core.errors import NotFound
from cuakhau.crossings.queue import position_of
from cuakhau.crossings.states import move
from cuakhau.dashboard.service import dashboard
from cuakhau.models import Crossing, Gate, QueueEstimate, Vehicle
from cuakhau.models.enums import CrossingState, Direction, Role
from cuakhau.yards.visits import CheckIn, check_in
from tests.conftest import Database, People
from tests.factories import (
    advance,
    make_booking,
    make_enterprise,
    make_gate,
    make_pattern,
    make_priority_classes,
    make_yard,
)

# 10:30 on Tuesday 8 December 2026 in Lạng Sơn (UTC+7).
NOW = datetime(2026, 12, 8, 3, 30, tzinfo=UTC)
LOCAL_MIDNIGHT = datetime(2026, 12, 7, 17, 0, tzinfo=UTC)


def local_hour(hour: int, minute: int = 0) -> datetime:
    return LOCAL_MIDNIGHT + timedelta(hours=hour, minutes=minute)


@dataclass
class Zone:
    north: int
    south: int
    yard: int
    estimate_error_minutes: float


@pytest.fixture
def zone(db: Database) -> Zone:
    """Gate "north" (export 3 and import 2 trucks an hour) and gate "south" (export
    only, 5 an hour), 07:00–19:00, with a queue, crossings today, past bookings."""
    with db.write() as session:
        make_priority_classes(session)
        north = make_gate(session, holiday_calendars=[])
        make_pattern(session, north, capacity=3)
        make_pattern(session, north, direction=Direction.import_, capacity=2)
        south = make_gate(session, holiday_calendars=[], handles_import=False)
        make_pattern(session, south, capacity=5)
        firm = make_enterprise(session, roles=["exporter", "importer"])
        operator = make_enterprise(session, roles=["yard_operator"])
        yard = make_yard(session, north, operator, spaces={"truck": 40, "container": 10})

        # North, export: one booked, one checked into the yard (arrived), three crossed.
        make_booking(session, firm, north, now=NOW)
        parked = make_booking(session, firm, north, now=NOW)
        plate = session.get(Vehicle, parked.vehicle_id).plate  # type: ignore[union-attr]
        check_in(session, yard, CheckIn(plate=plate), NOW)
        crossed = [make_booking(session, firm, north, now=NOW) for _ in range(3)]
        estimate = position_of(session, crossed[0], NOW).estimated_crossing_at
        assert estimate is not None
        times = (local_hour(7, 5), local_hour(9, 15), local_hour(9, 40))
        for crossing, at in zip(crossed, times, strict=True):
            advance(session, crossing, CrossingState.crossed, at=at)
        # North, import: one booked. South: two booked, one cancelled.
        make_booking(session, firm, north, now=NOW, direction=Direction.import_)
        make_booking(session, firm, south, now=NOW)
        make_booking(session, firm, south, now=NOW)
        move(session, make_booking(session, firm, south, now=NOW), CrossingState.cancelled, at=NOW)

        # Yesterday's trucks: one crossed late last night, one never came, one
        # cancelled (not counted as a booking).
        yesterday = NOW - timedelta(days=1)
        late = make_booking(session, firm, north, now=yesterday)
        advance(session, late, CrossingState.crossed, at=local_hour(-1))
        move(
            session,
            make_booking(session, firm, north, now=yesterday),
            CrossingState.no_show,
            at=NOW,
        )
        move(
            session,
            make_booking(session, firm, south, now=yesterday),
            CrossingState.cancelled,
            at=NOW,
        )
        session.flush()
        error = (local_hour(7, 5) - estimate).total_seconds() / 60
        return Zone(north.id, south.id, yard.id, error)


def _queue(board, direction: Direction) -> dict[CrossingState, int]:  # type: ignore[no-untyped-def]
    return {q.state: q.trucks for q in board.queue if q.direction is direction}


def test_the_zone_adds_up_every_gate(db: Database, zone: Zone):
    with db.write() as session:
        board = dashboard(session, NOW)

    assert [g.id for g in board.gates] == [zone.north, zone.south]
    export = _queue(board, Direction.export)
    assert export[CrossingState.booked] == 3
    assert export[CrossingState.arrived] == 1
    assert sum(export.values()) == 4
    assert _queue(board, Direction.import_)[CrossingState.booked] == 1

    # Windows from 10:00 today (not yet over) to 10:00 the day after tomorrow:
    # 9 today, 12 tomorrow, 4 on the last day.
    export_windows = [w for w in board.windows if w.direction is Direction.export]
    assert len(export_windows) == 25
    assert export_windows[0].starts_at == local_hour(10)
    assert {w.capacity for w in export_windows} == {8}
    # The cancelled unit went back; crossed trucks keep theirs.
    assert sum(w.booked for w in export_windows) == 5 + 2
    import_windows = [w for w in board.windows if w.direction is Direction.import_]
    assert {w.capacity for w in import_windows} == {2}
    assert sum(w.booked for w in import_windows) == 1

    crossed = {(t.starts_at, t.direction): t.crossed for t in board.throughput}
    assert len(crossed) == 11 * 2  # 00:00 … 10:00, both directions
    assert crossed[(local_hour(7), Direction.export)] == 1
    assert crossed[(local_hour(9), Direction.export)] == 2
    assert sum(crossed.values()) == 3

    [yard] = board.yards
    assert (yard.yard_id, yard.spaces, yard.occupied) == (zone.yard, 50, 1)

    north, south = board.accuracy
    assert north.estimates == 1
    assert north.mean_error_minutes == pytest.approx(zone.estimate_error_minutes)
    assert north.p90_absolute_error_minutes == pytest.approx(abs(zone.estimate_error_minutes))
    assert (south.estimates, south.mean_error_minutes) == (0, None)

    assert (board.no_shows.bookings, board.no_shows.no_shows) == (2, 1)
    assert board.no_shows.rate == pytest.approx(0.5)
    assert board.no_shows.since == NOW - timedelta(days=30)


def test_one_gate_counts_only_its_own(db: Database, zone: Zone):
    with db.write() as session:
        board = dashboard(session, NOW, zone.south)

    assert [g.id for g in board.gates] == [zone.south]
    assert {q.direction for q in board.queue} == {Direction.export}
    assert _queue(board, Direction.export)[CrossingState.booked] == 2
    assert {w.capacity for w in board.windows} == {5}
    assert sum(w.booked for w in board.windows) == 2
    assert sum(t.crossed for t in board.throughput) == 0
    assert board.yards == []
    assert (board.no_shows.bookings, board.no_shows.rate) == (0, None)


def test_an_unknown_gate_is_not_found(db: Database, zone: Zone):
    with db.write() as session, pytest.raises(NotFound):
        dashboard(session, NOW, zone.south + 1000)


def test_the_api_answers_the_board_with_the_same_figures(
    client: TestClient, db: Database, people: People, zone: Zone
):
    response = client.get(
        "/api/v1/dashboard", params={"gate_id": zone.north}, headers=people[Role.board]
    )
    assert response.status_code == 200
    body = response.json()
    assert body["gate_id"] == zone.north
    queue = {(q["direction"], q["state"]): q["trucks"] for q in body["queue"]}
    assert queue[("export", "booked")] == 1
    assert queue[("export", "arrived")] == 1
    assert body["yards"][0]["occupied"] == 1
    assert body["accuracy"][0]["gate_code"] == db.scalar(
        select(Gate.code).where(Gate.id == zone.north)
    )
    assert db.count(QueueEstimate) == 1
    assert db.count(Crossing, Crossing.state == CrossingState.crossed) == 4

    missing = client.get(
        "/api/v1/dashboard", params={"gate_id": zone.south + 1000}, headers=people[Role.admin]
    )
    assert missing.status_code == 404
    refused = client.get("/api/v1/dashboard", headers=people[Role.gate_officer])
    assert refused.status_code == 403
