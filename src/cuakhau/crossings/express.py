"""The express lane for the commonest booking, on PostgreSQL.

An enterprise books a named window for its own truck. At the rush (December
2021: thousands of trucks at once) this is nearly every request, so it is served
without the ORM and without the thread pool, on one of a few asyncpg connections, in
one round trip: the call of a function that takes two locks and runs one
statement, in the call's own transaction. Each connection makes the function
for itself when it opens, in ``pg_temp``: it lives and dies with the
connection, and its text stays here, not in a migration.

The two locks take the truck's row and the window's row, in the order the
general path (``booking.book``) takes them. The booking statement then starts
with a snapshot taken after both locks (each statement of a volatile function
takes its own), so the counts it reads (the truck's open bookings, the
window's holders) cannot change under it, and it writes only when
every rule of the general path holds: the caller's token, the truck, the driver,
the gate, the window's room and dates, the class's share of the window, and a
peak window's cap on an enterprise with too many no-shows.

Whatever the express lane does not accept in full (another role, "earliest", a
rule that refuses, an enterprise capped at the peak) it leaves
untouched, and the general path decides and explains. So the express lane books
only what the general path would book, and writes the same rows: a test books
the same requests both ways and compares them.
"""

import asyncio
import json
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import asyncpg
from cachetools import TTLCache
from pydantic import TypeAdapter
from sqlalchemy import Engine, text

from cuakhau.audit.recorder import plain_value
from cuakhau.capacity.calendar import ZONE_TZ
from cuakhau.core.config import ConfigurationError
from cuakhau.core.errors import DatabaseUnavailable
from cuakhau.core.security import hash_token
from cuakhau.crossings.reasons import Reason
from cuakhau.crossings.rules import POLICY_ID, cargo_match
from cuakhau.crossings.schemas import BookingRequest, CargoLineIn, CrossingDetail
from cuakhau.crossings.states import OPEN_STATES
from cuakhau.live.listener import libpq_url
from cuakhau.models.enums import CrossingState, NotificationEvent, Role

# How long a good token's caller is remembered, and how many are (see
# ``ExpressBooking.caller``).
CALLER_SECONDS = 30
KNOWN_CALLERS = 10_000

# Per server process, beside the app's own pool (15) and the live updates' two
# connections: four processes stay under PostgreSQL's default 100 connections.
# A few connections keep two cores busy; more only queue inside the server.
CONNECTIONS = 4

# JSON times in UTC, as Python writes them. Each statement is planned once per
# connection (the booking function's by PL/pgSQL, the others in asyncpg's
# statement cache): planning BOOK afresh cost PostgreSQL about a millisecond,
# more than running it, and left to itself the server kept re-planning it
# because its generic plan's estimate looks dearer; that plan reaches every row
# through an index (EXPLAIN on a filled database).
SESSION_SETTINGS = {"TimeZone": "UTC", "plan_cache_mode": "force_generic_plan"}
# Named, for whoever reads pg_stat_activity.
APPLICATION_NAME = "cuakhau-express"
_SERVER_SETTINGS = {**SESSION_SETTINGS, "application_name": APPLICATION_NAME}


def _connection_failed(error: Exception) -> bool:
    """Refused, cut, or closed by the server (a restart, a failover, an
    administrator). A plain InterfaceError is asyncpg's word for a connection it
    has seen close being used (a transaction ending on a cut connection); its
    subclasses are mistakes in the arguments, and are not caught."""
    failures = (
        OSError,
        asyncpg.PostgresConnectionError,
        asyncpg.exceptions.OperatorInterventionError,
    )
    return type(error) is asyncpg.InterfaceError or isinstance(error, failures)


# The truck first, then the window: the general path's order, so the two never
# wait for each other in a circle.
LOCK_TRUCK = """
SELECT 1 FROM vehicle WHERE id = %(vehicle_id)s AND enterprise_id = %(enterprise_id)s
FOR NO KEY UPDATE
"""
LOCK_WINDOW = "SELECT 1 FROM crossing_window WHERE id = %(window_id)s FOR NO KEY UPDATE"

# Every condition below is one of the general path's, in its words: see
# ``booking.book``, ``booking._Asking`` and ``rules``. A share cap compares in
# float8, as Python does; a no-show rate in numeric, as exactly as Python's
# Decimal. An enterprise capped at the peak goes to the general path, which
# counts its share of the window.
BOOK = """
WITH me AS (
  SELECT u.id AS user_id, u.username, u.enterprise_id
  FROM api_token AS t JOIN user_account AS u ON u.id = t.user_id
  WHERE t.token_hash = %(token_hash)s AND t.revoked_at IS NULL
    AND (t.expires_at IS NULL OR t.expires_at > %(now)s) AND u.is_active
    AND u.role = 'enterprise' AND u.enterprise_id = %(enterprise_id)s
), rules AS (
  SELECT * FROM booking_policy WHERE id = %(policy_id)s
), truck AS (
  SELECT v.id, v.plate, v.trailer_plate FROM vehicle AS v, me, rules
  WHERE v.id = %(vehicle_id)s AND v.enterprise_id = me.enterprise_id AND v.is_active
    AND (SELECT count(*) FROM crossing AS c
         WHERE c.vehicle_id = v.id AND c.state = ANY(%(open_states)s))
        < rules.max_open_bookings_per_vehicle
), driver_ok AS (
  SELECT %(driver_id)s::integer IS NULL OR EXISTS (
    SELECT 1 FROM driver AS d, me
    WHERE d.id = %(driver_id)s::integer AND d.enterprise_id = me.enterprise_id AND d.is_active
  ) AS ok
), gate_ok AS (
  SELECT g.id FROM gate AS g
  WHERE g.id = %(gate_id)s AND g.is_active
    AND CASE WHEN %(exporting)s THEN g.handles_export ELSE g.handles_import END
), priority AS (
  SELECT p.id, p.window_share FROM priority_class AS p
  WHERE p.match IN (%(wanted)s, 'other')
  ORDER BY p.match = %(wanted)s DESC
  LIMIT 1
), taken AS (
  UPDATE crossing_window AS w SET booked = w.booked + 1
  FROM me, rules, truck, driver_ok, gate_ok, priority
  WHERE w.id = %(window_id)s AND w.gate_id = gate_ok.id AND w.direction = %(direction)s
    AND w.booked < w.capacity AND driver_ok.ok
    AND w.starts_at > %(now)s
    AND w.starts_at <= %(now)s + make_interval(days => rules.booking_horizon_days + 1)
    AND (priority.window_share IS NULL OR (
      SELECT count(*) FROM crossing AS c
      WHERE c.window_id = w.id AND c.priority_class_id = priority.id
        AND c.state = ANY(%(open_states)s)
    ) < floor(w.capacity * priority.window_share::float8))
    AND NOT CASE
      WHEN (w.starts_at AT TIME ZONE %(zone)s)::time >= rules.peak_starts_at
       AND (w.starts_at AT TIME ZONE %(zone)s)::time < rules.peak_ends_at
      THEN coalesce((
        SELECT s.bookings >= rules.no_show_min_bookings
           AND s.no_shows > rules.no_show_rate_threshold * s.bookings
        FROM no_show_standing AS s WHERE s.enterprise_id = me.enterprise_id), false)
      ELSE false
    END
  RETURNING w.id, w.starts_at, w.ends_at
), booked AS (
  INSERT INTO crossing (
    enterprise_id, vehicle_id, plate, trailer_plate, driver_id, gate_id, direction, regime,
    priority_class_id, state, window_id, queued_at, is_walk_in, needs_quarantine, version,
    created_at, updated_at)
  SELECT me.enterprise_id, truck.id, truck.plate, truck.trailer_plate, %(driver_id)s::integer,
    %(gate_id)s, %(direction)s, %(regime)s, priority.id, 'booked', taken.id, %(now)s, false, false,
    1, %(now)s, %(now)s
  FROM me, truck, priority, taken
  RETURNING *
), lines AS (
  SELECT nextval(pg_get_serial_sequence('cargo_line', 'id')) AS id, l.*, e.line AS audit
  FROM booked, jsonb_array_elements(%(cargo)s::jsonb) AS e(line), jsonb_to_record(e.line) AS l(
    hs_code text, description text, packages integer, weight_kg integer,
    value_usd numeric, perishable boolean)
), cargo AS (
  INSERT INTO cargo_line (
    id, crossing_id, hs_code, description, packages, weight_kg, value_usd, perishable)
  SELECT lines.id, booked.id, hs_code, description, packages, weight_kg, value_usd, perishable
  FROM lines, booked
), moved AS (
  INSERT INTO crossing_move (
    crossing_id, from_state, to_state, at, actor_user_id, actor_label, reason, reason_code,
    reason_params)
  SELECT booked.id, NULL, 'booked', %(now)s, me.user_id, me.username, %(reason)s,
    %(reason_code)s, %(reason_params)s::json
  FROM booked, me
  RETURNING at, actor_label, reason, reason_code, reason_params
), told AS (
  INSERT INTO notification (
    enterprise_id, crossing_id, event, payload, created_at, attempts, next_attempt_at)
  SELECT booked.enterprise_id, booked.id, %(event)s,
    (%(payload)s::jsonb || jsonb_build_object(
      'crossing_id', booked.id, 'plate', booked.plate,
      'window_starts_at', to_jsonb(taken.starts_at), 'window_ends_at', to_jsonb(taken.ends_at)
    ))::json,
    %(now)s, 0, %(now)s
  FROM booked, taken
), audited AS (
  INSERT INTO audit_entry (at, actor_user_id, actor_label, action, entity, entity_id, before, after)
  SELECT %(now)s, me.user_id, me.username, 'create', 'crossing', booked.id::text, 'null'::json,
    (to_jsonb(booked) - 'created_at' - 'updated_at' - 'version' || %(plain)s::jsonb)::json
  FROM booked, me
  UNION ALL
  SELECT %(now)s, me.user_id, me.username, 'create', 'cargo_line', lines.id::text, 'null'::json,
    (jsonb_build_object('id', lines.id, 'crossing_id', booked.id) || lines.audit)::json
  FROM lines, booked, me
)
SELECT booked.*, taken.starts_at AS window_starts_at, taken.ends_at AS window_ends_at,
  moved.at AS moved_at, moved.actor_label, moved.reason, moved.reason_code,
  moved.reason_params
FROM booked, taken, moved
"""


# The answer BOOK gives, read again: the crossing of this truck, window and enterprise
# queued at the booking's own moment (``now``, to the microsecond).
_BOOKED_AT = """
SELECT c.*, w.starts_at AS window_starts_at, w.ends_at AS window_ends_at,
  m.at AS moved_at, m.actor_label, m.reason, m.reason_code, m.reason_params
FROM crossing AS c
JOIN crossing_window AS w ON w.id = c.window_id
JOIN crossing_move AS m ON m.crossing_id = c.id AND m.from_state IS NULL
WHERE c.vehicle_id = %(vehicle_id)s AND c.window_id = %(window_id)s
  AND c.enterprise_id = %(enterprise_id)s AND c.queued_at = %(now)s
"""

_BOOKED = Reason("booked")

_CALLER = """
SELECT u.role, u.enterprise_id
FROM api_token AS t JOIN user_account AS u ON u.id = t.user_id
WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)
  AND u.is_active
"""


@dataclass(frozen=True, slots=True)
class Caller:
    """Who asks to book: what the booking needs of the user behind the token,
    and the token's hash, which the booking checks again in its own transaction."""

    role: Role
    enterprise_id: int | None
    token_hash: str


class _Statement:
    """A statement written with named placeholders (``%(name)s``, which the
    benchmark's pgbench script is made from), sent with asyncpg's numbered ones."""

    def __init__(self, named: str) -> None:
        self.names: list[str] = []
        self.text = re.sub(r"%\((\w+)\)s", self._number, named)

    def _number(self, placeholder: re.Match[str]) -> str:
        name = placeholder.group(1)
        if name not in self.names:
            self.names.append(name)
        return f"${self.names.index(name) + 1}"

    def bound(self, params: Mapping[str, Any]) -> list[Any]:
        """The statement and its arguments, in the order of their numbers."""
        return [self.text, *(params[name] for name in self.names)]


def _perform(statement: str) -> str:
    """A lock statement as PL/pgSQL writes a SELECT whose rows it does not keep."""
    return "PERFORM " + statement.strip().removeprefix("SELECT ")


BOOKING_FUNCTION = "pg_temp.cuakhau_book"
# The function's body: its arguments are the booking's parameters, numbered in
# the order they first appear here, which is also the order of the call's. Its
# answer's columns (id, plate, ...) are variables too in PL/pgSQL; in the
# statements those names mean the tables' columns.
_BODY = _Statement(
    f"""#variable_conflict use_column
BEGIN
  {_perform(LOCK_TRUCK)};
  {_perform(LOCK_WINDOW)};
  RETURN QUERY {BOOK};
END"""
)
_BOOK, _FIND_BOOKED = _Statement(BOOK), _Statement(_BOOKED_AT)
BOOKING_CALL = _Statement(
    f"SELECT * FROM {BOOKING_FUNCTION}({', '.join(f'%({name})s' for name in _BODY.names)})"
)

_TYPE_NAMES = """
SELECT format_type(oid, NULL) FROM unnest($1::oid[]) WITH ORDINALITY AS t(oid, n) ORDER BY n
"""


async def _make_booking_function(connection: asyncpg.Connection) -> None:
    """The booking as one function of this connection, typed as PostgreSQL types
    the booking statement: its parameters and its answer's columns."""
    book = await connection.prepare(_BOOK.text)
    parameters = dict(zip(_BOOK.names, book.get_parameters(), strict=True))
    columns = book.get_attributes()
    oids = [parameters[name].oid for name in _BODY.names] + [c.type.oid for c in columns]
    types = [row[0] for row in await connection.fetch(_TYPE_NAMES, oids)]
    arguments = ", ".join(types[: len(_BODY.names)])
    answer = ", ".join(
        f'"{column.name}" {type_name}'
        for column, type_name in zip(columns, types[len(_BODY.names) :], strict=True)
    )
    await connection.execute(
        f"CREATE FUNCTION {BOOKING_FUNCTION}({arguments}) RETURNS TABLE ({answer})"
        f" LANGUAGE plpgsql AS $book$\n{_BODY.text}\n$book$"
    )


_MAY_MAKE_TEMPORARY = """
SELECT current_user, current_database(),
  has_database_privilege(current_user, current_database(), 'TEMPORARY')
"""


def ensure_booking_function_allowed(engine: Engine) -> None:
    """On PostgreSQL, the database user must be allowed temporary objects (the
    default), or no server process could open the lane: say so, and how to
    grant it, before serving."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as connection:
        user, database, allowed = connection.execute(text(_MAY_MAKE_TEMPORARY)).one()
    if not allowed:
        raise ConfigurationError(
            f"The database user {user} may not create temporary objects in {database}, and "
            "each server process makes its booking function there (crossings/express.py). "
            f'Grant it: GRANT TEMPORARY ON DATABASE "{database}" TO "{user}";'
        )


class _Connections:
    """The lane's few connections, lent in the order they were asked for. Each
    is made ready once (``_connect_ready``); one that fails, or whose statement
    fails, is dropped, and the next to borrow its place makes a new one.

    asyncpg's pool did this before, at a sixth of the lane's own CPU per
    booking (acquiring, releasing and resetting; py-spy), and let a newcomer
    take a connection released for someone already waiting: at 200 clients a
    few bookings waited over a second."""

    def __init__(self, dsn: str, size: int) -> None:
        self._dsn = dsn
        self._turns = asyncio.Semaphore(size)
        self._idle: list[asyncpg.Connection | None] = [None] * size
        self._closed = False

    async def open(self) -> None:
        """One connection ready before the first request, so that a database the
        lane cannot use stops the server at start-up."""
        async with self.lent():
            pass

    def lent(self) -> "_Lent":
        return _Lent(self)

    async def close(self) -> None:
        """The idle connections closed now; those lent out, when they come back."""
        self._closed = True
        ready = [connection for connection in self._idle if connection is not None]
        self._idle = [None] * len(self._idle)
        await asyncio.gather(*(connection.close() for connection in ready))


class _Lent:
    """One loan of a lane connection (``async with connections.lent() as c``)."""

    __slots__ = ("_connection", "_connections")

    def __init__(self, connections: _Connections) -> None:
        self._connections = connections
        self._connection: asyncpg.Connection | None = None

    async def __aenter__(self) -> asyncpg.Connection:
        connections = self._connections
        await connections._turns.acquire()
        connection = connections._idle.pop()
        try:
            if connection is None or connection.is_closed():
                connection = await _connect_ready(connections._dsn)
        except BaseException:
            connections._idle.append(None)
            connections._turns.release()
            raise
        self._connection = connection
        return connection

    async def __aexit__(self, kind: type[BaseException] | None, *_: object) -> None:
        connection = self._connection
        assert connection is not None
        # Whatever broke the statement (a cut, a cancellation) may have left the
        # connection mid-conversation: it is not lent again.
        dropped = kind is not None or self._connections._closed
        if dropped:
            connection.terminate()
        self._connections._idle.append(None if dropped else connection)
        self._connections._turns.release()


class ExpressBooking:
    """The express lane of one server process: its connections and its statements."""

    def __init__(self, dsn: str, size: int = CONNECTIONS) -> None:
        self._connections = _Connections(dsn, size)
        self._dsn = dsn
        # Good tokens' callers, remembered a little while: an enterprise books
        # truck after truck with one token, and asking the database each time
        # cost a round trip per booking.
        self._callers: TTLCache[str, Caller] = TTLCache(KNOWN_CALLERS, CALLER_SECONDS)

    async def open(self) -> None:
        await self._connections.open()

    async def close(self) -> None:
        await self._connections.close()

    async def caller(self, token: str, now: datetime) -> Caller | None:
        """The user behind a good token; None for any other (``accounts.service.
        resolve_token`` then says what is wrong with it), and when the lane's
        connection has failed: the question is only asked again elsewhere.

        A caller found in the last ``CALLER_SECONDS`` is not looked up again. Its
        token may have been revoked since, or its account disabled: the booking
        checks the token in its own transaction (``BOOK``, and the general path
        too) and books nothing for it. Only the first answer, who may ask at
        all, can be that old."""
        token_hash = hash_token(token)
        known = self._callers.get(token_hash)
        if known is not None:
            return known
        try:
            async with self._connections.lent() as connection:
                row = await connection.fetchrow(_CALLER, token_hash, now)
        except Exception as error:
            if not _connection_failed(error):
                raise
            return None
        if row is None:
            return None
        caller = Caller(Role[row["role"]], row["enterprise_id"], token_hash)
        self._callers[token_hash] = caller
        return caller

    async def book(
        self, caller: Caller, request: BookingRequest, now: datetime
    ) -> CrossingDetail | None:
        """The booked crossing, or None when the general path must decide."""
        if (
            caller.role is not Role.enterprise
            or request.enterprise_id not in (None, caller.enterprise_id)
            or request.window_id is None
        ):
            return None
        params = booking_parameters(caller, request, now)
        try:
            async with self._connections.lent() as connection:
                row = await connection.fetchrow(*BOOKING_CALL.bound(params))
        except Exception as error:
            if not _connection_failed(error):
                raise
            # The connection failed under the booking (the lane replaces it): the
            # booking was committed or it was not, and the truck's crossing queued
            # at this very moment says which. Without it, the general path books.
            row = await self.booked_at(params)
        return None if row is None else _detail(dict(row), request)

    async def booked_at(self, params: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """The crossing these booking parameters made, if they made one; on a
        connection of its own, as the lane's may all have failed at once. When
        the database cannot be asked either, nobody can tell: the caller hears
        so, and no second booking is made in the dark."""
        try:
            connection = await _connect(self._dsn)
            try:
                return await connection.fetchrow(*_FIND_BOOKED.bound(params))
            finally:
                await connection.close()
        except Exception as error:
            if not _connection_failed(error):
                raise
            raise DatabaseUnavailable() from error


@cache
def _alike() -> dict[str, Any]:
    """The parameters every booking gives alike."""
    return {
        "policy_id": POLICY_ID,
        "open_states": [state.name for state in OPEN_STATES],
        "zone": ZONE_TZ.key,
        "reason": _BOOKED.say("en"),
        "reason_code": _BOOKED.code,
        "reason_params": json.dumps(dict(_BOOKED.params)),
        "event": NotificationEvent.booking_confirmed.name,
    }


_CARGO = TypeAdapter(list[CargoLineIn])


def booking_parameters(caller: Caller, request: BookingRequest, now: datetime) -> dict[str, Any]:
    match = cargo_match([line.perishable for line in request.cargo])
    return {
        **_alike(),
        "token_hash": caller.token_hash,
        "enterprise_id": caller.enterprise_id,
        "vehicle_id": request.vehicle_id,
        "driver_id": request.driver_id,
        "gate_id": request.gate_id,
        "window_id": request.window_id,
        # Enumerations are stored by name, and written to JSON by value.
        "direction": request.direction.name,
        "regime": request.regime.name,
        "exporting": request.direction.name == "export",
        "wanted": match.name,
        "now": now,
        "payload": json.dumps(
            {
                "event": NotificationEvent.booking_confirmed.value,
                "gate_id": request.gate_id,
                "direction": request.direction.value,
                "state": CrossingState.booked.value,
            }
        ),
        "plain": json.dumps(
            {
                "direction": request.direction.value,
                "regime": request.regime.value,
                "state": CrossingState.booked.value,
                "queued_at": plain_value(now),
            }
        ),
        # Each line as the audit entry shows its values (the value as a string).
        "cargo": _CARGO.dump_json(request.cargo).decode(),
    }


def _detail(row: dict[str, Any], request: BookingRequest) -> CrossingDetail:
    return CrossingDetail.model_validate(
        {
            **row,
            "direction": request.direction,
            "regime": request.regime,
            "state": CrossingState.booked,
            "cargo": [line.model_dump() for line in request.cargo],
            "moves": [
                {
                    "from_state": None,
                    "to_state": CrossingState.booked,
                    "at": row["moved_at"],
                    "actor_label": row["actor_label"],
                    "reason": row["reason"],
                    "reason_code": row["reason_code"],
                    "reason_params": row["reason_params"],
                }
            ],
        }
    )


async def _decode_json(connection: asyncpg.Connection) -> None:
    # json columns (a move's reason_params, a hold's grounds) as Python values,
    # as the general path reads them; the booking's JSON arguments are already text.
    await connection.set_type_codec("json", encoder=str, decoder=json.loads, schema="pg_catalog")


async def _connect(dsn: str) -> asyncpg.Connection:
    connection = await asyncpg.connect(dsn, server_settings=_SERVER_SETTINGS)
    await _decode_json(connection)
    return connection


async def _connect_ready(dsn: str) -> asyncpg.Connection:
    """A connection of the lane's: JSON decoded, the booking function made."""
    connection = await _connect(dsn)
    try:
        await _make_booking_function(connection)
    except BaseException:
        connection.terminate()
        raise
    return connection


@asynccontextmanager
async def express_booking(database_url: str) -> AsyncIterator[ExpressBooking]:
    """For the app's lifespan on PostgreSQL: the lane, a connection open before
    the first request."""
    lane = ExpressBooking(libpq_url(database_url))
    await lane.open()
    try:
        yield lane
    finally:
        await lane.close()
