"""Delivering the outbox by signed webhooks, at least once, whatever crashes.

One pass: (1) in a short transaction, claim the due notifications of
enterprises that have a webhook URL, by pushing their ``next_attempt_at`` a
lease ahead (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so app processes never
claim the same row; SQLite's BEGIN IMMEDIATE serialises the claims); (2) POST
them outside any transaction; (3) in another short transaction, log every
attempt and mark a notification delivered only after a 2xx, or schedule its
retry with exponential backoff and jitter. A process that dies between (2) and
(3) leaves the claim to expire: the notification is sent again after the lease.
Receivers de-duplicate on the ``id`` in the body.
"""

import json
import random
import time
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.error import HTTPError, URLError

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cuakhau import __version__
from cuakhau.core.actor import Actor
from cuakhau.core.clock import utcnow
from cuakhau.core.config import Settings
from cuakhau.core.database import session_scope
from cuakhau.models import DeliveryAttempt, Enterprise, Notification
from cuakhau.notifications.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    enterprise_key,
    signature,
)

WORKER = Actor(label="webhook-delivery")
BATCH = 50
SENDERS = 8
# Longer than a whole batch can take (BATCH / SENDERS rounds of the timeout).
LEASE = timedelta(minutes=5)
FIRST_RETRY_SECONDS = 10.0
MAX_RETRY_SECONDS = 3600.0
_TEXT_LIMIT = 500


@dataclass(frozen=True)
class Outgoing:
    notification_id: int
    enterprise_id: int
    event: str
    url: str
    body: bytes


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class PassReport:
    sent: int
    delivered: int


def body_of(notification: Notification) -> bytes:
    document = {
        "id": notification.id,
        "created_at": notification.created_at.isoformat(),
        **notification.payload,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def claim_due(session: Session, now: datetime, limit: int = BATCH) -> list[Outgoing]:
    """Take up to ``limit`` due notifications for this process for one lease.
    Enterprises without a webhook URL are skipped, not retried: their notices
    stay readable through the API and go out if a URL is set later."""
    stmt = (
        select(Notification, Enterprise.webhook_url)
        .join(Enterprise, Enterprise.id == Notification.enterprise_id)
        .where(
            Notification.delivered_at.is_(None),
            Notification.next_attempt_at <= now,
            Enterprise.webhook_url.is_not(None),
        )
        .order_by(Notification.next_attempt_at, Notification.id)
        .limit(limit)
        .with_for_update(of=Notification, skip_locked=True)
    )
    claimed = []
    for notification, url in session.execute(stmt):
        notification.next_attempt_at = now + LEASE
        claimed.append(
            Outgoing(
                notification.id,
                notification.enterprise_id,
                notification.event.value,
                url,
                body_of(notification),
            )
        )
    session.flush()
    return claimed


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect is not a delivery: the POST would be replayed as a GET elsewhere.
    def redirect_request(self, *_args: object, **_kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def send(outgoing: Outgoing, secret_key: str, timeout: float) -> Outcome:
    timestamp = int(time.time())
    key = enterprise_key(secret_key, outgoing.enterprise_id)
    request = urllib.request.Request(
        outgoing.url,
        data=outgoing.body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": f"cuakhau/{__version__}",
            "X-Cuakhau-Event": outgoing.event,
            "X-Cuakhau-Delivery": str(outgoing.notification_id),
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: signature(key, timestamp, outgoing.body),
        },
    )
    started = time.monotonic()
    status: int | None = None
    error: str | None = None
    try:
        with _opener.open(request, timeout=timeout) as response:
            status = response.status
    except HTTPError as refused:
        status, error = refused.code, f"HTTP {refused.code} {refused.reason}"
        refused.close()
    except (URLError, OSError, ValueError) as failed:
        error = str(getattr(failed, "reason", failed))
    duration_ms = round((time.monotonic() - started) * 1000)
    return Outcome(status, error and error[:_TEXT_LIMIT], duration_ms)


def retry_delay(attempts: int, rng: random.Random) -> timedelta:
    """Doubling from FIRST_RETRY_SECONDS up to MAX_RETRY_SECONDS, each drawn from
    its upper half so receivers coming back up are not hit all at once."""
    ceiling = min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), MAX_RETRY_SECONDS)
    return timedelta(seconds=ceiling * (0.5 + rng.random() / 2))


def record(
    session: Session, outgoing: Outgoing, outcome: Outcome, now: datetime, rng: random.Random
) -> None:
    notification = session.get_one(Notification, outgoing.notification_id)
    session.add(
        DeliveryAttempt(
            notification_id=notification.id,
            at=now,
            url=outgoing.url[:_TEXT_LIMIT],
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
    )
    notification.attempts += 1
    # Already delivered by a pass that took over after this one's lease ran out.
    if notification.delivered_at is None:
        if outcome.delivered:
            notification.delivered_at = now
            notification.last_error = None
        else:
            notification.next_attempt_at = now + retry_delay(notification.attempts, rng)
            notification.last_error = outcome.error
    session.flush()


def send_all(batch: Sequence[Outgoing], secret_key: str, timeout: float) -> list[Outcome]:
    if not batch:
        return []
    with ThreadPoolExecutor(max_workers=min(SENDERS, len(batch))) as pool:
        return list(pool.map(lambda outgoing: send(outgoing, secret_key, timeout), batch))


def deliver_due(
    factory: sessionmaker[Session],
    secret_key: str,
    *,
    timeout: float = 10.0,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> PassReport:
    """One pass of claim, send, record (see the module's docstring)."""
    now = now or utcnow()
    with session_scope(factory, WORKER) as session:
        batch = claim_due(session, now)
    outcomes = send_all(batch, secret_key, timeout)
    with session_scope(factory, WORKER) as session:
        for outgoing, outcome in zip(batch, outcomes, strict=True):
            record(session, outgoing, outcome, now, rng or random.Random())
    return PassReport(sent=len(batch), delivered=sum(o.delivered for o in outcomes))


def delivery_job(factory: sessionmaker[Session], settings: Settings) -> Callable[[], object]:
    """One delivery pass, for ``core.periodic.every`` in the app's lifespan."""

    def run() -> None:
        deliver_due(factory, settings.resolved_secret_key, timeout=settings.webhook_timeout_seconds)

    return run
