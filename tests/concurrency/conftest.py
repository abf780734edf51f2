from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from tests.conftest import POSTGRES_ADMIN_URL

# Any number, the same in every run of these tests.
ONE_BURST_AT_A_TIME = 7_264_871


@pytest.fixture(autouse=True)
def postgresql_to_ourselves(
    request: pytest.FixtureRequest,
    shared_clients: dict[str, TestClient],
    cleaners: dict[str, Engine],
) -> Iterator[None]:
    """Four PostgreSQL server processes keep up to 48 connections (two pools of
    5 and live updates' 2 each) of the server's default 100, and a burst keeps
    both cores busy. So this worker's shared apps stop and give theirs back first (the next test
    that needs an app starts a new one), and a test on PostgreSQL waits for an
    advisory lock that any other test here holds while its servers run: two
    bursts never share the database server, whichever worker or run they are in."""
    for started in shared_clients.values():
        started.__exit__(None, None, None)
    shared_clients.clear()
    for engine in cleaners.values():
        engine.dispose()
    callspec = getattr(request.node, "callspec", None)
    if callspec is None or callspec.params.get("database") != "postgresql":
        yield
        return
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        connection = admin.connect()
    except OperationalError:
        # No server: the test's database fixture skips it, or fails it in CI.
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
