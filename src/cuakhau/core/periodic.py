"""Background jobs inside each app process: a blocking job run in a thread every
``interval`` seconds for the app's lifespan. Jobs must be safe to run in several
processes at once (conditional updates, row locks), since every process runs them."""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress

from prometheus_client import Gauge

log = logging.getLogger(__name__)

# Across processes the freshest pass counts (max): the job is one zone-wide duty.
LAST_SUCCESS_METRIC = "cuakhau_job_last_success_timestamp_seconds"
INTERVAL_METRIC = "cuakhau_job_interval_seconds"
LAST_SUCCESS = Gauge(
    LAST_SUCCESS_METRIC,
    "When a background job's last pass ended without error (Unix time).",
    ["job"],
    multiprocess_mode="max",
)
INTERVAL = Gauge(
    INTERVAL_METRIC,
    "How often a background job runs.",
    ["job"],
    multiprocess_mode="max",
)


@asynccontextmanager
async def every(interval: float, job: Callable[[], object], name: str) -> AsyncIterator[None]:
    """Run ``job`` now and then every ``interval`` seconds (0 or less: never).
    On shutdown the running pass finishes first: a thread cannot be cancelled."""
    if interval <= 0:
        yield
        return
    stop = asyncio.Event()
    INTERVAL.labels(name).set(interval)

    async def loop() -> None:
        while not stop.is_set():
            try:
                await asyncio.to_thread(job)
            except Exception:
                log.exception("%s failed; next pass in %s s", name, interval)
            else:
                LAST_SUCCESS.labels(name).set(time.time())
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        stop.set()
        await task
