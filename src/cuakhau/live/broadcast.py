"""PostgreSQL: telling every server process about committed queue changes.

A ``pg_notify`` inside a booking's transaction would make its commit wait on the
server's one notification lock, so every booking in the zone would commit in
single file. Instead, the server process collects the changes its transactions
have committed and sends them on a connection of its own, coalesced over a short
beat. A change is only a hint to read the queue again, so a beat of delay costs
nothing; a process that dies before sending loses hints, never data, and the
next change of that queue corrects every page.
"""

import asyncio
import logging
import threading
from collections.abc import Iterable

import psycopg

from cuakhau.live.hub import QueueChange

log = logging.getLogger(__name__)

CHANNEL = "cuakhau_queue"
# How long changes are gathered before one round of notifications goes out.
BEAT_SECONDS = 0.05
_MAX_RECONNECT_SECONDS = 30.0


class Broadcaster:
    """``announce`` may be called from any thread; ``run`` sends, on the event loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # In commit order, each change once: a dict is an ordered set.
        self._pending: dict[QueueChange, None] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    @property
    def running(self) -> bool:
        return self._loop is not None

    def announce(self, changes: Iterable[QueueChange]) -> None:
        loop, wake = self._loop, self._wake
        if loop is None or wake is None:
            return
        with self._lock:
            self._pending.update(dict.fromkeys(changes))
        loop.call_soon_threadsafe(wake.set)

    def _take(self) -> list[QueueChange]:
        with self._lock:
            batch, self._pending = self._pending, {}
        return list(batch)

    async def _send(self, conn: psycopg.AsyncConnection) -> None:
        batch = self._take()
        try:
            for change in batch:
                await conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, change.to_json()))
        except BaseException:
            # Sent again once the connection is back (a repeated hint is harmless).
            with self._lock:
                self._pending = {**dict.fromkeys(batch), **self._pending}
            raise

    async def run(self, conninfo: str) -> None:
        """Until cancelled. Attached at once, so that changes committed while the
        connection is being (re)made wait for it rather than being dropped."""
        self._loop = asyncio.get_running_loop()
        self._wake = wake = asyncio.Event()
        delay = 1.0
        try:
            while True:
                try:
                    async with await psycopg.AsyncConnection.connect(
                        conninfo, autocommit=True
                    ) as conn:
                        delay = 1.0
                        while True:
                            await wake.wait()
                            wake.clear()
                            await asyncio.sleep(BEAT_SECONDS)
                            await self._send(conn)
                except (psycopg.Error, OSError) as error:
                    log.warning(
                        "live updates: NOTIFY connection lost (%s); retrying in %.0f s",
                        error,
                        delay,
                    )
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, _MAX_RECONNECT_SECONDS)
                    wake.set()
        finally:
            self._loop = self._wake = None
