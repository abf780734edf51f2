"""Engine and sessions. The request (or the CLI command) owns the transaction;
services only flush. The factory made here is bare: ``cuakhau.sessions`` adds the
audit recorder, and the app and the CLI take their sessions from there."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.core.actor import Actor
from cuakhau.core.columns import refuse_text_longer_than_its_column
from cuakhau.core.config import DEFAULT_POOL_SIZE


def make_engine(database_url: str, *, pool_size: int = DEFAULT_POOL_SIZE, **kwargs: Any) -> Engine:
    if database_url.startswith("sqlite"):
        engine = create_engine(
            database_url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        _make_sqlite_transactional(engine)
        return engine
    # A fixed pool: a burst queues for its connections (``POOL_WAIT_SECONDS``)
    # instead of opening more than PostgreSQL's max_connections leaves, which
    # answered hundreds of bookings 503 when other clients held connections.
    engine = create_engine(
        database_url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=POOL_WAIT_SECONDS,
        **kwargs,
    )
    _wait_for_a_free_connection(engine)
    return engine


# How long a request waits for a connection of its process's pool, or for
# PostgreSQL to accept one, before it is answered 503.
POOL_WAIT_SECONDS = 30.0
_TOO_MANY_CONNECTIONS = "53300"


def _wait_for_a_free_connection(engine: Engine) -> None:
    """When PostgreSQL has no connection left (other clients hold them), try
    again until one frees up, as a pool's caller waits for a pooled one."""

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        deadline = time.monotonic() + POOL_WAIT_SECONDS
        pause = 0.05
        while True:
            try:
                return dialect.loaded_dbapi.connect(*cargs, **cparams)
            except dialect.loaded_dbapi.OperationalError as error:
                if getattr(error, "sqlstate", None) != _TOO_MANY_CONNECTIONS:
                    raise
                if time.monotonic() + pause > deadline:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 1.0)


def _make_sqlite_transactional(engine: Engine) -> None:
    """Give SQLite real transactions.

    The stdlib driver opens a transaction only before a write, so a read-then-write
    sequence is not isolated, and SQLAlchemy drops ``FOR UPDATE`` on SQLite. Taking
    the write lock at BEGIN (IMMEDIATE) makes every session serialisable on SQLite;
    WAL keeps readers outside transactions unblocked.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # Objects stay readable after commit: responses are built from them.
    factory = sessionmaker(engine, expire_on_commit=False, autoflush=True)
    refuse_text_longer_than_its_column(factory)
    return factory


@contextmanager
def session_scope(factory: sessionmaker[Session], actor: Actor) -> Iterator[Session]:
    """One transaction for code outside a request (CLI, jobs): commit or roll back."""
    session = factory()
    session.info["actor"] = actor
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dialect_insert(session: Session, model: type[Any]) -> Any:
    """INSERT with its dialect's ON CONFLICT clauses."""
    return insert_for(session.get_bind().dialect.name, model)


def insert_for(dialect: str, model: type[Any] | Table) -> Any:
    """INSERT with the ON CONFLICT clauses of the dialect named ``dialect``."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def insert_ignoring_duplicates(
    session: Session, model: type[Any], rows: list[dict[str, Any]], keys: list[str]
) -> None:
    """INSERT … ON CONFLICT DO NOTHING on both databases: two requests may create
    the same derived rows at once, and both must succeed."""
    if not rows:
        return
    session.execute(
        dialect_insert(session, model).values(rows).on_conflict_do_nothing(index_elements=keys)
    )


def upsert_unless_newer(
    session: Session, model: type[Any], rows: list[dict[str, Any]], keys: list[str], stamp: str
) -> None:
    """INSERT … ON CONFLICT DO UPDATE on both databases, except over a row whose
    ``stamp`` is later: several processes may write the same derived rows, each
    as of its own moment, and the latest must stand."""
    if not rows:
        return
    statement = dialect_insert(session, model).values(rows)
    table = model.__table__
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: statement.excluded[name] for name in rows[0] if name not in keys},
        where=table.c[stamp] < statement.excluded[stamp],
    )
    session.execute(statement)
