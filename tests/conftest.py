"""Fixtures: the same tests run on SQLite and on PostgreSQL, through the real ASGI app.

Each backend's database is built once per test session by running the Alembic
migrations; every test starts from empty tables.
"""

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from psycopg.errors import DeadlockDetected
from sqlalchemy import Engine, Executable, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
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


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest,
    migrated_databases: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    backend: str = request.param
    if backend not in migrated_databases:
        url = fresh_database_url(backend, tmp_path_factory.getbasetemp(), "cuakhau_test")
        upgrade(url)
        migrated_databases[backend] = url
    url = migrated_databases[backend]
    yield url
    engine = make_engine(url)
    try:
        empty_all_tables(engine)
    finally:
        engine.dispose()


def empty_all_tables(engine: Engine) -> None:
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    if engine.dialect.name != "postgresql":
        with engine.begin() as connection:
            for name in tables:
                connection.execute(text(f'DELETE FROM "{name}"'))
        return
    names = ", ".join(f'"{name}"' for name in tables)
    # TRUNCATE locks table after table while a running app's background jobs
    # (webhook delivery, the no-show sweep) read some of them in their own
    # order: PostgreSQL then breaks the deadlock by failing one side, and the
    # emptying is simply tried again.
    for attempt in range(5):
        try:
            with engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        except OperationalError as error:
            if not isinstance(error.orig, DeadlockDetected) or attempt == 4:
                raise


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path,
        secret_key=TEST_SECRET,
        login_max_failures=3,
        login_lockout_seconds=60,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


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
