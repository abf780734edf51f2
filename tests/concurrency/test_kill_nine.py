"""Nothing acknowledged is lost when the whole server dies (docs/operations.md).

A multi-worker ``cuakhau serve`` takes bookings and camera batches from many
threads; mid-stream its whole process group gets SIGKILL: no shutdown, no
flush, whatever was in flight cut. A new server on the same database must have
every booking and plate read that was answered with success, the windows'
counts must agree with the crossings, and every notice in the outbox must
reach the enterprises' webhook receiver, each carrying an ``id`` a receiver
de-duplicates on.

The first server serves only (``CUAKHAU_BACKGROUND_JOBS=false``): the notices
stay in the outbox, written in their bookings' transactions, and the restarted
server's delivery sends them. A server killed while posting notices leaves
those it had claimed for the lease (5 minutes) before they go again; that is
longer than a test should wait, and the delivery's own tests cover the lease.
"""

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.core.actor import Actor
from cuakhau.core.clock import utcnow
from cuakhau.core.database import make_engine, session_scope
from cuakhau.core.schema_version import upgrade
from cuakhau.models import Crossing, CrossingWindow, Enterprise, Notification, PlateRead
from cuakhau.models.enums import Role
from cuakhau.sessions import audited_session_factory
from tests.concurrency.live_server import start_server, stop
from tests.concurrency.test_no_overbooking import (
    Fleet,
    arrange,
    booking,
    open_crossings_per_window,
    post_json,
)
from tests.conftest import fresh_database_url
from tests.factories import bearer, make_user
from tests.notifications.conftest import Receiver

pytestmark = pytest.mark.slow

WORKERS = 2
VEHICLES_EACH = 10  # 200 trucks, each booked at most once
BOOKING_THREADS = 6
CAMERA_THREADS = 2
READS_PER_BATCH = 25
# Killed once this many bookings are acknowledged: well into the stream, and
# before the trucks run out.
KILL_AFTER_BOOKINGS = 60
DELIVERY_WAIT_SECONDS = 90


@dataclass
class Acknowledged:
    """What the server answered with success, gathered from every thread."""

    crossings: set[int] = field(default_factory=set)
    reads: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _arrange(factory: sessionmaker[Session], webhook_url: str) -> tuple[Fleet, dict[str, str]]:
    fleet = arrange(factory, capacity=40, horizon_days=2, vehicles_each=VEHICLES_EACH)
    with session_scope(factory, Actor(label="test")) as session:
        session.execute(
            update(Enterprise)
            .where(Enterprise.id.in_(fleet.enterprise_ids))
            .values(webhook_url=webhook_url)
        )
        camera = bearer(session, make_user(session, Role.camera))
    return fleet, camera


def _book(
    base_url: str,
    fleet: Fleet,
    trucks: Iterator[tuple[dict[str, str], int]],
    done: threading.Event,
    seen: Acknowledged,
) -> None:
    while not done.is_set():
        with seen.lock:
            ask = next(trucks, None)
        if ask is None:
            return
        headers, vehicle_id = ask
        try:
            answer = post_json(
                f"{base_url}/api/v1/crossings", headers, booking(fleet, vehicle_id, None)
            )
        except OSError:
            continue  # cut by the kill: not acknowledged
        if answer.status == 201:
            with seen.lock:
                seen.crossings.add(int(answer.body["id"]))


def _read(
    base_url: str,
    fleet: Fleet,
    camera: dict[str, str],
    lane: int,
    done: threading.Event,
    seen: Acknowledged,
) -> None:
    batch = 0
    while not done.is_set():
        batch += 1
        ids = [f"kill9-{lane}-{batch}-{n}" for n in range(READS_PER_BATCH)]
        reads = [
            {
                "read_id": read_id,
                # Plates no truck has: each read is kept and becomes an alert.
                "plate": f"98C-{lane}{batch % 100:02d}.{n:02d}",
                "point": "gate_in",
                "read_at": (utcnow() - timedelta(seconds=n)).isoformat(),
                "confidence": 0.9,
                "gate_id": fleet.gate_id,
            }
            for n, read_id in enumerate(ids)
        ]
        try:
            answer = post_json(f"{base_url}/api/v1/plate-reads", camera, {"reads": reads})
        except OSError:
            continue
        if answer.status == 200:
            # Acknowledged: each read the answer accounts for as taken.
            taken = [r["read_id"] for r in answer.body["results"] if r["outcome"] != "refused"]
            with seen.lock:
                seen.reads.update(taken)


def _load_then_kill(
    base_url: str, process: Any, fleet: Fleet, camera: dict[str, str]
) -> Acknowledged:
    seen = Acknowledged()
    done = threading.Event()
    trucks = iter(fleet.requests)
    threads = [
        threading.Thread(target=_book, args=(base_url, fleet, trucks, done, seen))
        for _ in range(BOOKING_THREADS)
    ] + [
        threading.Thread(target=_read, args=(base_url, fleet, camera, lane, done, seen))
        for lane in range(CAMERA_THREADS)
    ]
    for thread in threads:
        thread.start()
    # Killed mid-stream once both kinds of answer have been given, however the
    # load shares the machine between them.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with seen.lock:
            if len(seen.crossings) >= KILL_AFTER_BOOKINGS and seen.reads:
                break
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    done.set()
    for thread in threads:
        thread.join(timeout=120)
    assert len(seen.crossings) >= KILL_AFTER_BOOKINGS
    assert seen.reads
    return seen


def _wait_for_delivery(receiver: Receiver, expected: set[int]) -> set[int]:
    deadline = time.monotonic() + DELIVERY_WAIT_SECONDS
    while time.monotonic() < deadline:
        if expected <= set(receiver.ids()):
            break
        time.sleep(0.2)
    return set(receiver.ids())


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_a_killed_server_loses_nothing_it_acknowledged(
    backend: str, tmp_path: Path, receiver: Receiver, burst_room: None
) -> None:
    url = fresh_database_url(backend, tmp_path, "cuakhau_kill9")
    upgrade(url)
    engine = make_engine(url)
    try:
        factory = audited_session_factory(engine)
        fleet, camera = _arrange(factory, receiver.url)

        first = start_server(
            url, WORKERS, tmp_path, environment={"CUAKHAU_BACKGROUND_JOBS": "false"}
        )
        try:
            seen = _load_then_kill(first.base_url, first.process, fleet, camera)
        finally:
            stop(first.process)
        assert receiver.requests == []

        second = start_server(
            url,
            WORKERS,
            tmp_path,
            environment={
                "CUAKHAU_WEBHOOK_INTERVAL_SECONDS": "0.5",
                # The receiver stands in for the outside on this machine's loopback.
                "CUAKHAU_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
                "CUAKHAU_WEBHOOK_REQUIRE_HTTPS": "false",
            },
        )
        try:
            with session_scope(factory, Actor(label="test")) as session:
                kept = set(
                    session.scalars(select(Crossing.id).where(Crossing.id.in_(seen.crossings)))
                )
                stored_reads = set(
                    session.scalars(
                        select(PlateRead.read_id).where(PlateRead.read_id.like("kill9-%"))
                    )
                )
                per_window = open_crossings_per_window(session, fleet.gate_id)
                windows = session.scalars(
                    select(CrossingWindow).where(CrossingWindow.gate_id == fleet.gate_id)
                ).all()
                notices = dict(
                    session.execute(
                        select(Notification.id, Notification.crossing_id).where(
                            Notification.enterprise_id.in_(fleet.enterprise_ids)
                        )
                    ).all()
                )
            assert kept == seen.crossings
            assert seen.reads <= stored_reads
            for window in windows:
                assert window.booked == per_window.get(window.id, 0), window.id
            # Every acknowledged booking has its notice in the outbox.
            assert seen.crossings <= set(notices.values())

            delivered = _wait_for_delivery(receiver, set(notices))
        finally:
            stop(second.process)
    finally:
        engine.dispose()
    assert delivered == set(notices)
    for headers, body in receiver.requests:
        assert headers["X-Cuakhau-Delivery"] == str(json.loads(body)["id"])
    print(
        f"kill -9 ({backend}): {len(seen.crossings)} bookings, {len(seen.reads)} plate reads"
        f" acknowledged and kept; {len(notices)} notices delivered after restart"
        f" ({len(receiver.requests)} requests)"
    )
