import json
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.notifications.delivery import DeliveryPool
from cuakhau.notifications.webhook_url import WebhookPolicy
from tests.conftest import TEST_SECRET
from tests.fees.test_fees import BOOKED_AT

# The app's own delivery loop is off in the tests (``background_jobs=False`` in
# tests/conftest.py): each test runs the delivery passes it means to.

# The receivers stand in for the outside on 127.0.0.1, allowed by the setting
# as an operator allows an internal host.
LOCAL = WebhookPolicy(https_only=False, allowed_hosts=frozenset({"127.0.0.1"}))
# Long enough never to end a test's request: a hanging receiver is let go by the test.
TIMEOUT = 60.0


@dataclass
class Receiver:
    """A real webhook endpoint on 127.0.0.1 answering with ``statuses`` in turn
    (the last one repeats), and keeping every request it got. While ``hanging``
    it accepts requests and answers none until ``let_go``."""

    url: str
    statuses: list[int]
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    hanging: bool = False
    released: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def ids(self) -> list[int]:
        with self.arrived:
            return [json.loads(body)["id"] for _, body in self.requests]

    def wait_for(self, count: int) -> None:
        """Until ``count`` requests came; a bound only so that a broken test ends."""
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.requests) >= count, timeout=60)

    def let_go(self) -> None:
        self.released.set()


def serve_receiver(statuses: list[int], hanging: bool) -> tuple[Receiver, ThreadingHTTPServer]:
    box: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            hook = box["receiver"]
            with hook.arrived:
                hook.requests.append((dict(self.headers), body))
                status = hook.statuses[min(len(hook.requests), len(hook.statuses)) - 1]
                hook.arrived.notify_all()
            if hook.hanging:
                hook.released.wait()
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    url = f"http://127.0.0.1:{server.server_port}/hook"
    box["receiver"] = Receiver(url, statuses, hanging=hanging)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return box["receiver"], server


@pytest.fixture
def receivers(pool: DeliveryPool) -> Iterator[Callable[..., Receiver]]:
    """Make receivers: ``receivers()`` answers 204, ``receivers(hanging=True)`` never.
    They let go before the senders are closed (a fixture ends before those it
    uses), so that closing does not wait on a hanging one."""
    servers: list[tuple[Receiver, ThreadingHTTPServer]] = []

    def make(statuses: list[int] | None = None, *, hanging: bool = False) -> Receiver:
        servers.append(serve_receiver(statuses or [204], hanging))
        return servers[-1][0]

    yield make
    for hook, server in servers:
        hook.let_go()
        server.shutdown()
        server.server_close()


@pytest.fixture
def receiver(receivers: Callable[..., Receiver]) -> Receiver:
    return receivers()


class Clock:
    """The moment the delivery works at, moved by the test."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> Clock:
    return Clock(BOOKED_AT)


@pytest.fixture
def pool(session_factory: sessionmaker[Session], clock: Clock) -> Iterator[DeliveryPool]:
    senders = DeliveryPool(
        session_factory, TEST_SECRET, LOCAL, timeout=TIMEOUT, clock=clock, rng=random.Random(7)
    )
    yield senders
    senders.close()
