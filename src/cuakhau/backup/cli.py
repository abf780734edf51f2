"""``cuakhau backup`` and ``cuakhau restore`` of the configured database."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeElapsedColumn

from cuakhau.backup.service import (
    BackupError,
    SchemaState,
    backup,
    restore,
    shown,
)
from cuakhau.backup.service import Progress as Advance
from cuakhau.cli.common import fail
from cuakhau.core.config import Settings
from cuakhau.core.messages import translate

# A file the user named, or a bad backup, is a usage error; a tool failing is not.
EXIT_REFUSED = 2
REFUSALS = frozenset(
    {
        "backup_exists",
        "backup_folder_missing",
        "backup_sqlite_memory",
        "backup_sqlite_missing",
        "restore_not_a_backup",
        "restore_wrong_kind",
        "restore_no_revision",
        "restore_unknown_revision",
        "restore_not_empty",
    }
)

console = Console(soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)


def backup_command(
    file: Annotated[Path, typer.Argument(help="File to write the backup to.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Back up the whole database (CUAKHAU_DATABASE_URL) to FILE, while it serves.

    SQLite: a copy of the database file by SQLite's online backup. PostgreSQL:
    pg_dump's custom format (restore it with `cuakhau restore` or pg_restore)."""
    settings = Settings()
    language = settings.default_language
    with _refusals(language), _progress(translate("backup_progress", language)) as advance:
        backup(settings.database_url, file, overwrite=force, progress=advance)
    size = file.stat().st_size
    database = shown(settings.database_url)
    console.print(translate("backup_done", language, database=database, file=file, size=size))


def restore_command(
    file: Annotated[Path, typer.Argument(help="A backup made by `cuakhau backup`.")],
    force: Annotated[
        bool, typer.Option("--force", help="Restore over a database that has tables.")
    ] = False,
) -> None:
    """Restore FILE into the database (CUAKHAU_DATABASE_URL), which should be empty.

    Stop the servers first. The backup's schema must be one this version of
    cuakhau knows; an older one is restored as it is, then `cuakhau db upgrade`
    brings it up to date."""
    settings = Settings()
    language = settings.default_language
    with _refusals(language), _progress(translate("restore_progress", language)) as advance:
        restored = restore(file, settings.database_url, force=force, progress=advance)
    database = shown(settings.database_url)
    params = {"file": file, "database": database, "revision": restored.revision}
    if restored.state is SchemaState.current:
        console.print(translate("restore_done", language, **params))
    elif restored.state is SchemaState.behind:
        console.print(translate("restore_behind", language, head=restored.head, **params))
    else:
        names = ", ".join(restored.missing_functions)
        console.print(translate("restore_done", language, **params))
        console.print(translate("functions_missing", language, names=names))


@contextmanager
def _refusals(language: str) -> Iterator[None]:
    try:
        yield
    except BackupError as error:
        code = EXIT_REFUSED if error.code in REFUSALS else 1
        fail(translate(error.code, language, **error.params), code)


@contextmanager
def _progress(description: str) -> Iterator[Advance]:
    columns = (
        *Progress.get_default_columns()[:1],
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    # A bar only for a person watching: in a log it is noise.
    with Progress(
        *columns, console=console, transient=True, disable=not console.is_terminal
    ) as progress:
        task = progress.add_task(description, total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield advance
