"""Engine and sessions. The request (or the CLI command) owns the transaction;
services only flush. The factory made here is bare: ``cuakhau.sessions`` adds the
audit recorder, and the app and the CLI take their sessions from there."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.core.actor import Actor


def make_engine(database_url: str, **kwargs: Any) -> Engine:
    if database_url.startswith("sqlite"):
        engine = create_engine(
            database_url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        _make_sqlite_transactional(engine)
        return engine
    return create_engine(database_url, pool_pre_ping=True, **kwargs)


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
    return sessionmaker(engine, expire_on_commit=False, autoflush=True)


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


def _insert(session: Session, model: type[Any]) -> Any:
    """INSERT with its dialect's ON CONFLICT clauses."""
    if session.get_bind().dialect.name == "postgresql":
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
        _insert(session, model).values(rows).on_conflict_do_nothing(index_elements=keys)
    )


def upsert_unless_newer(
    session: Session, model: type[Any], rows: list[dict[str, Any]], keys: list[str], stamp: str
) -> None:
    """INSERT … ON CONFLICT DO UPDATE on both databases, except over a row whose
    ``stamp`` is later: several processes may write the same derived rows, each
    as of its own moment, and the latest must stand."""
    if not rows:
        return
    statement = _insert(session, model).values(rows)
    table = model.__table__
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: statement.excluded[name] for name in rows[0] if name not in keys},
        where=table.c[stamp] < statement.excluded[stamp],
    )
    session.execute(statement)
