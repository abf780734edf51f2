"""Delivering the outbox by signed webhooks, at least once, whatever crashes,
with no receiver holding back another enterprise's notices.

Each enterprise's webhook is an *endpoint*, served one notice at a time and in
the order the notices were written. An endpoint is ready when its oldest
undelivered notice (its head) is due. A pass (1) in a short transaction claims
ready endpoints, as many as this process has idle senders, each with up to
``PER_ENDPOINT`` of its oldest notices, by pushing their ``next_attempt_at`` a
lease ahead (``FOR UPDATE SKIP LOCKED`` on the heads on PostgreSQL, so app
processes never claim the same endpoint; SQLite's BEGIN IMMEDIATE serialises
the claims). While its head is leased an endpoint is busy: no pass, in this
process or another, picks up its next notices. (2) Each claimed endpoint gets a
sender thread of its own, which POSTs its notices one after another and
(3) records each outcome in a short transaction of its own: a 2xx marks the
notice delivered; anything else ends the endpoint's turn and puts its next
attempt off by a back-off that doubles with the head's failed attempts (10 s
up to an hour) - the endpoint's circuit is open. When the back-off has passed
the head alone is tried (half-open); only if it lands do the notices behind it
follow (closed again). A sender whose endpoint's notices all landed claims the
endpoint's next ones itself, without waiting for the next pass.

A pass never waits for the senders, so a receiver that accepts and never
answers holds one sender for the timeout and then its own endpoint's back-off,
and nothing of anyone else's. A process that dies between sending and
recording leaves the lease to run out: the notice is sent again; a process
that stops hands back at once what it claimed and has not sent. Receivers
de-duplicate on the ``id`` in the body (also the ``X-Cuakhau-Delivery`` header).
"""

import json
import logging
import random
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.client import HTTPConnection, HTTPException, HTTPSConnection

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from cuakhau import __version__
from cuakhau.core.actor import Actor
from cuakhau.core.clock import Clock, utcnow
from cuakhau.core.config import Settings
from cuakhau.core.database import session_scope
from cuakhau.crossings.driver_link import path_for
from cuakhau.models import Crossing, DeliveryAttempt, Enterprise, Notification
from cuakhau.models.enums import NotificationEvent
from cuakhau.notifications.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    enterprise_key,
    signature,
)
from cuakhau.notifications.webhook_url import (
    RefusedUrl,
    Target,
    Unresolved,
    WebhookPolicy,
    target_of,
)

log = logging.getLogger(__name__)

WORKER = Actor(label="webhook-delivery")
# Endpoints one process sends to at once: a hanging receiver takes one of them.
SENDERS = 16
# Notices one claim takes of an endpoint; a sender claims the next ones itself.
PER_ENDPOINT = 10
# Longer than a claim's sends can take (PER_ENDPOINT rounds of connect, send
# and answer, each bounded by the timeout), so a live sender never loses it.
LEASE_TIMEOUTS = 3 * PER_ENDPOINT
FIRST_RETRY_SECONDS = 10.0
MAX_RETRY_SECONDS = 3600.0
_TEXT_LIMIT = 500
# What the enterprise is told of an attempt that got no HTTP answer: not the
# socket's error, which would make the delivery log a port scanner.
NO_ANSWER = "no HTTP answer"


@dataclass(frozen=True)
class Outgoing:
    notification_id: int
    enterprise_id: int
    event: str
    url: str
    body: bytes


@dataclass(frozen=True)
class Claim:
    """One endpoint's oldest undelivered notices, leased to one sender."""

    enterprise_id: int
    notices: list[Outgoing]


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

    def __add__(self, other: "PassReport") -> "PassReport":
        return PassReport(self.sent + other.sent, self.delivered + other.delivered)


def body_of(notification: Notification, driver_path: str | None = None) -> bytes:
    document = {
        "id": notification.id,
        "created_at": notification.created_at.isoformat(),
        **notification.payload,
    }
    if driver_path is not None:
        document["driver_path"] = driver_path
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def driver_path_of(session: Session, notification: Notification, secret_key: str) -> str | None:
    """A booking's notice carries the driver's link (signed, derived, not stored:
    the booking procedure writes the notice in SQL, which holds no secret)."""
    if notification.event is not NotificationEvent.booking_confirmed:
        return None
    crossing = session.get(Crossing, notification.crossing_id)
    return path_for(crossing, secret_key) if crossing is not None else None


def lease_of(timeout: float) -> timedelta:
    return timedelta(seconds=LEASE_TIMEOUTS * timeout)


def claim_due(
    session: Session,
    now: datetime,
    lease: timedelta,
    *,
    secret_key: str,
    endpoints: int = SENDERS,
    enterprise_id: int | None = None,
) -> list[Claim]:
    """Take up to ``endpoints`` ready endpoints (or only ``enterprise_id``'s), the
    longest waiting first; ``secret_key`` signs the driver's links the notices
    carry. Enterprises without a webhook URL are skipped, not retried: their
    notices stay readable through the API and go out if a URL is set later."""
    if endpoints <= 0:
        return []
    # Each endpoint's head, read from the undelivered notices only (the due
    # index), never from an enterprise's whole history.
    heads = (
        select(Notification.enterprise_id, func.min(Notification.id).label("head_id"))
        .join(Enterprise, Enterprise.id == Notification.enterprise_id)
        .where(Notification.delivered_at.is_(None), Enterprise.webhook_url.is_not(None))
        .group_by(Notification.enterprise_id)
    )
    if enterprise_id is not None:
        heads = heads.where(Notification.enterprise_id == enterprise_id)
    head = heads.subquery()
    stmt = (
        select(Notification.enterprise_id, Notification.id, Enterprise.webhook_url)
        .join(head, head.c.head_id == Notification.id)
        .join(Enterprise, Enterprise.id == Notification.enterprise_id)
        # Checked again on the row's newest version when it was locked meanwhile.
        .where(Notification.delivered_at.is_(None), Notification.next_attempt_at <= now)
        .order_by(Notification.next_attempt_at, Notification.id)
        .limit(endpoints)
        .with_for_update(of=Notification, skip_locked=True)
    )
    claims = []
    for owner, head_id, url in session.execute(stmt).all():
        notices = session.scalars(
            select(Notification)
            .where(
                Notification.enterprise_id == owner,
                Notification.delivered_at.is_(None),
                Notification.id >= head_id,
            )
            .order_by(Notification.id)
            .limit(PER_ENDPOINT)
        ).all()
        for notification in notices:
            notification.next_attempt_at = now + lease
        claims.append(
            Claim(
                owner,
                [
                    Outgoing(
                        n.id,
                        owner,
                        n.event.value,
                        url,
                        body_of(n, driver_path_of(session, n, secret_key)),
                    )
                    for n in notices
                ],
            )
        )
    session.flush()
    return claims


class _PinnedConnection(HTTPConnection):
    """HTTP to the address that was checked, whatever the name resolves to now."""

    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedTlsConnection(HTTPSConnection):
    """HTTPS to the address that was checked; the certificate is checked for the
    URL's host name."""

    def __init__(self, target: Target, timeout: float):
        self.tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self.tls)
        self.address = target.address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)


def post(target: Target, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST ``body``; the answer's status (its body is not read: a receiver
    cannot make the sender wait on it or hold it in memory). A redirect is an
    answer like any other, not followed: the POST would be replayed elsewhere."""
    kind = _PinnedTlsConnection if target.scheme == "https" else _PinnedConnection
    connection = kind(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def send(outgoing: Outgoing, secret_key: str, timeout: float, policy: WebhookPolicy) -> Outcome:
    """One attempt. The outcome says what the enterprise may know: the HTTP
    status, or that there was none; the reason goes to the server's log."""
    timestamp = int(time.time())
    key = enterprise_key(secret_key, outgoing.enterprise_id)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"cuakhau/{__version__}",
        "X-Cuakhau-Event": outgoing.event,
        "X-Cuakhau-Delivery": str(outgoing.notification_id),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(key, timestamp, outgoing.body),
    }
    started = time.monotonic()
    status: int | None = None
    error: str | None = None
    try:
        status = post(target_of(outgoing.url, policy), outgoing.body, headers, timeout)
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except RefusedUrl as refused:
        error = f"refused: {refused.code}"
    except (Unresolved, OSError, HTTPException, ValueError) as failed:
        log.info(
            "webhook %s to enterprise %s got no answer: %r",
            outgoing.notification_id,
            outgoing.enterprise_id,
            failed,
        )
        error = NO_ANSWER
    duration_ms = round((time.monotonic() - started) * 1000)
    return Outcome(status, error, duration_ms)


def retry_delay(attempts: int, rng: random.Random) -> timedelta:
    """Doubling from FIRST_RETRY_SECONDS up to MAX_RETRY_SECONDS, each drawn from
    its upper half so receivers coming back up are not hit all at once."""
    ceiling = min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), MAX_RETRY_SECONDS)
    return timedelta(seconds=ceiling * (0.5 + rng.random() / 2))


def record(
    session: Session, outgoing: Outgoing, outcome: Outcome, now: datetime, rng: random.Random
) -> None:
    """Log the attempt; on a failure, put off the endpoint's turn: every notice
    of the enterprise not yet delivered waits for the back-off."""
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
            retry_at = now + retry_delay(notification.attempts, rng)
            notification.last_error = outcome.error
            session.execute(
                update(Notification)
                .where(
                    Notification.enterprise_id == outgoing.enterprise_id,
                    Notification.delivered_at.is_(None),
                )
                .values(next_attempt_at=retry_at)
                .execution_options(synchronize_session=False)
            )
            notification.next_attempt_at = retry_at
    session.flush()


class DeliveryPool:
    """The senders of one process: ``run_pass`` claims ready endpoints for the
    idle ones and returns at once; ``deliver_due`` also waits for them (the
    command line and the tests). ``clock`` tells the moment of each claim and
    record, so tests can drive the back-off without waiting for it."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        secret_key: str,
        policy: WebhookPolicy,
        *,
        timeout: float = 10.0,
        clock: Clock = utcnow,
        rng: random.Random | None = None,
        senders: int = SENDERS,
    ):
        self.factory = factory
        self.secret_key = secret_key
        self.policy = policy
        self.timeout = timeout
        self.clock = clock
        self.rng = rng or random.Random()
        self.senders = senders
        self._executor = ThreadPoolExecutor(senders, thread_name_prefix="webhook")
        self._running: set[Future[PassReport]] = set()
        self._lock = threading.Lock()
        # Set by ``close``: no more claims, and the senders hand theirs back.
        self.stopping = threading.Event()

    @classmethod
    def of(
        cls, factory: sessionmaker[Session], settings: Settings, clock: Clock = utcnow
    ) -> "DeliveryPool":
        return cls(
            factory,
            settings.resolved_secret_key,
            WebhookPolicy.of(settings),
            timeout=settings.webhook_timeout_seconds,
            clock=clock,
        )

    def run_pass(self) -> list[Future[PassReport]]:
        """Claim ready endpoints for the idle senders and start them."""
        with self._lock:
            self._running = {future for future in self._running if not future.done()}
            idle = self.senders - len(self._running)
        if idle <= 0 or self.stopping.is_set():
            return []
        with session_scope(self.factory, WORKER) as session:
            claims = claim_due(
                session,
                self.clock(),
                lease_of(self.timeout),
                secret_key=self.secret_key,
                endpoints=idle,
            )
        started = [self._executor.submit(self._serve, claim) for claim in claims]
        with self._lock:
            self._running.update(started)
        return started

    def deliver_due(self) -> PassReport:
        """One pass, waiting for the endpoints it started."""
        report = PassReport(0, 0)
        for future in self.run_pass():
            report += future.result()
        return report

    def wait(self, timeout: float | None = None) -> None:
        """Wait for every sender at work (at most ``timeout`` seconds)."""
        with self._lock:
            running = set(self._running)
        wait(running, timeout=timeout)

    def close(self) -> None:
        """Let the senders finish the notice in hand and hand the rest of their
        claims back; claim nothing more."""
        self.stopping.set()
        self._executor.shutdown(wait=True)

    def _serve(self, claim: Claim) -> PassReport:
        """Send an endpoint's notices in order, until one fails or none is due."""
        report = PassReport(0, 0)
        try:
            while True:
                report += self._send_in_order(claim.notices)
                if report.sent > report.delivered or self.stopping.is_set():
                    break
                with session_scope(self.factory, WORKER) as session:
                    more = claim_due(
                        session,
                        self.clock(),
                        lease_of(self.timeout),
                        secret_key=self.secret_key,
                        endpoints=1,
                        enterprise_id=claim.enterprise_id,
                    )
                if not more:
                    break
                (claim,) = more
        except Exception:
            # Its lease runs out and another pass takes the endpoint up again.
            log.exception("webhook delivery to enterprise %s failed", claim.enterprise_id)
        return report

    def _send_in_order(self, notices: list[Outgoing]) -> PassReport:
        for sent, outgoing in enumerate(notices, start=1):
            if self.stopping.is_set():
                # Stopping: the rest go back at once rather than after the lease.
                self._hand_back(notices[sent - 1 :])
                return PassReport(sent - 1, sent - 1)
            outcome = send(outgoing, self.secret_key, self.timeout, self.policy)
            with session_scope(self.factory, WORKER) as session:
                record(session, outgoing, outcome, self.clock(), self.rng)
            if not outcome.delivered:
                return PassReport(sent, sent - 1)
        return PassReport(len(notices), len(notices))

    def _hand_back(self, notices: list[Outgoing]) -> None:
        with session_scope(self.factory, WORKER) as session:
            session.execute(
                update(Notification)
                .where(Notification.id.in_([n.notification_id for n in notices]))
                .values(next_attempt_at=self.clock())
            )


@contextmanager
def delivery_pool(
    factory: sessionmaker[Session], settings: Settings, clock: Clock = utcnow
) -> Iterator[DeliveryPool]:
    """The app's senders for its lifespan (``pool.run_pass`` is the periodic job)."""
    pool = DeliveryPool.of(factory, settings, clock)
    try:
        yield pool
    finally:
        pool.close()
