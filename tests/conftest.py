"""Fixtures: the same tests run on SQLite and on PostgreSQL, through the real ASGI app.

Each backend's database is built once per test session (per xdist worker) by
running the Alembic migrations, and one app serves it for the whole session,
with its periodic jobs off: a test that exercises a job runs the job's function
itself. After each test the tables are emptied (``DELETE``, ids restarted) and
the app's in-process memory (the public wait-time answer, the client's
cookies) is forgotten, so every test starts from
empty tables and a fresh-looking app. A test whose ``settings`` differ from the
shared ones gets an app of its own.

The app serves requests through its own engine and pool and, on PostgreSQL,
some through asyncpg connections of its own, which see only committed rows:
a rollback of one shared outer transaction could not isolate the tests.
"""

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, Executable, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.app import create_app
from cuakhau.core.actor import Actor
from cuakhau.core.config import Settings
from cuakhau.core.database import make_engine, session_scope
from cuakhau.core.schema_version import upgrade
from cuakhau.models import Base, Enterprise, User
from cuakhau.models.enums import Role
from tests.factories import bearer, make_enterprise, make_user

POSTGRES_ADMIN_URL = os.environ.get(
    "CUAKHAU_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
BACKENDS = ("sqlite", "postgresql")

# Rich lays tables out to the terminal's width: one fixed width for every test,
# whatever terminal (or none) runs the suite. Set before any test module makes
# a console; a test about narrow terminals sets its own COLUMNS.
os.environ["COLUMNS"] = "120"


def _worker() -> str:
    # The process id keeps two test runs on one machine (or one server) apart.
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"


_created_postgres_databases: list[str] = []


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the PostgreSQL databases this process made."""
    if not _created_postgres_databases:
        return
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for name in _created_postgres_databases:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def create_postgres_database(name: str) -> str:
    """A fresh, empty PostgreSQL database; in CI an unreachable server is a failure."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        _created_postgres_databases.append(name)
    except Exception as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI and was not reachable: {error}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {error}")
    finally:
        admin.dispose()
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def fresh_database_url(backend: str, directory: Path, name: str) -> str:
    if backend == "sqlite":
        path = directory / f"{name}.db"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    return create_postgres_database(f"{name}_{_worker()}")


@pytest.fixture(scope="session")
def migrated_databases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Built lazily, once per backend per session."""
    return {}


@pytest.fixture(scope="session")
def cleaners() -> Iterator[dict[str, Engine]]:
    """One engine per database for emptying it after each test."""
    engines: dict[str, Engine] = {}
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest,
    migrated_databases: dict[str, str],
    cleaners: dict[str, Engine],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    backend: str = request.param
    if backend not in migrated_databases:
        url = fresh_database_url(backend, tmp_path_factory.getbasetemp(), "cuakhau_test")
        upgrade(url)
        migrated_databases[backend] = url
        cleaners[url] = make_engine(url)
    url = migrated_databases[backend]
    yield url
    empty_all_tables(cleaners[url])


def empty_all_tables(engine: Engine) -> None:
    """Every table emptied and, on PostgreSQL, every id sequence restarted at 1.

    ``DELETE`` rather than ``TRUNCATE``: a test leaves a few rows in a dozen
    tables, and PostgreSQL's TRUNCATE makes new files for all of them (0.1 to
    1 s a test on a busy machine, against 15 to 40 ms here). Children go first."""
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    postgresql = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if postgresql:
            # Whatever a failed test left running in the app (a booking waiting
            # on a lock) finishes before the emptying or waits for it, rather
            # than insert a row between two DELETEs; a transaction left open for
            # good fails the test's teardown instead of hanging the suite.
            # (SQLite: the engine's BEGIN IMMEDIATE already holds the database.)
            connection.execute(text("SET LOCAL lock_timeout = '20s'"))
            names = ", ".join(f'"{name}"' for name in tables)
            connection.execute(text(f"LOCK TABLE {names} IN EXCLUSIVE MODE"))
        for name in tables:
            connection.execute(text(f'DELETE FROM "{name}"'))
        if postgresql:
            connection.execute(
                text(
                    "SELECT setval(format('%I.%I', schemaname, sequencename), 1, false)"
                    " FROM pg_sequences WHERE schemaname = current_schema()"
                )
            )


def base_settings(database_url: str, data_dir: Path) -> Settings:
    """What the tests run with; the shared app of each backend is made from these."""
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        secret_key=TEST_SECRET,
        login_max_failures=3,
        login_lockout_seconds=60,
        background_jobs=False,
    )


@pytest.fixture
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return base_settings(database_url, tmp_path_factory.getbasetemp() / "data")


# https: the pages' cookies are Secure, and a client sends them back only over TLS.
BASE_URL = "https://testserver"


@pytest.fixture(scope="session")
def shared_clients() -> Iterator[dict[str, TestClient]]:
    """One started app per database for the session, made when a test first needs it."""
    clients: dict[str, TestClient] = {}
    yield clients
    for started in clients.values():
        started.__exit__(None, None, None)


@pytest.fixture
def client(
    settings: Settings,
    shared_clients: dict[str, TestClient],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[TestClient]:
    shared = base_settings(settings.database_url, tmp_path_factory.getbasetemp() / "data")
    if settings.model_dump() != shared.model_dump():
        # Other settings (a conftest or a test overrode them): an app of its own.
        with TestClient(create_app(settings), base_url=BASE_URL) as own:
            yield own
        return
    if settings.database_url not in shared_clients:
        started = TestClient(create_app(shared), base_url=BASE_URL)
        started.__enter__()
        shared_clients[settings.database_url] = started
    test_client = shared_clients[settings.database_url]
    forget_between_tests(test_client)
    yield test_client


def forget_between_tests(test_client: TestClient) -> None:
    """What the app and its client remember in memory, forgotten as a fresh app would."""
    test_client.cookies.clear()
    state = test_client.app.state  # type: ignore[attr-defined]
    # The public wait times are shared for two seconds unless a queue changes;
    # emptying the tables announces no change.
    state.wait_times.forget()


@pytest.fixture
def session_factory(client: TestClient) -> sessionmaker[Session]:
    """Sessions on the app's own engine, for arranging data and checking the database."""
    return client.app.state.session_factory  # type: ignore[attr-defined,no-any-return]


class Database:
    """The test's view of the database. Each call is its own short transaction, so
    the test never holds a lock (SQLite's BEGIN IMMEDIATE) while the app works."""

    def __init__(self, factory: sessionmaker[Session]):
        self.factory = factory

    def write(self) -> AbstractContextManager[Session]:
        """``with db.write() as session:`` arranges data, committed at the end."""
        return session_scope(self.factory, Actor(label="test"))

    def scalar(self, stmt: Executable) -> Any:
        with self.write() as session:
            return session.scalar(stmt)

    def scalars(self, stmt: Executable) -> list[Any]:
        with self.write() as session:
            return list(session.scalars(stmt))

    def count(self, model: type[Any], *where: Any) -> int:
        return self.scalar(select(func.count()).select_from(model).where(*where)) or 0


@pytest.fixture
def db(session_factory: sessionmaker[Session]) -> Database:
    return Database(session_factory)


@dataclass
class People:
    """One account per role, with headers that carry its bearer token."""

    headers: dict[Role, dict[str, str]]
    users: dict[Role, User]
    own_enterprise: Enterprise
    other_enterprise: Enterprise

    def __getitem__(self, role: Role) -> dict[str, str]:
        return self.headers[role]


@pytest.fixture
def people(db: Database) -> People:
    with db.write() as session:
        own = make_enterprise(session, roles=["exporter", "importer"])
        other = make_enterprise(session, roles=["exporter"])
        users: dict[Role, User] = {}
        headers: dict[Role, dict[str, str]] = {}
        for role in Role:
            users[role] = make_user(
                session, role, enterprise=own if role is Role.enterprise else None
            )
            headers[role] = bearer(session, users[role])
    return People(headers, users, own, other)
