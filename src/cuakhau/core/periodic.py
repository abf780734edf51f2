"""Background jobs inside each app process: a blocking job run in a thread every
``interval`` seconds for the app's lifespan. Jobs must be safe to run in several
processes at once (conditional updates, row locks), since every process runs them."""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress

log = logging.getLogger(__name__)


@asynccontextmanager
async def every(interval: float, job: Callable[[], object], name: str) -> AsyncIterator[None]:
    """Run ``job`` now and then every ``interval`` seconds (0 or less: never).
    On shutdown the running pass finishes first: a thread cannot be cancelled."""
    if interval <= 0:
        yield
        return
    stop = asyncio.Event()

    async def loop() -> None:
        while not stop.is_set():
            try:
                await asyncio.to_thread(job)
            except Exception:
                log.exception("%s failed; next pass in %s s", name, interval)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        stop.set()
        await task
