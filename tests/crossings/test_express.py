"""The express booking lane (PostgreSQL) books only what the general path books,
and writes the same rows when it does.

Each case is asked of both: the express lane first, then ``booking.book``. Where
the express lane books, the general path, asked the same in an emptied database
seeded alike, writes the same crossing, cargo, move, notice and audit entries;
where it declines, it has written nothing and the general path gives its verdict.
"""

import asyncio
import http.client
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update

from cuakhau.app import create_app
from cuakhau.capacity.service import ensure_windows
from cuakhau.core.actor import Actor
from cuakhau.core.clock import local_date, utcnow
from cuakhau.core.config import Settings
from cuakhau.core.database import session_scope
from cuakhau.core.deps import ANONYMOUS
from cuakhau.core.errors import DatabaseUnavailable, DomainError
from cuakhau.core.security import hash_token
from cuakhau.crossings.booking import book
from cuakhau.crossings.express import BOOKING_CALL, Caller, ExpressBooking, booking_parameters
from cuakhau.crossings.rules import policy, reckon_no_show_standings
from cuakhau.crossings.schemas import BookingRequest
from cuakhau.enterprises.service import resolve_owner
from cuakhau.live.listener import libpq_url
from cuakhau.models import ApiToken, Crossing, CrossingWindow, Enterprise, Gate, User
from cuakhau.models.enums import CrossingState, Direction, Role
from tests.conftest import Database, People, empty_all_tables
from tests.crossings.conftest import NOW
from tests.factories import (
    bearer,
    cargo,
    make_driver,
    make_enterprise,
    make_gate,
    make_open_gate,
    make_pattern,
    make_priority_classes,
    make_user,
    make_vehicle,
)
from tests.live.streams import Stream, serve_in_thread

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

# The first day of windows after NOW (03:00 local); 07:00-11:00 local is the peak.
DAY = date(2026, 12, 8)
PEAK_HOUR_UTC = 1  # 08:00 local
QUIET_HOUR_UTC = 6  # 13:00 local


@dataclass
class Zone:
    gate: Gate
    firm: Enterprise
    other: Enterprise
    user_id: int
    headers: dict[str, str]
    caller: Caller
    vehicles: list[int]
    driver_id: int
    windows: dict[tuple[Direction, int], int]  # (direction, UTC hour) -> window id


def _seed(db: Database) -> Zone:
    """The same rows, with the same ids, each time it runs on emptied tables."""
    with db.write() as session:
        # The general path makes the policy row on first use; the express lane
        # leaves a zone without one to it.
        policy(session)
        make_priority_classes(session)
        gate = make_gate(session, holiday_calendars=[])
        windows: dict[tuple[Direction, int], int] = {}
        for direction in Direction:
            make_pattern(session, gate, direction=direction, capacity=2, hours=range(7, 19))
            for window in ensure_windows(session, gate, direction, DAY, DAY):
                windows[(direction, window.starts_at.hour)] = window.id
        firm = make_enterprise(session, roles=["exporter", "importer"])
        other = make_enterprise(session, roles=["exporter"])
        user = make_user(session, Role.enterprise, enterprise=firm, username="doanhnghiep.1")
        vehicles = [make_vehicle(session, firm, plate=f"12C-{n:03d}.45").id for n in range(1, 7)]
        driver = make_driver(session, firm, id_number="001234567890")
        headers = bearer(session, user)
        token = headers["Authorization"].removeprefix("Bearer ")
        caller = Caller(Role.enterprise, firm.id, hash_token(token))
        return Zone(gate, firm, other, user.id, headers, caller, vehicles, driver.id, windows)


def _requests(zone: Zone) -> list[BookingRequest]:
    export = Direction.export
    lines = [*cargo(), {**cargo()[0], "value_usd": "12000", "packages": 3}]
    return [
        # Ordinary cargo of two lines, one value written without its cents.
        BookingRequest(
            vehicle_id=zone.vehicles[0],
            gate_id=zone.gate.id,
            direction=export,
            regime="export",
            window_id=zone.windows[(export, QUIET_HOUR_UTC)],
            cargo=lines,
        ),
        # Perishable imports with a driver: names stored apart from their values.
        BookingRequest(
            vehicle_id=zone.vehicles[1],
            gate_id=zone.gate.id,
            direction=Direction.import_,
            regime="import",
            driver_id=zone.driver_id,
            window_id=zone.windows[(Direction.import_, QUIET_HOUR_UTC)],
            cargo=cargo(perishable=True),
        ),
        # An empty return, whose class may hold half a window, at the peak.
        BookingRequest(
            vehicle_id=zone.vehicles[2],
            gate_id=zone.gate.id,
            direction=export,
            regime="re_export",
            enterprise_id=zone.firm.id,
            window_id=zone.windows[(export, PEAK_HOUR_UTC)],
        ),
    ]


_KEPT_APART = {
    # Taken from the clock when each path writes, not from the request.
    "crossing": {"created_at", "updated_at"},
    "crossing_move": {"at"},
    "notification": {"created_at", "next_attempt_at"},
    "audit_entry": {"at", "id"},
}


def _written(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Every row a booking writes, as JSON, less the clock's columns."""
    found: dict[str, list[dict[str, Any]]] = {}
    with db.write() as session:
        for table in ("crossing", "cargo_line", "crossing_move", "notification", "audit_entry"):
            where = "WHERE entity IN ('crossing', 'cargo_line')" if table == "audit_entry" else ""
            rows = session.scalars(text(f"SELECT to_jsonb(t) FROM {table} t {where} ORDER BY id"))
            kept = [
                {k: v for k, v in row.items() if k not in _KEPT_APART.get(table, set())}
                for row in rows
            ]
            # One flush writes a crossing's audit entries in no set order.
            found[table] = sorted(kept, key=lambda row: json.dumps(row, sort_keys=True))
        found["crossing_window"] = [
            {"id": row.id, "booked": row.booked}
            for row in session.scalars(select(CrossingWindow).order_by(CrossingWindow.id))
        ]
    return found


def _express(client: TestClient) -> ExpressBooking:
    express = client.app.state.express  # type: ignore[attr-defined]
    assert isinstance(express, ExpressBooking), "the express lane is open on PostgreSQL"
    return express


def _book_express(client: TestClient, caller: Caller, request: BookingRequest) -> Any:
    return client.portal.call(_express(client).book, caller, request, NOW)  # type: ignore[union-attr]


def _book_generally(db: Database, zone: Zone, request: BookingRequest) -> Crossing:
    """As the router's general path does: the owner, then the booking."""
    with session_scope(db.factory, ANONYMOUS) as session:
        user = session.get_one(User, zone.user_id)
        session.info["actor"] = Actor(label=user.username, user_id=user.id)
        owner = resolve_owner(session, user, request.enterprise_id)
        return book(session, enterprise_id=owner, request=request, now=NOW)


def test_express_writes_what_the_general_path_writes(client: TestClient, db: Database):
    zone = _seed(db)
    for request in _requests(zone):
        _book_generally(db, zone, request)
    general = _written(db)

    empty_all_tables(client.app.state.engine)  # type: ignore[attr-defined]
    zone = _seed(db)
    answers = [_book_express(client, zone.caller, request) for request in _requests(zone)]
    express = _written(db)

    assert all(answer is not None for answer in answers)
    assert len(express["crossing"]) == 3
    assert len(express["audit_entry"]) == 3 + 3  # three crossings, three cargo lines
    assert express == general
    # The answer is the crossing as stored.
    first = answers[0]
    assert first.state is CrossingState.booked
    assert [m.to_state for m in first.moves] == [CrossingState.booked]
    assert [str(line.value_usd) for line in first.cargo] == ["12000.00", "12000.00"]
    assert first.window_starts_at.hour == QUIET_HOUR_UTC


def _full_window(zone: Zone, client: TestClient, db: Database) -> BookingRequest:
    for vehicle in zone.vehicles[:2]:
        request = _requests(zone)[0].model_copy(update={"vehicle_id": vehicle})
        assert _book_express(client, zone.caller, request) is not None
    return _requests(zone)[0].model_copy(update={"vehicle_id": zone.vehicles[3]})


def _other_firms_truck(zone: Zone, client: TestClient, db: Database) -> BookingRequest:
    with db.write() as session:
        foreign = make_vehicle(session, session.get_one(Enterprise, zone.other.id))
    return _requests(zone)[0].model_copy(update={"vehicle_id": foreign.id})


def _truck_already_booked(zone: Zone, client: TestClient, db: Database) -> BookingRequest:
    first = _requests(zone)[0]
    assert _book_express(client, zone.caller, first) is not None
    window = zone.windows[(Direction.export, QUIET_HOUR_UTC + 1)]
    return first.model_copy(update={"window_id": window})


def _class_share_taken(zone: Zone, client: TestClient, db: Database) -> BookingRequest:
    empty = _requests(zone)[2]
    assert _book_express(client, zone.caller, empty) is not None
    return empty.model_copy(update={"vehicle_id": zone.vehicles[3]})


def _capped_at_peak(zone: Zone, client: TestClient, db: Database) -> BookingRequest:
    """One no-show in the rolling period is over the threshold once one booking counts."""
    with db.write() as session:
        policy(session).no_show_min_bookings = 1
        past = ensure_windows(
            session, zone.gate, Direction.export, DAY - timedelta(days=3), DAY - timedelta(days=3)
        )[0]
        session.add(
            Crossing(
                enterprise_id=zone.firm.id,
                vehicle_id=zone.vehicles[5],
                plate="12C-006.45",
                gate_id=zone.gate.id,
                direction=Direction.export,
                regime="export",
                priority_class_id=1,
                state=CrossingState.no_show,
                window_id=past.id,
                queued_at=NOW - timedelta(days=5),
            )
        )
        reckon_no_show_standings(session, NOW)
    ordinary = _requests(zone)[0]
    return ordinary.model_copy(update={"window_id": zone.windows[(Direction.export, 2)]})


def _window_passed(zone: Zone, client: TestClient, db: Database) -> BookingRequest:
    with db.write() as session:
        past = ensure_windows(
            session, zone.gate, Direction.export, DAY - timedelta(days=1), DAY - timedelta(days=1)
        )[0]
    return _requests(zone)[0].model_copy(update={"window_id": past.id})


def _foreign_driver(zone: Zone, client: TestClient, db: Database) -> BookingRequest:
    with db.write() as session:
        driver = make_driver(session, session.get_one(Enterprise, zone.other.id))
    return _requests(zone)[0].model_copy(update={"driver_id": driver.id})


def _other_firm_named(zone: Zone, client: TestClient, db: Database) -> BookingRequest:
    return _requests(zone)[0].model_copy(update={"enterprise_id": zone.other.id})


def _window_of_another_direction(zone: Zone, client: TestClient, db: Database) -> BookingRequest:
    window = zone.windows[(Direction.import_, QUIET_HOUR_UTC)]
    return _requests(zone)[0].model_copy(update={"window_id": window})


DECLINED: dict[str, tuple[Callable[[Zone, TestClient, Database], BookingRequest], str]] = {
    "full window": (_full_window, "window_full"),
    "another enterprise's truck": (_other_firms_truck, "not_found"),
    "truck already booked": (_truck_already_booked, "rule_open_bookings"),
    "class share taken": (_class_share_taken, "rule_class_share"),
    "capped enterprise at the peak": (_capped_at_peak, "rule_peak_share"),
    "window passed": (_window_passed, "window_not_bookable"),
    "another enterprise's driver": (_foreign_driver, "referenced_missing"),
    "another enterprise named": (_other_firm_named, "referenced_missing"),
    "window of the other direction": (_window_of_another_direction, "window_not_bookable"),
}


@pytest.mark.parametrize("case", list(DECLINED))
def test_express_declines_what_the_general_path_refuses(
    client: TestClient, db: Database, case: str
):
    arrange, code = DECLINED[case]
    zone = _seed(db)
    request = arrange(zone, client, db)
    before = _written(db)

    assert _book_express(client, zone.caller, request) is None
    assert _written(db) == before, "a declined express booking writes nothing"
    with pytest.raises(DomainError) as refused:
        _book_generally(db, zone, request)
    assert refused.value.code == code


def test_the_peak_cap_is_only_the_peak(client: TestClient, db: Database):
    """The capped enterprise of the case above still books a quiet window."""
    zone = _seed(db)
    peak = _capped_at_peak(zone, client, db)
    quiet = peak.model_copy(update={"window_id": zone.windows[(Direction.export, QUIET_HOUR_UTC)]})
    assert _book_express(client, zone.caller, quiet) is not None


def test_a_no_show_rate_at_the_threshold_books_the_peak(client: TestClient, db: Database):
    """The enterprise above, with a threshold of 100%: its rate of one no-show
    in one booking does not pass it, on the lane as on the general path."""
    zone = _seed(db)
    peak = _capped_at_peak(zone, client, db)
    with db.write() as session:
        policy(session).no_show_rate_threshold = Decimal(1)
    assert _book_express(client, zone.caller, peak) is not None


def test_staff_bookings_take_the_general_path(client: TestClient, db: Database):
    zone = _seed(db)
    officer = Caller(Role.gate_officer, None, zone.caller.token_hash)
    assert _book_express(client, officer, _requests(zone)[0]) is None


def test_a_good_tokens_caller_is_remembered_not_looked_up_again(client: TestClient, db: Database):
    """The second booking with a token does not ask the database who it is: a
    token revoked in between is still let in at the door (the booking itself
    then refuses it, below), while a lane that has not met it looks it up."""
    zone = _seed(db)
    lane = _express(client)
    token = zone.headers["Authorization"].removeprefix("Bearer ")
    assert client.portal.call(lane.caller, token, NOW) == zone.caller  # type: ignore[union-attr]
    with db.write() as session:
        session.execute(
            update(ApiToken)
            .where(ApiToken.token_hash == zone.caller.token_hash)
            .values(revoked_at=NOW)
        )
    assert client.portal.call(lane.caller, token, NOW) == zone.caller  # type: ignore[union-attr]
    newcomer = ExpressBooking(lane._dsn)
    try:
        assert client.portal.call(newcomer.caller, token, NOW) is None  # type: ignore[union-attr]
    finally:
        client.portal.call(newcomer.close)  # type: ignore[union-attr]


@pytest.mark.parametrize("lapse", ["revoked", "expired", "disabled"])
def test_the_lane_books_nothing_on_a_token_no_longer_good(
    client: TestClient, db: Database, lapse: str
):
    """The caller may be one remembered from before its token was revoked or
    expired, or its account disabled: the booking checks the token itself."""
    zone = _seed(db)
    with db.write() as session:
        if lapse == "disabled":
            session.get_one(User, zone.user_id).is_active = False
        else:
            token = session.scalars(
                select(ApiToken).where(ApiToken.token_hash == zone.caller.token_hash)
            ).one()
            if lapse == "revoked":
                token.revoked_at = NOW
            else:
                token.expires_at = NOW
    assert _book_express(client, zone.caller, _requests(zone)[0]) is None
    assert db.count(Crossing) == 0


def test_a_remembered_caller_whose_token_is_revoked_is_refused_over_http(
    client: TestClient, db: Database
):
    """The first booking lets the lane remember who the token belongs to; the
    token is revoked; the next booking is refused (401, the token revoked), and
    nothing is booked by either path."""
    zone = _seed(db)
    first, second = _requests(zone)[:2]
    sent_with = {"Content-Type": "application/json", **zone.headers}
    answer = client.post("/api/v1/crossings", content=_body(first), headers=sent_with)
    assert answer.status_code == 201, answer.text
    with db.write() as session:
        session.execute(
            update(ApiToken)
            .where(ApiToken.token_hash == zone.caller.token_hash)
            .values(revoked_at=utcnow())
        )
    answer = client.post("/api/v1/crossings", content=_body(second), headers=sent_with)
    assert answer.status_code == 401, answer.text
    assert answer.json()["code"] == "token_revoked"
    assert db.count(Crossing) == 1


def test_the_lanes_answer_is_the_crossing_as_read_back(client: TestClient, db: Database):
    """The lane writes its answer itself, not through FastAPI's response model:
    it must be what reading the crossing back answers, field for field."""
    zone = _seed(db)
    for request in _requests(zone):
        booked = client.post(
            "/api/v1/crossings",
            content=_body(request),
            headers={"Content-Type": "application/json", **zone.headers},
        )
        assert booked.status_code == 201, booked.text
        assert booked.headers["content-type"] == "application/json"
        read = client.get(f"/api/v1/crossings/{booked.json()['id']}", headers=zone.headers)
        assert booked.json() == read.json()


def _body(request: BookingRequest) -> str:
    return request.model_dump_json(exclude_none=True)


def test_a_booking_over_http_takes_the_lane_and_is_heard_live(
    client: TestClient, settings: Settings, people: People
):
    """Through the real app and server: the enterprise's booking of a named window
    is the express lane's, and a subscriber of its queue hears of it."""
    app = create_app(settings.model_copy(update={"live_heartbeat_seconds": 1}))
    db = Database(app.state.session_factory)
    with db.write() as session:
        policy(session)
        gate = make_open_gate(session)
        tomorrow = local_date(utcnow()) + timedelta(days=1)
        window = ensure_windows(session, gate, Direction.export, tomorrow, tomorrow)[12]
        vehicle = make_vehicle(session, session.get_one(Enterprise, people.own_enterprise.id))
        gate_id, window_id, vehicle_id = gate.id, window.id, vehicle.id
    with serve_in_thread(app) as port:
        lane: ExpressBooking = app.state.express
        taken: list[bool] = []
        book_in_lane = lane.book

        async def watched(*args: Any) -> Any:
            answer = await book_in_lane(*args)
            taken.append(answer is not None)
            return answer

        lane.book = watched  # type: ignore[method-assign]
        path = f"/api/v1/queue/stream?gate_id={gate_id}&direction=export"
        stream = Stream(port, path, people[Role.enterprise])
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
            body = {
                "vehicle_id": vehicle_id,
                "gate_id": gate_id,
                "direction": "export",
                "regime": "export",
                "window_id": window_id,
                "cargo": cargo(),
            }
            connection.request(
                "POST",
                "/api/v1/crossings",
                body=json.dumps(body),
                headers={"Content-Type": "application/json", **people[Role.enterprise]},
            )
            answer = connection.getresponse()
            assert answer.status == 201, answer.read()
            assert json.loads(answer.read())["window_id"] == window_id
            assert taken == [True]
            assert stream.next() == ("queue_changed", {"gate_id": gate_id, "direction": "export"})
        finally:
            stream.close()


def _cut_under_a_booking(
    client: TestClient, db: Database, lane: ExpressBooking, caller: Caller, request: BookingRequest
) -> Any:
    """What a server restart or a failover does to a booking on its way: the
    window's row is held elsewhere, so the booking waits on its lock inside its
    transaction; its connection is cut there, then the row let go. The lane's
    answer, or what it raised."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    waiting = "application_name = 'cuakhau-express' AND wait_event_type = 'Lock'"
    look = text(f"SELECT count(*) FROM pg_stat_activity WHERE {waiting}")
    with db.write() as holder:
        holder.execute(
            text("SELECT 1 FROM crossing_window WHERE id = :id FOR UPDATE"),
            {"id": request.window_id},
        )
        booking = client.portal.start_task_soon(lane.book, caller, request, NOW)  # type: ignore[union-attr]
        with engine.connect() as watcher:
            for _ in range(250):
                seen = watcher.scalar(look)
                # A transaction reads pg_stat_activity once: each look is a new one.
                watcher.rollback()
                if seen:
                    break
                time.sleep(0.02)
            cut = watcher.scalar(
                text(
                    f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE {waiting}"
                )
            )
    assert cut == 1, "the booking was waiting on the window's lock"
    return booking.exception(timeout=10) or booking.result()


def test_a_cut_connection_loses_no_booking_and_makes_none_twice(client: TestClient, db: Database):
    zone = _seed(db)
    lane = _express(client)
    first, second = (
        _requests(zone)[0].model_copy(
            update={
                "vehicle_id": zone.vehicles[n],
                "window_id": zone.windows[(Direction.export, hour)],
            }
        )
        for n, hour in enumerate((5, 6))
    )
    # Cut before its commit: nothing written, and the general path is left to book.
    assert _cut_under_a_booking(client, db, lane, zone.caller, first) is None
    assert db.count(Crossing) == 0
    assert db.scalar(select(CrossingWindow.booked).where(CrossingWindow.id == first.window_id)) == 0
    # The pool has replaced the cut connection.
    assert _book_express(client, zone.caller, second) is not None
    assert db.count(Crossing) == 1


def test_a_booking_neither_confirmed_nor_denied_is_not_made_again(client: TestClient, db: Database):
    """The connection is cut under the booking and the database cannot be asked
    whether it committed: the lane says so (503: check before asking again)
    rather than leave the general path to book a second time."""
    zone = _seed(db)
    lane = _express(client)
    # A lane like the app's, but its lookup aimed where nothing listens.
    unconfirmed = ExpressBooking(lane._dsn)
    unconfirmed._dsn = "postgresql://postgres@127.0.0.1:1/cuakhau"
    try:
        answer = _cut_under_a_booking(client, db, unconfirmed, zone.caller, _requests(zone)[0])
    finally:
        client.portal.call(unconfirmed.close)  # type: ignore[union-attr]
    assert isinstance(answer, DatabaseUnavailable)
    assert answer.status_code == 503
    assert db.count(Crossing) == 0


def test_after_a_failed_connection_the_booking_is_found_by_its_moment(
    client: TestClient, db: Database
):
    """When a connection fails around COMMIT, the crossing queued at the booking's
    own moment says whether it was made, and is the answer."""
    zone = _seed(db)
    request = _requests(zone)[1]
    answer = _book_express(client, zone.caller, request)
    params = booking_parameters(zone.caller, request, NOW)
    lane = _express(client)
    found = client.portal.call(lane.booked_at, params)  # type: ignore[union-attr]
    assert found is not None
    assert found["id"] == answer.id
    other = booking_parameters(zone.caller, request, NOW + timedelta(microseconds=1))
    assert client.portal.call(lane.booked_at, other) is None  # type: ignore[union-attr]


def test_every_booking_runs_on_the_one_generic_plan(client: TestClient, db: Database):
    """Planning BOOK costs PostgreSQL more than running it: each of the lane's
    connections plans the booking statement once, inside its booking function,
    and runs every booking on that generic plan. auto_explain shows each plan as
    it runs: a generic plan keeps the parameters ($1, ...), a custom plan made
    for one booking has its values written in."""
    zone = _seed(db)
    plans: list[str] = []

    async def book_explained() -> None:
        async with _express(client)._connections.lent() as connection:

            def heard(_connection: object, message: Any) -> None:
                plans.append(message.message)

            connection.add_log_listener(heard)
            await connection.execute(
                "LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0;"
                " SET auto_explain.log_nested_statements = on; SET client_min_messages = log"
            )
            for request in _requests(zone):
                params = booking_parameters(zone.caller, request, NOW)
                assert await connection.fetchrow(*BOOKING_CALL.bound(params)) is not None
            connection.remove_log_listener(heard)

    client.portal.call(book_explained)  # type: ignore[union-attr]
    booking_plans = [logged for logged in plans if "Query Text: WITH me AS" in logged]
    assert len(booking_plans) == 3
    for logged in booking_plans:
        plan = logged[logged.index("(cost=") :]
        assert re.search(r"= \$\d+", plan), plan


def test_connections_are_lent_in_the_order_they_were_asked_for(client: TestClient):
    """A newcomer asking the moment a connection comes back waits behind those
    already waiting: asyncpg's pool let it go first, and at 200 clients a few
    bookings waited over a second."""
    dsn = libpq_url(client.app.state.settings.database_url)  # type: ignore[attr-defined]

    async def served() -> list[str]:
        lane = ExpressBooking(dsn, size=1)
        order: list[str] = []

        async def ask(name: str) -> None:
            async with lane._connections.lent():
                order.append(name)

        try:
            async with lane._connections.lent():
                waiting = [asyncio.create_task(ask(name)) for name in ("a", "b", "c")]
                await asyncio.sleep(0.05)
            # The connection is back and "a" is woken, but has not yet run.
            waiting.append(asyncio.create_task(ask("newcomer")))
            await asyncio.gather(*waiting)
        finally:
            await lane.close()
        return order

    assert client.portal.call(served) == ["a", "b", "c", "newcomer"]  # type: ignore[union-attr]


def test_a_connection_whose_statement_failed_is_not_lent_again(client: TestClient):
    """A statement that breaks (here a cancelled one) may leave its connection
    mid-conversation: the next loan gets a new connection, ready to book."""
    dsn = libpq_url(client.app.state.settings.database_url)  # type: ignore[attr-defined]

    async def backends() -> list[int]:
        lane = ExpressBooking(dsn, size=1)
        try:
            async with lane._connections.lent() as connection:
                first = connection.get_server_pid()
            with pytest.raises(TimeoutError):
                async with lane._connections.lent() as connection:
                    await asyncio.wait_for(connection.execute("SELECT pg_sleep(5)"), 0.2)
            async with lane._connections.lent() as connection:
                made = await connection.fetchval(
                    "SELECT count(*) FROM pg_proc WHERE proname = 'cuakhau_book'"
                    " AND pronamespace = pg_my_temp_schema()"
                )
                return [first, connection.get_server_pid(), made]
        finally:
            await lane.close()

    first, then, made = client.portal.call(backends)  # type: ignore[union-attr]
    assert then != first
    assert made == 1


def test_a_connection_lent_when_the_lane_closes_is_closed_on_its_return(client: TestClient):
    dsn = libpq_url(client.app.state.settings.database_url)  # type: ignore[attr-defined]

    async def closed_on_return() -> bool:
        lane = ExpressBooking(dsn, size=1)
        async with lane._connections.lent() as connection:
            await lane.close()
            assert not connection.is_closed()
        return connection.is_closed()

    assert client.portal.call(closed_on_return)  # type: ignore[union-attr]
