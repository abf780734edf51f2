"""Webhook delivery to a real local receiver, on both databases."""

import hashlib
import hmac
import json
import random
import threading
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.core.clock import utcnow
from cuakhau.core.database import session_scope
from cuakhau.models import DeliveryAttempt, Enterprise, Notification
from cuakhau.models.enums import Role
from cuakhau.notifications.delivery import (
    LEASE,
    MAX_RETRY_SECONDS,
    WORKER,
    claim_due,
    deliver_due,
    record,
    retry_delay,
    send_all,
)
from tests.conftest import TEST_SECRET, Database, People
from tests.factories import make_booking, make_open_gate
from tests.fees.test_fees import BOOKED_AT
from tests.notifications.conftest import Receiver


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


def test_retried_with_growing_backoff_until_it_lands_then_never_again(
    client: TestClient,
    db: Database,
    people: People,
    receiver: Receiver,
    session_factory: sessionmaker[Session],
):
    receiver.statuses = [500, 500, 500, 204]
    hook_up(db, people.own_enterprise, receiver.url)
    (notification_id,) = notify(db, people.own_enterprise)
    rng = random.Random(7)
    now = utcnow()
    delays = []
    for _ in range(4):
        report = deliver_due(session_factory, TEST_SECRET, now=now, rng=rng)
        assert report.sent == 1
        due = db.scalar(
            select(Notification.next_attempt_at).where(Notification.id == notification_id)
        )
        delays.append(due - now)
        now = due
    # Delivered on the fourth attempt; later passes send nothing more.
    assert deliver_due(session_factory, TEST_SECRET, now=now + timedelta(days=1)).sent == 0
    assert receiver.ids() == [notification_id] * 4
    notification = db.scalar(select(Notification).where(Notification.id == notification_id))
    assert notification.delivered_at is not None
    assert notification.attempts == 4
    assert notification.last_error is None
    assert delays[0] <= delays[1] <= delays[2]
    assert delays[2] > delays[0]

    detail = client.get(
        f"/api/v1/notifications/{notification_id}", headers=people[Role.enterprise]
    ).json()
    assert [a["status_code"] for a in detail["delivery_attempts"]] == [500, 500, 500, 204]
    assert detail["delivery_attempts"][0]["error"].startswith("HTTP 500")
    assert all(a["url"] == receiver.url for a in detail["delivery_attempts"])

    # The documented recipe: HMAC-SHA256(key, timestamp + "." + raw body), hex.
    key = client.get("/api/v1/notifications/signing-key", headers=people[Role.enterprise])
    assert key.json()["enterprise_id"] == people.own_enterprise.id
    for headers, body in receiver.requests:
        signed = f"{headers['X-Cuakhau-Timestamp']}.".encode() + body
        expected = hmac.new(key.json()["key"].encode(), signed, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["X-Cuakhau-Signature"], f"sha256={expected}")
        assert json.loads(body)["event"] == "booking_confirmed"
    # Another enterprise's key does not verify it.
    other = client.get(
        f"/api/v1/notifications/signing-key?enterprise_id={people.other_enterprise.id}",
        headers=people[Role.admin],
    ).json()["key"]
    headers, body = receiver.requests[-1]
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
    session_factory: sessionmaker[Session],
):
    hook_up(db, people.own_enterprise, receiver.url)
    (notification_id,) = notify(db, people.own_enterprise)
    now = utcnow()
    with session_scope(session_factory, WORKER) as session:
        batch = claim_due(session, now)
    outcomes = send_all(batch, TEST_SECRET, timeout=5)
    assert [o.status_code for o in outcomes] == [204]
    # The process dies before its record is committed.
    session = session_factory()
    record(session, batch[0], outcomes[0], now, random.Random())
    session.rollback()
    session.close()
    assert db.scalar(select(Notification.delivered_at)) is None
    # Nobody else takes it while the lease runs; after it, it goes again.
    assert deliver_due(session_factory, TEST_SECRET, now=now + LEASE / 2).sent == 0
    report = deliver_due(session_factory, TEST_SECRET, now=now + LEASE)
    assert (report.sent, report.delivered) == (1, 1)
    assert receiver.ids() == [notification_id, notification_id]
    assert db.count(DeliveryAttempt) == 1
    assert db.scalar(select(Notification.delivered_at)) is not None


def test_concurrent_workers_never_claim_the_same_notification(
    client: TestClient, db: Database, people: People, session_factory: sessionmaker[Session]
):
    hook_up(db, people.own_enterprise, "http://127.0.0.1:9/unused")
    expected = notify(db, people.own_enterprise, count=30)
    now = utcnow()
    claimed: list[int] = []
    start = threading.Barrier(4)

    def worker() -> None:
        start.wait()
        while True:
            with session_scope(session_factory, WORKER) as session:
                batch = claim_due(session, now, limit=3)
            if not batch:
                return
            claimed.extend(outgoing.notification_id for outgoing in batch)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == expected


def test_without_a_webhook_notifications_wait_and_are_readable(
    client: TestClient, db: Database, people: People, session_factory: sessionmaker[Session]
):
    own = notify(db, people.own_enterprise, count=2)
    other = notify(db, people.other_enterprise)
    assert deliver_due(session_factory, TEST_SECRET).sent == 0
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
    receiver: Receiver,
    session_factory: sessionmaker[Session],
    status: int,
):
    receiver.statuses = [status]
    hook_up(db, people.own_enterprise, receiver.url)
    notify(db, people.own_enterprise)
    report = deliver_due(session_factory, TEST_SECRET)
    assert (report.sent, report.delivered) == (1, 0)
    attempt = db.scalar(select(DeliveryAttempt))
    assert attempt.status_code == status
