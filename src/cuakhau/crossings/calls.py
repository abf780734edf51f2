"""The booking's functions called from the event loop, on PostgreSQL.

The booking API's requests run ``booking.place`` through a session in a
thread like any other handler, less than a third as fast: the thread hop, the
session, a transaction opened and committed around the function's one call.
Here the same function (``Procedure.function_name``) is called with the same
arguments (``Procedure.arguments``) on a connection of asyncpg's pool, as a
statement of its own (its own transaction): one round trip. Its outputs mean
what ``booking.outcome`` says, as on every other path.
"""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from cuakhau.core.actor import Actor
from cuakhau.core.database import session_scope
from cuakhau.core.procedure import Procedure
from cuakhau.crossings.booking import Caller, Placed, inputs_for, outcome, place, procedure
from cuakhau.crossings.rules import Kind, NotReady, WindowFull
from cuakhau.crossings.schemas import BookingRequest, WalkInRequest
from cuakhau.live.listener import libpq_url


async def _keep(_connection: asyncpg.Connection) -> None:
    """A connection needs no reset between calls: a call leaves no session state
    (its settings are the function's own). asyncpg's reset is a round trip."""


class FunctionCalls:
    """One server process's connections for the booking's function calls."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._statements: dict[str, str] = {}

    async def run(self, procedure: Procedure, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The procedure's outputs, from one call of its function."""
        statement = self._statements.get(procedure.name)
        if statement is None:
            numbered = ", ".join(f"${n}" for n in range(1, len(procedure.inputs) + 1))
            statement = f"SELECT * FROM {procedure.function_name()}({numbered})"
            self._statements[procedure.name] = statement
        async with self._pool.acquire() as connection:
            row = await connection.fetchrow(statement, *procedure.arguments(inputs))
        return dict(zip(procedure.outputs, row, strict=True))


@asynccontextmanager
async def function_calls(database_url: str, size: int) -> AsyncIterator[FunctionCalls]:
    """For the app's lifespan on PostgreSQL: ``size`` connections, made before
    the first request, closed after the last."""
    pool = await asyncpg.create_pool(
        libpq_url(database_url),
        min_size=size,
        max_size=size,
        reset=_keep,
        server_settings={"application_name": "cuakhau-booking"},
    )
    try:
        yield FunctionCalls(pool)
    finally:
        await pool.close()


async def place_now(
    calls: FunctionCalls,
    factory: sessionmaker[Session],
    kind: Kind,
    caller: Caller,
    request: BookingRequest | WalkInRequest,
    now: datetime,
    *,
    idempotency_key: str | None = None,
) -> Placed:
    """``booking.place`` from the event loop: one call of the function; when its
    answer needs the database again (windows to make first, a full window's
    next free ones), the whole request goes to ``booking.place`` in a session,
    which asks again (a refusal wrote nothing)."""
    inputs = inputs_for(kind, caller, request, now, idempotency_key)
    outputs = await calls.run(procedure(kind), inputs)
    try:
        return outcome(kind, request, inputs, outputs)
    except (NotReady, WindowFull):
        return await run_in_threadpool(
            _in_session, factory, kind, caller, request, now, idempotency_key
        )


def _in_session(
    factory: sessionmaker[Session],
    kind: Kind,
    caller: Caller,
    request: BookingRequest | WalkInRequest,
    now: datetime,
    idempotency_key: str | None,
) -> Placed:
    with session_scope(factory, Actor(label=caller.label)) as session:
        return place(session, kind, caller, request, now, idempotency_key=idempotency_key)
