"""/metrics: only for the monitoring system (a token or an allowed address), in
Prometheus's text format, with requests by route template, bookings and
refusals by rule, notices waiting, open plate-read alerts and job lag."""

import asyncio
import time
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from cuakhau.app import create_app
from cuakhau.core.clock import local_date, utcnow
from cuakhau.core.config import Settings
from cuakhau.core.periodic import INTERVAL, LAST_SUCCESS, every
from cuakhau.models import Notification
from cuakhau.models.enums import Role
from tests.conftest import Database, People
from tests.factories import cargo, make_gate, make_pattern, make_priority_classes, make_vehicle

TOKEN = "metrics-token-for-the-tests-0123456789"
SCRAPER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"metrics_token": SecretStr(TOKEN)})


def scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = client.get("/metrics", headers=SCRAPER)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_only_the_monitoring_system_reads_metrics(client: TestClient):
    refused = client.get("/metrics")
    assert refused.status_code == 403
    assert refused.json()["code"] == "metrics_forbidden"
    wrong = client.get("/metrics", headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 403
    assert client.get("/metrics", headers=SCRAPER).status_code == 200


@pytest.mark.parametrize(("address", "status"), [("10.9.1.2", 200), ("10.10.0.1", 403)])
def test_or_from_an_allowed_network(settings: Settings, address: str, status: int):
    allowed = Settings(
        **{**settings.model_dump(), "metrics_token": None, "metrics_networks": "10.9.0.0/16"}
    )
    client = TestClient(create_app(allowed), client=(address, 40000))
    assert client.get("/metrics").status_code == status
    client.app.state.engine.dispose()  # type: ignore[attr-defined]


def test_requests_are_counted_by_route_template(client: TestClient):
    before = scrape(client)
    statuses = {client.get(f"/api/v1/gates/{gate_id}").status_code for gate_id in (900001, 900002)}
    assert client.get("/no/such/page/4711").status_code == 404
    after = scrape(client)
    (status,) = statuses  # the same answer both times (no login)
    route = {"method": "GET", "route": "/api/v1/gates/{row_id}"}
    name = "cuakhau_http_requests_total"
    grown = value(after, name, **route, status=str(status)) - value(
        before, name, **route, status=str(status)
    )
    assert grown == 2
    assert value(after, "cuakhau_http_request_duration_seconds_count", **route) >= 2
    assert value(after, name, method="GET", route="unmatched", status="404") >= 1
    assert not any("900001" in str(key) or "4711" in str(key) for key in after)


def test_bookings_and_refusals_by_rule(client: TestClient, people: People, db: Database):
    with db.write() as session:
        make_priority_classes(session)
        gate = make_gate(session, holiday_calendars=[])
        make_pattern(session, gate, capacity=1, hours=range(24))
        vehicles = [make_vehicle(session, people.own_enterprise).id for _ in range(2)]
    day = local_date(utcnow()) + timedelta(days=1)
    window = client.get(
        f"/api/v1/gates/{gate.id}/windows?direction=export&from={day}&to={day}"
    ).json()[10]
    before = scrape(client)
    for vehicle_id in vehicles:
        client.post(
            "/api/v1/crossings",
            json={
                "vehicle_id": vehicle_id,
                "gate_id": gate.id,
                "direction": "export",
                "regime": "export",
                "cargo": cargo(),
                "window_id": window["id"],
            },
            headers=people[Role.enterprise],
        )
    after = scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("cuakhau_bookings_total", kind="booking", replayed="false") == 1
    assert grew("cuakhau_booking_refusals_total", kind="booking", code="window_full") == 1

    # The booking's notice waits for its webhook; the oldest one's age is shown.
    with db.write() as session:
        for notice in session.query(Notification):
            notice.created_at = utcnow() - timedelta(minutes=10)
    samples = scrape(client)
    assert value(samples, "cuakhau_notices_pending") == db.count(Notification) >= 1
    assert 600 <= value(samples, "cuakhau_notice_oldest_pending_age_seconds") < 3600


def test_open_plate_read_alerts(client: TestClient, people: People):
    before = value(scrape(client), "cuakhau_plate_alerts_open")
    read = {
        "read_id": "metrics-1",
        "plate": "99Z-999.99",  # no such truck: an alert for an officer
        "point": "yard_in",
        "read_at": utcnow().isoformat(),
        "confidence": 0.97,
    }
    posted = client.post("/api/v1/plate-reads", json={"reads": [read]}, headers=people[Role.camera])
    assert posted.status_code < 300, posted.text
    assert value(scrape(client), "cuakhau_plate_alerts_open") == before + 1


def test_background_jobs_last_run_and_lag(client: TestClient):
    async def one_pass() -> None:
        async with every(3600, lambda: None, "test job"):
            await asyncio.sleep(0)
        # The pass that ``every`` starts at once has ended by its exit.

    started = time.time()
    asyncio.run(one_pass())
    samples = scrape(client)
    last = value(samples, "cuakhau_job_last_success_timestamp_seconds", job="test job")
    assert last >= started
    assert value(samples, "cuakhau_job_lag_seconds", job="test job") == 0

    # A job whose last success is older than its interval is late by the difference.
    INTERVAL.labels("late job").set(60)
    LAST_SUCCESS.labels("late job").set(time.time() - 600)
    lag = value(scrape(client), "cuakhau_job_lag_seconds", job="late job")
    assert 540 <= lag < 600
