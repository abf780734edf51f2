"""/metrics in Prometheus's text format.

Counters kept by each server process (requests and latency by route template,
bookings and refusals by rule, background jobs' passes) are merged across the
processes of ``cuakhau serve --workers N`` through the files in
``PROMETHEUS_MULTIPROC_DIR``, which ``serve`` sets up. The zone's own state
(notices waiting for delivery, open plate-read alerts) is read from the
database at each scrape, so every process answers the same.
"""

import hmac
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from ipaddress import ip_address
from pathlib import Path

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.requests import Request

from cuakhau.core.config import Settings
from cuakhau.core.periodic import INTERVAL_METRIC, LAST_SUCCESS_METRIC
from cuakhau.models import Notification, PlateAlert

REQUESTS = Counter(
    "cuakhau_http_requests_total",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "cuakhau_http_request_duration_seconds",
    "Time to answer an HTTP request (to its last byte), by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
# A path that matched no route: raw paths would make a series per scanner's guess.
UNMATCHED = "unmatched"


def may_read(request: Request, settings: Settings) -> bool:
    """The metrics token, or a caller's address in the allowed networks."""
    if settings.metrics_token is not None:
        expected = f"Bearer {settings.metrics_token.get_secret_value()}"
        given = request.headers.get("authorization", "")
        if hmac.compare_digest(given.encode(), expected.encode()):
            return True
    try:
        address = ip_address(request.client.host if request.client else "")
    except ValueError:
        return False
    return any(address in network for network in settings.metrics_networks)


MULTIPROCESS_FOLDER = "PROMETHEUS_MULTIPROC_DIR"


@contextmanager
def shared_metrics_folder(workers: int) -> Iterator[None]:
    """The folder where the server's processes keep their metrics for /metrics
    to merge: the operator's ``PROMETHEUS_MULTIPROC_DIR``, emptied (a past
    run's counts must not add up with this one's), or for several workers a
    fresh one, removed afterwards. The worker processes, started after,
    inherit the variable; one process serving keeps its metrics in memory."""
    given = os.environ.get(MULTIPROCESS_FOLDER)
    if given:
        for stale in Path(given).glob("*.db"):
            stale.unlink()
    if given or workers == 1:
        yield
        return
    folder = tempfile.mkdtemp(prefix="cuakhau-metrics-")
    os.environ[MULTIPROCESS_FOLDER] = folder
    try:
        yield
    finally:
        del os.environ[MULTIPROCESS_FOLDER]
        shutil.rmtree(folder, ignore_errors=True)


def process_registry() -> CollectorRegistry:
    """This process's metrics, or every server process's when they share a folder."""
    if MULTIPROCESS_FOLDER in os.environ:
        merged = CollectorRegistry()
        MultiProcessCollector(merged)
        return merged
    return REGISTRY


class ZoneCollector(Collector):
    """What the zone's database says now, and how late each background job is."""

    def __init__(self, session: Session, now: datetime, jobs: Iterable[Metric]):
        self.session = session
        self.now = now
        self.jobs = list(jobs)

    def collect(self) -> Iterator[Metric]:
        pending, oldest = self.session.execute(
            select(func.count(), func.min(Notification.created_at)).where(
                Notification.delivered_at.is_(None)
            )
        ).one()
        yield GaugeMetricFamily(
            "cuakhau_notices_pending", "Notices not yet delivered to their webhook.", pending
        )
        age = (self.now - oldest).total_seconds() if oldest is not None else 0.0
        yield GaugeMetricFamily(
            "cuakhau_notice_oldest_pending_age_seconds",
            "Age of the oldest notice not yet delivered (0 when none waits).",
            max(age, 0.0),
        )
        alerts = self.session.scalar(
            select(func.count()).select_from(PlateAlert).where(PlateAlert.resolved_at.is_(None))
        )
        yield GaugeMetricFamily(
            "cuakhau_plate_alerts_open", "Plate-read alerts no officer has resolved yet.", alerts
        )
        yield self._job_lag()

    def _job_lag(self) -> Metric:
        """Seconds past when each job's next pass was due (0 while on time)."""
        values: dict[str, dict[str, float]] = {}
        for family in self.jobs:
            for sample in family.samples:
                if sample.name in (INTERVAL_METRIC, LAST_SUCCESS_METRIC):
                    values.setdefault(sample.labels["job"], {})[sample.name] = sample.value
        lag = GaugeMetricFamily(
            "cuakhau_job_lag_seconds",
            "How long past due a background job's next pass is, since its last success.",
            labels=["job"],
        )
        now = time.time()
        for job, known in sorted(values.items()):
            if LAST_SUCCESS_METRIC in known and INTERVAL_METRIC in known:
                late = now - known[LAST_SUCCESS_METRIC] - known[INTERVAL_METRIC]
                lag.add_metric([job], max(late, 0.0))
        return lag


def exposition(session: Session, now: datetime) -> bytes:
    processes = process_registry()
    zone = CollectorRegistry(auto_describe=False)
    zone.register(ZoneCollector(session, now, processes.collect()))
    return generate_latest(processes) + generate_latest(zone)
