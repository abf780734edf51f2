"""No window is ever over-booked: hundreds of concurrent booking requests over
real HTTP at a multi-worker server (DESIGN.md, "Capacity and booking").

Each test makes its own database, runs the migrations, arranges data through
the services, starts ``cuakhau serve --workers N`` on it and fires the burst
from threads released together by a barrier. PostgreSQL is the case that
matters (several processes, row locks); SQLite must hold too (BEGIN IMMEDIATE).
"""

import json
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.capacity.service import ensure_windows
from cuakhau.core.actor import Actor
from cuakhau.core.clock import local_date, utcnow
from cuakhau.core.database import make_engine, session_scope
from cuakhau.core.schema_version import upgrade
from cuakhau.crossings.rules import policy
from cuakhau.crossings.states import OPEN_STATES
from cuakhau.models import Crossing, CrossingWindow, Gate
from cuakhau.models.enums import Direction, Role
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
SERVERS = [pytest.param("postgresql", 4, id="postgresql"), pytest.param("sqlite", 2, id="sqlite")]


@dataclass
class Fleet:
    gate_id: int
    # (bearer headers, vehicle id) for every request of the burst.
    requests: list[tuple[dict[str, str], int]]


@dataclass
class Answer:
    status: int
    body: dict[str, Any]


@dataclass
class Database:
    url: str
    sessions: sessionmaker[Session]


@pytest.fixture
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated database of the backend given by the test's parameter."""
    backend: str = request.param
    url = fresh_database_url(backend, tmp_path, f"cuakhau_overbook_{backend}")
    upgrade(url)
    engine = make_engine(url)
    try:
        yield Database(url, audited_session_factory(engine))
    finally:
        engine.dispose()


def arrange(factory: sessionmaker[Session], *, capacity: int, horizon_days: int) -> Fleet:
    """A gate with one-hour windows 07:00–19:00 of ``capacity`` trucks, and
    enterprises with their own accounts and tokens and a vehicle per request."""
    with session_scope(factory, Actor(label="test")) as session:
        # Made now, not by the first requests: the burst is about windows.
        policy(session).booking_horizon_days = horizon_days
        make_priority_classes(session)
        gate = make_gate(session, holiday_calendars=[])
        make_pattern(session, gate, capacity=capacity)
        requests = []
        for _ in range(ENTERPRISES):
            firm = make_enterprise(session)
            headers = bearer(session, make_user(session, Role.enterprise, enterprise=firm))
            requests += [(headers, make_vehicle(session, firm).id) for _ in range(VEHICLES_EACH)]
        return Fleet(gate.id, requests)


def tomorrows_windows(factory: sessionmaker[Session], gate_id: int) -> list[int]:
    horizon_windows(factory, gate_id, days=2)
    with session_scope(factory, Actor(label="test")) as session:
        gate = session.get_one(Gate, gate_id)
        tomorrow = local_date(utcnow()) + timedelta(days=1)
        return [w.id for w in ensure_windows(session, gate, Direction.export, tomorrow, tomorrow)]


def horizon_windows(factory: sessionmaker[Session], gate_id: int, days: int) -> int:
    """Make the windows from today to the horizon, as a zone in service has them,
    and give tomorrow's first one: a booking made now can still take it."""
    with session_scope(factory, Actor(label="test")) as session:
        gate = session.get(Gate, gate_id)
        assert gate is not None
        today = local_date(utcnow())
        ensure_windows(session, gate, Direction.export, today, today + timedelta(days=days))
        tomorrow = ensure_windows(
            session, gate, Direction.export, today + timedelta(days=1), today + timedelta(days=1)
        )
        return tomorrow[0].id


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


def burst(base_url: str, fleet: Fleet, window_id: int | list[int] | None) -> list[Answer]:
    """Every request at once: each thread waits at the barrier, then posts. A list
    of windows is asked for in turn."""
    answers: list[Answer | None] = [None] * len(fleet.requests)
    barrier = threading.Barrier(len(fleet.requests))

    def one(index: int, headers: dict[str, str], vehicle_id: int) -> None:
        payload = {
            "vehicle_id": vehicle_id,
            "gate_id": fleet.gate_id,
            "direction": "export",
            "regime": "export",
            "cargo": cargo(),
            "window_id": window_id[index % len(window_id)]
            if isinstance(window_id, list)
            else window_id,
        }
        barrier.wait()
        try:
            answers[index] = post_json(f"{base_url}/api/v1/crossings", headers, payload)
        except OSError as error:  # a refused or reset connection is a failure too
            answers[index] = Answer(0, {"error": repr(error)})

    threads = [
        threading.Thread(target=one, args=(i, headers, vehicle))
        for i, (headers, vehicle) in enumerate(fleet.requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(answer is not None for answer in answers)
    return [answer for answer in answers if answer is not None]


def open_crossings_per_window(session: Session) -> dict[int, int]:
    rows = session.execute(
        select(Crossing.window_id, func.count())
        .where(Crossing.state.in_(OPEN_STATES), Crossing.window_id.is_not(None))
        .group_by(Crossing.window_id)
    )
    return {int(window_id): int(count) for window_id, count in rows}


def describe(answers: list[Answer]) -> str:
    seen = Counter((a.status, a.body.get("code")) for a in answers)
    odd = [a.body for a in answers if a.status not in (201, 409)][:3]
    return f"answers {dict(seen)}; first unexpected: {odd}"


@pytest.mark.parametrize(("database", "workers"), SERVERS, indirect=["database"])
def test_one_window_takes_exactly_its_capacity(
    database: Database, workers: int, tmp_path: Path
) -> None:
    fleet = arrange(database.sessions, capacity=CAPACITY, horizon_days=14)
    window_id = horizon_windows(database.sessions, fleet.gate_id, days=14)

    with live_server(database.url, workers, tmp_path) as base_url:
        answers = burst(base_url, fleet, window_id)

    assert len(answers) >= 200
    created = [a for a in answers if a.status == 201]
    refused = [a for a in answers if a.status == 409]
    assert len(created) == CAPACITY, describe(answers)
    assert len(created) + len(refused) == len(answers), describe(answers)
    assert all(a.body["code"] == "window_full" for a in refused), describe(answers)
    assert all(a.body["window_id"] == window_id for a in created)
    assert len({a.body["id"] for a in created}) == CAPACITY
    # A refusal offers later windows that really have room.
    assert all(a.body["next_free_windows"] for a in refused)

    with session_scope(database.sessions, Actor(label="test")) as session:
        window = session.get(CrossingWindow, window_id)
        assert window is not None
        assert window.booked == CAPACITY
        assert open_crossings_per_window(session) == {window_id: CAPACITY}
        assert session.scalar(select(func.count()).select_from(Crossing)) == CAPACITY


@pytest.mark.parametrize(("database", "workers"), SERVERS, indirect=["database"])
def test_earliest_bookings_fill_small_windows_without_overbooking(
    database: Database, workers: int, tmp_path: Path
) -> None:
    # Windows of 3 over a one-day horizon: fewer units than requests, so the
    # burst races for every window down to the last unit.
    fleet = arrange(database.sessions, capacity=3, horizon_days=1)

    with live_server(database.url, workers, tmp_path) as base_url:
        answers = burst(base_url, fleet, window_id=None)
    finished = utcnow()

    created = [a for a in answers if a.status == 201]
    refused = [a for a in answers if a.status == 409]
    assert created, describe(answers)
    assert len(created) + len(refused) == len(answers), describe(answers)
    assert all(a.body["code"] == "no_free_window" for a in refused), describe(answers)
    assert len({a.body["id"] for a in created}) == len(created)

    with session_scope(database.sessions, Actor(label="test")) as session:
        windows = list(session.scalars(select(CrossingWindow)))
        per_window = open_crossings_per_window(session)
    answered_per_window = Counter(a.body["window_id"] for a in created)
    for window in windows:
        assert 0 <= window.booked <= window.capacity, window.id
        assert window.booked == per_window.get(window.id, 0) == answered_per_window[window.id]
    if refused:
        # Refused only because everything still to come was taken.
        assert all(w.booked == w.capacity for w in windows if w.starts_at > finished)


@pytest.mark.parametrize(("database", "workers"), SERVERS, indirect=["database"])
# Earliest: the general path. Named windows, each asked for by some of the
# requests: on PostgreSQL, the express lane, where only the truck's lock keeps
# two windows from both taking it.
@pytest.mark.parametrize("named_window", [False, True], ids=["earliest", "named-windows"])
def test_one_truck_asking_many_times_at_once_gets_its_limit_of_bookings(
    database: Database, workers: int, tmp_path: Path, named_window: bool
) -> None:
    fleet = arrange(database.sessions, capacity=CAPACITY, horizon_days=2)
    with session_scope(database.sessions, Actor(label="test")) as session:
        limit = policy(session).max_open_bookings_per_vehicle
    headers, vehicle_id = fleet.requests[0]
    same_truck = Fleet(fleet.gate_id, [(headers, vehicle_id)] * 40)
    window_id = tomorrows_windows(database.sessions, fleet.gate_id) if named_window else None

    with live_server(database.url, workers, tmp_path) as base_url:
        answers = burst(base_url, same_truck, window_id=window_id)

    created = [a for a in answers if a.status == 201]
    refused = [a for a in answers if a.status == 409]
    assert len(created) == limit, describe(answers)
    assert len(refused) == len(answers) - limit, describe(answers)
    assert all(a.body["rule"] == "open_bookings" for a in refused), describe(answers)
    with session_scope(database.sessions, Actor(label="test")) as session:
        open_bookings = session.scalar(
            select(func.count())
            .select_from(Crossing)
            .where(Crossing.vehicle_id == vehicle_id, Crossing.state.in_(OPEN_STATES))
        )
    assert open_bookings == limit
