"""What every CLI command needs: a session that owns its transaction, and a clean exit."""

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from cuakhau.core.actor import Actor
from cuakhau.core.config import Settings
from cuakhau.core.database import make_engine, session_scope
from cuakhau.core.errors import DomainError
from cuakhau.core.sheet_import import ImportRejected
from cuakhau.sessions import audited_session_factory

# Messages are not hard-wrapped: people copy the command in them.
error_console = Console(stderr=True, soft_wrap=True)

CLI_ACTOR = Actor(label=f"cli:{getpass.getuser()}")


def fail(message: str, code: int = 1) -> NoReturn:
    error_console.print(f"[red]{message}[/red]")
    raise typer.Exit(code)


@contextmanager
def open_session(settings: Settings) -> Iterator[Session]:
    """One transaction for the command; a domain error becomes a message and exit 1."""
    engine = make_engine(settings.database_url)
    try:
        with session_scope(audited_session_factory(engine), CLI_ACTOR) as session:
            yield session
    except DomainError as error:
        fail(error.detail("en"))
    finally:
        engine.dispose()


def refuse_file(file: Path, rejected: ImportRejected) -> NoReturn:
    """List every problem of a refused import file, and exit 2."""
    error_console.print(f"[red]{file}: {rejected.detail('en')}[/red]")
    for problem in rejected.problems:
        shown = problem.render("en")
        place = ":".join(str(shown[k]) for k in ("sheet", "row", "column") if shown[k])
        error_console.print(f"  - {place} {shown['value'] or ''!r}: {shown['message']}")
    raise typer.Exit(2)
