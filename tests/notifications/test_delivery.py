"""Webhook delivery to real local receivers, on both databases."""

import hashlib
import hmac
import json
import random
import socket
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.app import create_app
from cuakhau.core.config import Settings
from cuakhau.core.database import session_scope
from cuakhau.models import DeliveryAttempt, Enterprise, Notification
from cuakhau.models.enums import Role
from cuakhau.notifications.delivery import (
    MAX_RETRY_SECONDS,
    NO_ANSWER,
    WORKER,
    DeliveryPool,
    claim_due,
    lease_of,
    record,
    retry_delay,
    send,
)
from tests.conftest import TEST_SECRET, Database, People
from tests.factories import make_booking, make_enterprise, make_open_gate
from tests.fees.test_fees import BOOKED_AT
from tests.notifications.conftest import LOCAL, TIMEOUT, Clock, Receiver


def notify(db: Database, enterprise: Enterprise, count: int = 1) -> list[int]:
    """Bookings of ``enterprise``; each writes a booking_confirmed notification."""
    with db.write() as session:
        gate = make_open_gate(session)
        for _ in range(count):
            make_booking(session, enterprise, gate, now=BOOKED_AT)
    return db.scalars(
        select(Notification.id)
        .where(Notification.enterprise_id == enterprise.id)
        .order_by(Notification.id)
    )


def hook_up(db: Database, enterprise: Enterprise, url: str) -> None:
    with db.write() as session:
        session.get_one(Enterprise, enterprise.id).webhook_url = url


def due_at(db: Database, ids: list[int]) -> list[object]:
    return [
        db.scalar(select(Notification.next_attempt_at).where(Notification.id == i)) for i in ids
    ]


def test_an_endpoint_is_backed_off_then_tried_alone_then_its_notices_follow_in_order(
    client: TestClient,
    db: Database,
    people: People,
    receivers: Callable[..., Receiver],
    pool: DeliveryPool,
    clock: Clock,
):
    failing = receivers([500, 500, 500, 204])
    hook_up(db, people.own_enterprise, failing.url)
    head, *behind = notify(db, people.own_enterprise, count=3)
    delays = []
    for _ in range(3):
        report = pool.deliver_due()
        # The circuit opens on a failure: the notices behind wait with the head.
        assert (report.sent, report.delivered) == (1, 0)
        (due, *waiting) = due_at(db, [head, *behind])
        assert waiting == [due, due]
        delays.append(due - clock.now)
        # Not before the back-off has passed...
        clock.now = due - (due - clock.now) / 2
        assert pool.deliver_due().sent == 0
        # ...and then the head alone (half-open).
        clock.now = due
    report = pool.deliver_due()
    # The head lands, the circuit closes and the rest go in the same turn, in order.
    assert (report.sent, report.delivered) == (3, 3)
    assert failing.ids() == [head] * 4 + behind
    assert delays[0] <= delays[1] <= delays[2]
    assert delays[2] > delays[0]
    assert db.count(Notification, Notification.delivered_at.is_(None)) == 0
    notification = db.scalar(select(Notification).where(Notification.id == head))
    assert notification.attempts == 4
    assert notification.last_error is None
    # Later passes send nothing more.
    clock.advance(timedelta(days=1))
    assert pool.deliver_due().sent == 0

    detail = client.get(f"/api/v1/notifications/{head}", headers=people[Role.enterprise]).json()
    assert [a["status_code"] for a in detail["delivery_attempts"]] == [500, 500, 500, 204]
    assert [a["error"] for a in detail["delivery_attempts"]] == ["HTTP 500"] * 3 + [None]
    assert all(a["url"] == failing.url for a in detail["delivery_attempts"])

    # The documented recipe: HMAC-SHA256(key, timestamp + "." + raw body), hex.
    key = client.get("/api/v1/notifications/signing-key", headers=people[Role.enterprise])
    assert key.json()["enterprise_id"] == people.own_enterprise.id
    for headers, body in failing.requests:
        signed = f"{headers['X-Cuakhau-Timestamp']}.".encode() + body
        expected = hmac.new(key.json()["key"].encode(), signed, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["X-Cuakhau-Signature"], f"sha256={expected}")
        assert json.loads(body)["event"] == "booking_confirmed"
        # The id to de-duplicate on, in the body and in a header.
        assert headers["X-Cuakhau-Delivery"] == str(json.loads(body)["id"])
    # Another enterprise's key does not verify it.
    other = client.get(
        f"/api/v1/notifications/signing-key?enterprise_id={people.other_enterprise.id}",
        headers=people[Role.admin],
    ).json()["key"]
    headers, body = failing.requests[-1]
    forged = hmac.new(
        other.encode(), f"{headers['X-Cuakhau-Timestamp']}.".encode() + body, hashlib.sha256
    )
    assert headers["X-Cuakhau-Signature"] != f"sha256={forged.hexdigest()}"


def test_backoff_is_capped():
    rng = random.Random(1)
    assert all(
        MAX_RETRY_SECONDS / 2 <= retry_delay(attempts, rng).total_seconds() <= MAX_RETRY_SECONDS
        for attempts in range(12, 40)
    )


def test_a_crash_between_sending_and_recording_sends_it_again(
    client: TestClient,
    db: Database,
    people: People,
    receiver: Receiver,
    pool: DeliveryPool,
    clock: Clock,
    session_factory: sessionmaker[Session],
):
    hook_up(db, people.own_enterprise, receiver.url)
    (notification_id,) = notify(db, people.own_enterprise)
    lease = lease_of(TIMEOUT)
    with session_scope(session_factory, WORKER) as session:
        (claim,) = claim_due(session, clock.now, lease, secret_key=TEST_SECRET)
    (outgoing,) = claim.notices
    outcome = send(outgoing, TEST_SECRET, TIMEOUT, LOCAL)
    assert outcome.status_code == 204
    # The process dies before its record is committed.
    session = session_factory()
    record(session, outgoing, outcome, clock.now, random.Random())
    session.rollback()
    session.close()
    assert db.scalar(select(Notification.delivered_at)) is None
    # Nobody else takes the endpoint while the lease runs; after it, it goes again.
    clock.advance(lease / 2)
    assert pool.deliver_due().sent == 0
    clock.advance(lease / 2)
    report = pool.deliver_due()
    assert (report.sent, report.delivered) == (1, 1)
    assert receiver.ids() == [notification_id, notification_id]
    assert db.count(DeliveryAttempt) == 1
    assert db.scalar(select(Notification.delivered_at)) is not None


def test_concurrent_workers_never_claim_the_same_endpoint_or_notification(
    client: TestClient, db: Database, people: People, session_factory: sessionmaker[Session]
):
    with db.write() as session:
        companies = [make_enterprise(session, roles=["exporter"]) for _ in range(6)]
    expected: dict[int, list[int]] = {}
    for company in companies:
        hook_up(db, company, "http://127.0.0.1:9/unused")
        expected[company.id] = notify(db, company, count=5)
    claimed: list[tuple[int, list[int]]] = []
    start = threading.Barrier(4)

    def worker() -> None:
        start.wait()
        while True:
            with session_scope(session_factory, WORKER) as session:
                claims = claim_due(
                    session, BOOKED_AT, lease_of(TIMEOUT), secret_key=TEST_SECRET, endpoints=2
                )
            if not claims:
                return
            claimed.extend(
                (c.enterprise_id, [n.notification_id for n in c.notices]) for c in claims
            )

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Each endpoint once, with all its notices, oldest first.
    assert sorted(claimed) == sorted(expected.items())


def test_without_a_webhook_notifications_wait_and_are_readable(
    client: TestClient, db: Database, people: People, pool: DeliveryPool
):
    own = notify(db, people.own_enterprise, count=2)
    other = notify(db, people.other_enterprise)
    assert pool.deliver_due().sent == 0
    assert db.count(Notification, Notification.attempts > 0) == 0

    enterprise = people[Role.enterprise]
    mine = client.get("/api/v1/notifications?delivered=false", headers=enterprise).json()
    assert sorted(n["id"] for n in mine["items"]) == own
    assert all(n["payload"]["event"] == "booking_confirmed" for n in mine["items"])
    hidden = client.get(f"/api/v1/notifications/{other[0]}", headers=enterprise)
    assert hidden.status_code == 404
    staff = client.get("/api/v1/notifications", headers=people[Role.gate_officer]).json()
    assert staff["total"] == 3


@pytest.mark.parametrize("status", [302, 404])
def test_a_redirect_or_client_error_is_not_a_delivery(
    client: TestClient,
    db: Database,
    people: People,
    receivers: Callable[..., Receiver],
    pool: DeliveryPool,
    status: int,
):
    receiver = receivers([status])
    hook_up(db, people.own_enterprise, receiver.url)
    notify(db, people.own_enterprise)
    report = pool.deliver_due()
    assert (report.sent, report.delivered) == (1, 0)
    attempt = db.scalar(select(DeliveryAttempt))
    assert attempt.status_code == status
    assert attempt.error == f"HTTP {status}"


def test_the_log_tells_the_enterprise_only_that_no_answer_came(
    client: TestClient, db: Database, people: People, pool: DeliveryPool
):
    # A port nobody listens on: the socket's error would say so.
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    hook_up(db, people.own_enterprise, f"http://127.0.0.1:{port}/hook")
    (notification_id,) = notify(db, people.own_enterprise)
    assert pool.deliver_due().delivered == 0
    detail = client.get(
        f"/api/v1/notifications/{notification_id}", headers=people[Role.enterprise]
    ).json()
    assert detail["last_error"] == NO_ANSWER
    ((attempt),) = detail["delivery_attempts"]
    assert (attempt["status_code"], attempt["error"]) == (None, NO_ANSWER)


def test_the_app_delivers_in_the_background(
    client: TestClient, db: Database, people: People, settings: Settings, receiver: Receiver
):
    hook_up(db, people.own_enterprise, receiver.url)
    ids = notify(db, people.own_enterprise, count=3)
    working = settings.model_copy(
        update={
            "background_jobs": True,
            "webhook_interval_seconds": 0.1,
            "webhook_allowed_hosts": ("127.0.0.1",),
        }
    )
    with TestClient(create_app(working, clock=lambda: BOOKED_AT)):
        receiver.wait_for(len(ids))
    assert receiver.ids() == ids
