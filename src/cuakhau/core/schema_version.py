"""Running and checking the Alembic migrations from code (CLI, server start, tests)."""

from collections.abc import Sequence
from functools import cache
from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine

from cuakhau.core.messages import translate
from cuakhau.core.procedure import Procedure, missing_functions


class SchemaOutdated(RuntimeError):
    def __init__(self, current: str | None, head: str, missing: Sequence[str] = ()):
        self.current = current
        self.head = head
        if missing:
            message = translate("functions_missing", "en", names=", ".join(missing))
        else:
            message = translate("schema_outdated", "en", current=current or "empty", head=head)
        super().__init__(message)


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("cuakhau") / "migrations"))
    config.attributes["database_url"] = database_url
    return config


@cache
def head_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = script.get_current_head()
    assert head is not None
    return head


def known_revision(revision: str) -> bool:
    """Whether ``revision`` is one of this code's migrations (a newer
    cuakhau's is not)."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def ensure_schema_current(engine: Engine, procedures: Sequence[Procedure] = ()) -> None:
    """The schema is at this code's head, with the functions of ``procedures``
    on PostgreSQL; else ``SchemaOutdated`` says which command fixes it."""
    current = current_revision(engine)
    head = head_revision()
    if current != head:
        raise SchemaOutdated(current, head)
    if engine.dialect.name == "postgresql" and procedures:
        with engine.connect() as connection:
            missing = missing_functions(connection, procedures)
        if missing:
            raise SchemaOutdated(current, head, missing)
