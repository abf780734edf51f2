"""The booking's functions called from the event loop, on PostgreSQL.

The booking API's requests run ``booking.place`` through a session in a
thread like any other handler, less than a third as fast: the thread hop, the
session, a transaction opened and committed around the function's one call.
Here the same function (``Procedure.function_name``) is called with the same
arguments (``Procedure.arguments``) on an asyncpg connection, as a statement of
its own (its own transaction): one round trip. Its outputs mean
what ``booking.outcome`` says, as on every other path.
"""

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from cuakhau.core.actor import Actor
from cuakhau.core.database import session_scope
from cuakhau.core.errors import DomainError
from cuakhau.core.procedure import Procedure
from cuakhau.crossings import metrics
from cuakhau.crossings.booking import Caller, Placed, inputs_for, outcome, place, procedure
from cuakhau.crossings.rules import Kind, NotReady, WindowFull
from cuakhau.crossings.schemas import BookingRequest, WalkInRequest
from cuakhau.live.listener import libpq_url


class FunctionCalls:
    """One server process's few connections for the booking's function calls.
    asyncpg's pool cost each call about as much CPU again as the call itself
    (its acquire and release: 290-355 against 150-170 µs per call, measured in
    one process), so the calls take turns on a semaphore (first come, first
    served) and the connection last put back (still warm). A connection whose
    call failed (a cut, a cancelled request) may be mid-conversation, and is
    dropped; the next to take its place connects anew."""

    def __init__(self, dsn: str, size: int) -> None:
        self._dsn = dsn
        self._turns = asyncio.Semaphore(size)
        self._idle: list[asyncpg.Connection | None] = [None] * size
        self._closed = False
        self._statements: dict[str, str] = {}

    async def open(self) -> None:
        """One connection made before the first request: a database the calls
        cannot use stops the server at start-up."""
        self._idle[-1] = await self._connect()

    async def close(self) -> None:
        """The idle connections closed; one still lent out is dropped on return."""
        self._closed = True
        idle, self._idle = self._idle, []
        await asyncio.gather(*(c.close() for c in idle if c is not None))

    async def run(self, procedure: Procedure, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The procedure's outputs, from one call of its function."""
        statement = self._statements.get(procedure.name)
        if statement is None:
            numbered = ", ".join(f"${n}" for n in range(1, len(procedure.inputs) + 1))
            statement = f"SELECT * FROM {procedure.function_name()}({numbered})"
            self._statements[procedure.name] = statement
        async with self._turns:
            connection = self._idle.pop()
            try:
                if connection is None or connection.is_closed():
                    connection = await self._connect()
                row = await connection.fetchrow(statement, *procedure.arguments(inputs))
            except BaseException:
                if connection is not None:
                    connection.terminate()
                self._idle.append(None)
                raise
            if self._closed:
                connection.terminate()
            else:
                self._idle.append(connection)
        return dict(zip(procedure.outputs, row, strict=True))

    async def _connect(self) -> asyncpg.Connection:
        return await asyncpg.connect(
            self._dsn, server_settings={"application_name": "cuakhau-booking"}
        )


@asynccontextmanager
async def function_calls(database_url: str, size: int) -> AsyncIterator[FunctionCalls]:
    """For the app's lifespan on PostgreSQL: at most ``size`` connections, the
    first made before the first request, all closed after the last."""
    calls = FunctionCalls(libpq_url(database_url), size)
    await calls.open()
    try:
        yield calls
    finally:
        await calls.close()


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
        answer = outcome(kind, request, inputs, outputs)
    except (NotReady, WindowFull):
        # Counted by ``booking.place``, which gives the final answer.
        return await run_in_threadpool(
            _in_session, factory, kind, caller, request, now, idempotency_key
        )
    except DomainError as refusal:
        metrics.refused(kind.value, refusal)
        raise
    return metrics.placed(kind.value, answer)


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
