"""A receiver that accepts and never answers holds back only its own
enterprise's notices, on both databases."""

import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, wait
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.models import Notification
from cuakhau.notifications.delivery import PER_ENDPOINT, DeliveryPool, PassReport, lease_of
from tests.conftest import TEST_SECRET, Database, People
from tests.notifications.conftest import LOCAL, TIMEOUT, Clock, Receiver
from tests.notifications.test_delivery import due_at, hook_up, notify


def undelivered(db: Database, ids: list[int]) -> int:
    return db.count(Notification, Notification.id.in_(ids), Notification.delivered_at.is_(None))


def test_a_hanging_receiver_holds_back_only_its_own_enterprise(
    client: TestClient,
    db: Database,
    people: People,
    receivers: Callable[..., Receiver],
    pool: DeliveryPool,
    clock: Clock,
):
    hanging = receivers([503], hanging=True)
    good = receivers()
    hook_up(db, people.own_enterprise, hanging.url)
    hook_up(db, people.other_enterprise, good.url)
    # The hanging receiver's notices are the older ones, more than a whole
    # batch of the delivery before (the 50 oldest, whoever they were for).
    stuck = notify(db, people.own_enterprise, count=60)
    others = notify(db, people.other_enterprise, count=20)

    started = pool.run_pass()
    assert len(started) == 2
    # The other enterprise's sender is done (the bound only ends a broken
    # test): every one of its notices landed, in order, while the first notice
    # to the hanging receiver is still unanswered.
    (done,), _ = wait(started, timeout=60, return_when=FIRST_COMPLETED)
    assert done.result() == PassReport(len(others), len(others))
    assert good.ids() == others
    assert undelivered(db, others) == 0
    assert hanging.ids() == stuck[:1]
    assert not hanging.released.is_set()
    assert timedelta(minutes=15) < lease_of(pool.timeout)

    # Its endpoint is busy: while the lease runs no pass picks up its next
    # notices, and new notices of the other enterprise go at the next pass.
    more = notify(db, people.other_enterprise, count=3)[len(others) :]
    for _ in range(3):
        clock.advance(timedelta(minutes=5))
        for sender in pool.run_pass():
            sender.result(timeout=60)
    assert good.ids() == others + more
    assert hanging.ids() == stuck[:1]

    # Let go, it answers 503: its endpoint's turn ends and waits for its back-off.
    hanging.let_go()
    pool.wait()
    assert undelivered(db, stuck) == len(stuck)
    due = db.scalars(select(Notification.next_attempt_at).where(Notification.id.in_(stuck)))
    assert set(due) == {max(due)}
    assert max(due) > clock.now
    assert hanging.ids() == stuck[:1]


def test_a_busy_endpoint_takes_its_notices_in_claims_of_its_own(
    client: TestClient,
    db: Database,
    people: People,
    receiver: Receiver,
    pool: DeliveryPool,
):
    hook_up(db, people.own_enterprise, receiver.url)
    ids = notify(db, people.own_enterprise, count=2 * PER_ENDPOINT + 5)
    # One pass: the sender claims the endpoint's next notices itself.
    report = pool.deliver_due()
    assert (report.sent, report.delivered) == (len(ids), len(ids))
    assert receiver.ids() == ids


def test_a_pool_that_stops_hands_back_what_it_has_not_sent(
    client: TestClient,
    db: Database,
    people: People,
    receivers: Callable[..., Receiver],
    pool: DeliveryPool,
    session_factory: sessionmaker[Session],
    clock: Clock,
):
    hanging = receivers(hanging=True)
    hook_up(db, people.own_enterprise, hanging.url)
    ids = notify(db, people.own_enterprise, count=3)
    stopping = DeliveryPool(session_factory, TEST_SECRET, LOCAL, timeout=TIMEOUT, clock=clock)
    stopping.run_pass()
    hanging.wait_for(1)
    closer = threading.Thread(target=stopping.close)
    closer.start()
    assert stopping.stopping.wait(timeout=60)
    hanging.let_go()
    closer.join()
    # The notice in hand was answered; the others are due now, not after the lease.
    assert hanging.ids() == ids[:1]
    assert undelivered(db, ids) == 2
    assert due_at(db, ids[1:]) == [clock.now, clock.now]
    assert pool.deliver_due() == PassReport(2, 2)
    assert hanging.ids() == ids
