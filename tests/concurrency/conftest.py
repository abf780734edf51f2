from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from tests.conftest import POSTGRES_ADMIN_URL
from tests.notifications.conftest import Receiver, serve_receiver

# Any number, the same in every run of these tests.
ONE_BURST_AT_A_TIME = 7_264_871


@pytest.fixture(scope="module")
def burst_room(
    shared_clients: dict[str, TestClient], cleaners: dict[str, Engine]
) -> Iterator[None]:
    """Room on the database server for this module's servers. Four server
    processes keep up to 48 connections (two pools of 5 and live updates' 2
    each) of PostgreSQL's default 100, and a burst keeps both cores busy. So
    this worker's shared apps stop and give theirs back first (the next test
    that needs an app starts a new one), and the module waits for an advisory
    lock that any other run of it holds while its servers run: two modules'
    bursts never share the database server, whichever worker or run they are in."""
    for started in shared_clients.values():
        started.__exit__(None, None, None)
    shared_clients.clear()
    for engine in cleaners.values():
        engine.dispose()
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        connection = admin.connect()
    except OperationalError:
        # No server: the PostgreSQL tests' databases skip them, or fail them in CI.
        admin.dispose()
        yield
        return
    try:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ONE_BURST_AT_A_TIME})
        yield
    finally:
        # Closing the session lets the lock go.
        connection.close()
        admin.dispose()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A local webhook receiver, as the delivery's own tests use, answering 204."""
    hook, server = serve_receiver([204], hanging=False)
    yield hook
    server.shutdown()
    server.server_close()
