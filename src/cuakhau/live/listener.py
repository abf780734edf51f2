"""PostgreSQL: one LISTEN connection per app process, fanning notifications out to
this process's subscribers; reconnects when the connection is lost."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import psycopg
from sqlalchemy.engine import make_url

from cuakhau.live.broadcast import CHANNEL, Broadcaster
from cuakhau.live.hub import EVERYTHING, Hub, QueueChange

log = logging.getLogger(__name__)

_MAX_RECONNECT_SECONDS = 30.0
_STARTUP_WAIT_SECONDS = 10.0


def libpq_url(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


async def listen(database_url: str, hub: Hub, ready: asyncio.Event) -> None:
    """Runs until cancelled; ``ready`` is set once the first LISTEN is in place."""
    conninfo = libpq_url(database_url)
    delay = 1.0
    first = True
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
                await conn.execute(f"LISTEN {CHANNEL}")
                ready.set()
                delay = 1.0
                if not first:
                    # Changes made while disconnected were not heard: everyone re-reads.
                    hub.publish(EVERYTHING)
                first = False
                async for notice in conn.notifies():
                    hub.publish(QueueChange.from_json(notice.payload))
        except (psycopg.Error, OSError) as error:
            log.warning(
                "live updates: LISTEN connection lost (%s); retrying in %.0f s", error, delay
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, _MAX_RECONNECT_SECONDS)


@asynccontextmanager
async def live_updates(
    database_url: str, hub: Hub, broadcaster: Broadcaster
) -> AsyncIterator[None]:
    """For the app's lifespan: the hub on this loop, and on PostgreSQL the LISTEN
    connection, in place before the first request is served, and the broadcaster."""
    hub.attach(asyncio.get_running_loop())
    tasks: list[asyncio.Task[None]] = []
    if make_url(database_url).get_backend_name() == "postgresql":
        ready = asyncio.Event()
        tasks.append(asyncio.create_task(broadcaster.run(libpq_url(database_url))))
        tasks.append(asyncio.create_task(listen(database_url, hub, ready)))
        try:
            await asyncio.wait_for(ready.wait(), timeout=_STARTUP_WAIT_SECONDS)
        except TimeoutError:
            log.warning("live updates: LISTEN not ready yet; streams start when it is")
    try:
        yield
    finally:
        hub.detach()
        for task in tasks:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
