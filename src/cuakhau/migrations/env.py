from collections.abc import Iterator
from contextlib import contextmanager

from alembic import context
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from cuakhau.core.database import make_engine
from cuakhau.core.procedure import install_functions
from cuakhau.crossings.booking import procedures
from cuakhau.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        with _foreign_keys_checked_at_end(connection):
            _migrate(connection)
    else:
        _migrate(connection)


@contextmanager
def _foreign_keys_checked_at_end(connection: Connection) -> Iterator[None]:
    """SQLite's way to change a table others refer to (batch mode copies it,
    drops it and renames the copy): foreign keys off for the migration,
    outside its transaction (inside one the pragma does nothing), and every
    reference checked before it commits."""
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        driver.execute("PRAGMA foreign_keys = ON")


def _check_foreign_keys(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"rows whose references point nowhere (table, rowid, parent): {broken}")


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        _check_foreign_keys(connection)
        # The booking's functions are made from this version's code, not kept in
        # a migration: installed whenever the schema reaches this code's head.
        heads = context.get_context().get_current_heads()
        at_head = heads == (ScriptDirectory.from_config(config).get_current_head(),)
        if connection.dialect.name == "postgresql" and at_head:
            install_functions(connection, procedures())


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.attributes["database_url"])
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


run_migrations_online()
