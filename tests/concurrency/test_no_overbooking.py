"""No window is ever over-booked: hundreds of concurrent booking requests over
real HTTP at a multi-worker server (docs/architecture.md, "Booking").

Each backend gets one database, migrated, and one ``cuakhau serve --workers
N`` on it for all of this module's tests; each test arranges a gate and
enterprises of its own through the services and fires its burst from threads
released together by a barrier. PostgreSQL is the case that matters (several
processes, row locks); SQLite must hold too (BEGIN IMMEDIATE).
"""

import json
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, make_url, select, text
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.capacity.service import ensure_windows
from cuakhau.core.actor import Actor
from cuakhau.core.clock import local_date, utcnow
from cuakhau.core.config import DEFAULT_POOL_SIZE
from cuakhau.core.database import make_engine, session_scope
from cuakhau.core.schema_version import upgrade
from cuakhau.crossings.rules import policy
from cuakhau.crossings.states import OPEN_STATES
from cuakhau.models import Crossing, CrossingWindow, Gate, PriorityClass, Vehicle
from cuakhau.models.enums import Direction, LaneKind, Role
from cuakhau.sessions import audited_session_factory
from tests.concurrency.live_server import live_server
from tests.conftest import fresh_database_url
from tests.factories import (
    bearer,
    cargo,
    make_enterprise,
    make_gate,
    make_pattern,
    make_priority_classes,
    make_user,
    make_vehicle,
)

pytestmark = pytest.mark.slow

CAPACITY = 17
ENTERPRISES = 20
VEHICLES_EACH = 12  # 240 requests: one vehicle each (one open booking per vehicle)
# (backend, server processes): SQLite serialises writers, so two are enough to
# prove BEGIN IMMEDIATE holds across processes without a long wait on the lock.
SERVERS = [
    pytest.param(("postgresql", 4), id="postgresql"),
    pytest.param(("sqlite", 2), id="sqlite"),
]


@dataclass
class Fleet:
    gate_id: int
    # (bearer headers, vehicle id) for every request of the burst.
    requests: list[tuple[dict[str, str], int]]
    enterprise_ids: list[int]
    officer: dict[str, str]
    admin: dict[str, str]
    # A lane besides the ordinary, of the same capacity; its trucks carry what
    # it takes (``LANE_CARGO``).
    lane: LaneKind = LaneKind.ordinary


@dataclass
class Answer:
    status: int
    body: dict[str, Any]


@dataclass
class Zone:
    """A migrated database, and a multi-process server on it."""

    backend: str
    url: str
    sessions: sessionmaker[Session]
    base_url: str


@pytest.fixture(scope="module", params=SERVERS)
def zone(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, burst_room: None
) -> Iterator[Zone]:
    backend, workers = request.param
    directory = tmp_path_factory.mktemp(f"zone_{backend}")
    url = fresh_database_url(backend, directory, f"cuakhau_overbook_{backend}")
    upgrade(url)
    engine = make_engine(url)
    try:
        with live_server(url, workers, directory) as base_url:
            yield Zone(backend, url, audited_session_factory(engine), base_url)
    finally:
        engine.dispose()


def arrange(
    factory: sessionmaker[Session],
    *,
    capacity: int,
    horizon_days: int,
    vehicles_each: int = VEHICLES_EACH,
    lane: LaneKind = LaneKind.ordinary,
) -> Fleet:
    """A gate with one-hour windows 07:00–19:00 of ``capacity`` trucks (in the
    ordinary lane, and in ``lane`` too), enterprises with their own accounts
    and tokens and a vehicle per request, a gate officer and an administrator."""
    with session_scope(factory, Actor(label="test")) as session:
        # Made now, not by the first requests: the burst is about windows.
        policy(session).booking_horizon_days = horizon_days
        if session.scalar(select(PriorityClass.id).limit(1)) is None:
            make_priority_classes(session)
        gate = make_gate(session, holiday_calendars=[])
        make_pattern(session, gate, capacity=capacity)
        if lane is not LaneKind.ordinary:
            make_pattern(session, gate, capacity=capacity, lane=lane)
        requests, firms = [], []
        for _ in range(ENTERPRISES):
            firm = make_enterprise(session)
            firms.append(firm.id)
            headers = bearer(session, make_user(session, Role.enterprise, enterprise=firm))
            requests += [(headers, make_vehicle(session, firm).id) for _ in range(vehicles_each)]
        officer = bearer(session, make_user(session, Role.gate_officer))
        admin = bearer(session, make_user(session, Role.admin))
        return Fleet(gate.id, requests, firms, officer, admin, lane)


def tomorrows_windows(factory: sessionmaker[Session], gate_id: int) -> list[int]:
    horizon_windows(factory, gate_id, days=2)
    with session_scope(factory, Actor(label="test")) as session:
        gate = session.get_one(Gate, gate_id)
        tomorrow = local_date(utcnow()) + timedelta(days=1)
        return [w.id for w in ensure_windows(session, gate, Direction.export, tomorrow, tomorrow)]


def horizon_windows(
    factory: sessionmaker[Session], gate_id: int, days: int, lane: LaneKind = LaneKind.ordinary
) -> int:
    """Make the windows from today to the horizon, as a zone in service has them,
    and give tomorrow's first one of ``lane``: a booking made now can still take it."""
    with session_scope(factory, Actor(label="test")) as session:
        gate = session.get(Gate, gate_id)
        assert gate is not None
        today = local_date(utcnow())
        ensure_windows(session, gate, Direction.export, today, today + timedelta(days=days))
        tomorrow = ensure_windows(
            session, gate, Direction.export, today + timedelta(days=1), today + timedelta(days=1)
        )
        return next(w.id for w in tomorrow if w.lane is lane)


def post_json(url: str, headers: dict[str, str], payload: dict[str, Any]) -> Answer:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={**headers, "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=90) as response:
            return Answer(response.status, json.loads(response.read()))
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            return Answer(error.code, json.loads(body))
        except ValueError:
            return Answer(error.code, {"raw": body.decode(errors="replace")})


def booking(fleet: Fleet, vehicle_id: int, window_id: int | None) -> dict[str, Any]:
    return {
        "vehicle_id": vehicle_id,
        "gate_id": fleet.gate_id,
        "direction": "export",
        "regime": "export",
        "cargo": cargo(perishable=fleet.lane is LaneKind.perishable),
        "window_id": window_id,
    }


@dataclass
class Ask:
    """One request of a burst."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


def burst_of(base_url: str, asks: list[Ask]) -> list[Answer]:
    """Every request at once: each thread waits at the barrier, then posts."""
    answers: list[Answer | None] = [None] * len(asks)
    barrier = threading.Barrier(len(asks))

    def one(index: int, ask: Ask) -> None:
        barrier.wait()
        try:
            answers[index] = post_json(f"{base_url}{ask.path}", ask.headers, ask.body)
        except OSError as error:  # a refused or reset connection is a failure too
            answers[index] = Answer(0, {"error": repr(error)})

    threads = [threading.Thread(target=one, args=(i, ask)) for i, ask in enumerate(asks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(answer is not None for answer in answers)
    return [answer for answer in answers if answer is not None]


def burst(base_url: str, fleet: Fleet, window_id: int | list[int] | None) -> list[Answer]:
    """Every booking of the fleet at once. A list of windows is asked for in turn."""
    asks = [
        Ask(
            "/api/v1/crossings",
            headers,
            booking(
                fleet,
                vehicle_id,
                window_id[index % len(window_id)] if isinstance(window_id, list) else window_id,
            ),
        )
        for index, (headers, vehicle_id) in enumerate(fleet.requests)
    ]
    return burst_of(base_url, asks)


def open_crossings_per_window(session: Session, gate_id: int | None = None) -> dict[int, int]:
    query = (
        select(Crossing.window_id, func.count())
        .where(Crossing.state.in_(OPEN_STATES), Crossing.window_id.is_not(None))
        .group_by(Crossing.window_id)
    )
    if gate_id is not None:
        query = query.where(Crossing.gate_id == gate_id)
    return {int(window_id): int(count) for window_id, count in session.execute(query)}


def describe(answers: list[Answer]) -> str:
    seen = Counter((a.status, a.body.get("code")) for a in answers)
    odd = [a.body for a in answers if a.status not in (201, 409)][:3]
    return f"answers {dict(seen)}; first unexpected: {odd}"


# PostgreSQL takes 1,000 requests from four server processes; SQLite, whose
# writers wait in turn, 240 from two.
ONE_WINDOW = {"postgresql": 50, "sqlite": VEHICLES_EACH}


# A gate with one lane, and a gate with a perishable fast lane beside it whose
# trucks carry fruit: a lane's window is a capacity row like any other.
LANES = pytest.mark.parametrize("lane", [LaneKind.ordinary, LaneKind.perishable], ids=str)


@LANES
def test_one_window_takes_exactly_its_capacity(zone: Zone, lane: LaneKind) -> None:
    vehicles_each = ONE_WINDOW[zone.backend]
    fleet = arrange(
        zone.sessions, capacity=CAPACITY, horizon_days=14, vehicles_each=vehicles_each, lane=lane
    )
    window_id = horizon_windows(zone.sessions, fleet.gate_id, days=14, lane=lane)

    answers = burst(zone.base_url, fleet, window_id)

    assert len(answers) == ENTERPRISES * vehicles_each
    created = [a for a in answers if a.status == 201]
    refused = [a for a in answers if a.status == 409]
    assert len(created) == CAPACITY, describe(answers)
    assert len(created) + len(refused) == len(answers), describe(answers)
    assert all(a.body["code"] == "window_full" for a in refused), describe(answers)
    assert all(a.body["window_id"] == window_id for a in created)
    assert all(a.body["lane"] == lane.value for a in created)
    assert len({a.body["id"] for a in created}) == CAPACITY
    # A refusal offers later windows that really have room.
    assert all(a.body["next_free_windows"] for a in refused)

    with session_scope(zone.sessions, Actor(label="test")) as session:
        window = session.get(CrossingWindow, window_id)
        assert window is not None
        assert window.booked == CAPACITY
        assert open_crossings_per_window(session, fleet.gate_id) == {window_id: CAPACITY}
        made = select(func.count()).select_from(Crossing).where(Crossing.gate_id == fleet.gate_id)
        assert session.scalar(made) == CAPACITY


@LANES
def test_earliest_bookings_fill_small_windows_without_overbooking(
    zone: Zone, lane: LaneKind
) -> None:
    # Windows of 3 over a one-day horizon: fewer units than requests, so the
    # burst races for every window down to the last unit (with a fast lane,
    # each truck given the lane as it goes: the fast lane's first).
    fleet = arrange(zone.sessions, capacity=3, horizon_days=1, lane=lane)

    answers = burst(zone.base_url, fleet, window_id=None)
    finished = utcnow()

    created = [a for a in answers if a.status == 201]
    refused = [a for a in answers if a.status == 409]
    assert created, describe(answers)
    assert len(created) + len(refused) == len(answers), describe(answers)
    assert all(a.body["code"] == "no_free_window" for a in refused), describe(answers)
    assert len({a.body["id"] for a in created}) == len(created)

    with session_scope(zone.sessions, Actor(label="test")) as session:
        windows = list(
            session.scalars(select(CrossingWindow).where(CrossingWindow.gate_id == fleet.gate_id))
        )
        per_window = open_crossings_per_window(session, fleet.gate_id)
    answered_per_window = Counter(a.body["window_id"] for a in created)
    for window in windows:
        assert 0 <= window.booked <= window.capacity, window.id
        assert window.booked == per_window.get(window.id, 0) == answered_per_window[window.id]
    if refused:
        # Refused only because everything still to come was taken.
        assert all(w.booked == w.capacity for w in windows if w.starts_at > finished)


# Named windows, each asked for by some of the requests: only the truck's lock
# keeps two windows from both taking it.
@pytest.mark.parametrize("named_window", [False, True], ids=["earliest", "named-windows"])
def test_one_truck_asking_many_times_at_once_gets_its_limit_of_bookings(
    zone: Zone, named_window: bool
) -> None:
    fleet = arrange(zone.sessions, capacity=CAPACITY, horizon_days=2, vehicles_each=1)
    with session_scope(zone.sessions, Actor(label="test")) as session:
        limit = policy(session).max_open_bookings_per_vehicle
    headers, vehicle_id = fleet.requests[0]
    same_truck = replace(fleet, requests=[(headers, vehicle_id)] * 40)
    window_id = tomorrows_windows(zone.sessions, fleet.gate_id) if named_window else None

    answers = burst(zone.base_url, same_truck, window_id=window_id)

    created = [a for a in answers if a.status == 201]
    refused = [a for a in answers if a.status == 409]
    assert len(created) == limit, describe(answers)
    assert len(refused) == len(answers) - limit, describe(answers)
    assert all(a.body["rule"] == "open_bookings" for a in refused), describe(answers)
    with session_scope(zone.sessions, Actor(label="test")) as session:
        open_bookings = session.scalar(
            select(func.count())
            .select_from(Crossing)
            .where(Crossing.vehicle_id == vehicle_id, Crossing.state.in_(OPEN_STATES))
        )
    assert open_bookings == limit


def _database_agrees(zone: Zone, limit: int) -> None:
    """Every window's count is its open crossings, and no truck holds more open
    crossings than the limit."""
    with session_scope(zone.sessions, Actor(label="test")) as session:
        per_window = open_crossings_per_window(session)
        for window in session.scalars(select(CrossingWindow)):
            assert 0 <= window.booked <= window.capacity, window.id
            assert window.booked == per_window.get(window.id, 0), window.id
        per_truck = session.scalars(
            select(func.count())
            .select_from(Crossing)
            .where(Crossing.state.in_(OPEN_STATES))
            .group_by(Crossing.vehicle_id)
        ).all()
        assert max(per_truck, default=0) <= limit


def _walk_in(fleet: Fleet, plate: str) -> Ask:
    body = {"plate": plate, "gate_id": fleet.gate_id, "direction": "export", "regime": "export"}
    return Ask("/api/v1/crossings/walk-in", fleet.officer, body)


def _plate(zone: Zone, vehicle_id: int) -> str:
    with session_scope(zone.sessions, Actor(label="test")) as session:
        return session.get_one(Vehicle, vehicle_id).plate


def test_twenty_walk_ins_of_one_plate_queue_the_truck_once(zone: Zone) -> None:
    """A walk-in locks its truck and counts its open crossings against the
    policy's limit, as a booking does: on PostgreSQL 20 at once once gave a
    truck 17 open crossings."""
    fleet = arrange(zone.sessions, capacity=CAPACITY, horizon_days=2, vehicles_each=1)
    _headers, vehicle_id = fleet.requests[0]
    plate = _plate(zone, vehicle_id)
    answers = burst_of(zone.base_url, [_walk_in(fleet, plate)] * 20)
    created = [a for a in answers if a.status == 201]
    assert len(created) == 1, describe(answers)
    assert all(
        a.status == 409 and a.body["rule"] == "open_bookings" for a in answers if a.status != 201
    ), describe(answers)
    _database_agrees(zone, limit=1)


def test_a_booking_a_walk_in_and_an_earliest_booking_of_one_truck_at_once(zone: Zone) -> None:
    fleet = arrange(zone.sessions, capacity=CAPACITY, horizon_days=2, vehicles_each=1)
    headers, vehicle_id = fleet.requests[0]
    plate = _plate(zone, vehicle_id)
    window_id = tomorrows_windows(zone.sessions, fleet.gate_id)[0]
    named = Ask("/api/v1/crossings", headers, booking(fleet, vehicle_id, window_id))
    earliest = Ask("/api/v1/crossings", headers, booking(fleet, vehicle_id, None))
    answers = burst_of(zone.base_url, [named, _walk_in(fleet, plate), earliest] * 5)
    created = [a for a in answers if a.status == 201]
    assert len(created) == 1, describe(answers)
    assert all(a.body.get("rule") == "open_bookings" for a in answers if a.status != 201)
    _database_agrees(zone, limit=1)


def test_a_deactivation_racing_bookings_leaves_the_database_agreeing(zone: Zone) -> None:
    """The enterprise's bookings before its deactivation stand, those after it
    are refused; whichever, the counts agree, and it books nothing afterwards."""
    fleet = arrange(zone.sessions, capacity=3, horizon_days=1)
    firm = fleet.enterprise_ids[0]
    bookings = [
        Ask("/api/v1/crossings", headers, booking(fleet, vehicle_id, None))
        for headers, vehicle_id in fleet.requests
    ]
    deactivation = Ask(f"/api/v1/enterprises/{firm}/deactivate", fleet.admin, {})
    firms_headers = fleet.requests[0][0]
    answers = burst_of(zone.base_url, [deactivation, *bookings])
    assert answers[0].status == 200, answers[0].body
    after = post_json(
        f"{zone.base_url}/api/v1/crossings",
        firms_headers,
        booking(fleet, fleet.requests[1][1], None),
    )
    assert (after.status, after.body["code"]) == (403, "enterprise_inactive")
    expected = {201, 409, 403}
    assert all(a.status in expected for a in answers[1:]), describe(answers)
    refused_for_firm = [a for a in answers[1:] if a.status == 403]
    assert all(a.body["code"] == "enterprise_inactive" for a in refused_for_firm)
    _database_agrees(zone, limit=1)


# Each server process's own connections beside its pool: LISTEN and NOTIFY.
LIVE_CONNECTIONS = 2


def test_a_burst_waits_for_connections_when_the_database_has_few(
    tmp_path: Path, burst_room: None
) -> None:
    """240 "earliest" bookings at two server processes whose database role may
    hold just the connections their pools and live updates keep. Each process
    opening connections for its burst (up to 21 each) had PostgreSQL refuse
    them ("too many clients"): on b2424d5, 178 answers of 503 and 25 of 500 on
    a host where other clients held 40 connections, and 175 and 24 under this
    test's limit. A booking waits for a pooled connection."""
    workers = 2
    url = fresh_database_url("postgresql", tmp_path, "cuakhau_overbook_limited")
    upgrade(url)
    database = make_url(url).database
    role = f"{database}_server"
    # Two pools (the sessions' and the booking calls') and live updates, per process.
    limit = workers * (2 * DEFAULT_POOL_SIZE + LIVE_CONNECTIONS)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    engine = make_engine(url)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
            connection.execute(text(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT {limit}'))
            for grant in (
                "ALL ON ALL TABLES IN SCHEMA public",
                "ALL ON ALL SEQUENCES IN SCHEMA public",
                "EXECUTE ON ALL FUNCTIONS IN SCHEMA public",
            ):
                connection.execute(text(f'GRANT {grant} TO "{role}"'))
        fleet = arrange(audited_session_factory(engine), capacity=3, horizon_days=1)
        as_server = make_url(url).set(username=role).render_as_string(hide_password=False)
        with live_server(as_server, workers, tmp_path) as base_url:
            answers = burst(base_url, fleet, window_id=None)
        assert {a.status for a in answers} <= {201, 409}, describe(answers)
        assert any(a.status == 201 for a in answers)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()
