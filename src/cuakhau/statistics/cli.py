"""``cuakhau statistics rebuild``: every rollup recomputed from the raw rows;
``cuakhau statistics import FILE``: figures from before cuakhau."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeElapsedColumn
from sqlalchemy import func, select

from cuakhau.cli.common import open_session, refuse_file
from cuakhau.core.clock import local_date, utcnow
from cuakhau.core.config import Settings
from cuakhau.core.sheet_import import ImportRejected
from cuakhau.statistics import history
from cuakhau.statistics.rollups import MONTH_ROLLUPS, ROLLUPS, start_rebuild

app = typer.Typer(help="The board's statistics (trade, vehicles, fees).", no_args_is_help=True)
console = Console()


def _progress() -> Progress:
    columns = (
        *Progress.get_default_columns()[:1],
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    return Progress(*columns, console=console, transient=True, disable=not console.is_terminal)


@app.command("rebuild")
def rebuild() -> None:
    """Empty the day and month rollups and fill them again from the crossings, cargo lines
    and receipts, a month at a time, in one transaction: the figures read before
    it commits are the old ones, and crossings that cross meanwhile wait for it."""
    with open_session(Settings()) as session:
        steps = start_rebuild(session)
        with _progress() as progress:
            task = progress.add_task("Rebuilding", total=len(steps))
            for step in steps:
                progress.update(task, description=step.label)
                step.run(session)
                progress.advance(task)
        cells = {
            rollup.model.__tablename__: session.scalar(
                select(func.count()).select_from(rollup.model)
            )
            for rollup in (*ROLLUPS, *MONTH_ROLLUPS)
        }
    summary = ", ".join(f"{name} {count}" for name, count in cells.items())
    console.print(
        f"Rebuilt from the raw rows in {len(steps)} steps (rollup × month): {summary} cells."
    )


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="XLSX or CSV (docs/statistics.md).")],
) -> None:
    """Import figures from before cuakhau: the customs office's trade figures or
    the finance office's fee revenue (told apart by the header); a file with
    any problem imports nothing and every problem is listed (exit 2)."""
    now = utcnow()
    with open_session(Settings()) as session, _progress() as progress:
        task = progress.add_task(f"Checking {file.name}", total=None)

        def stored(done: int, total: int) -> None:
            progress.update(task, description="Storing", completed=done, total=total)

        try:
            imported = history.import_file(
                session,
                file_name=file.name,
                content=file.read_bytes(),
                imported_at=now,
                today=local_date(now),
                user=None,
                on_stored=stored,
            )
        except ImportRejected as rejected:
            progress.stop()
            refuse_file(file, rejected)
        summary = (
            f"Import {imported.id} ({imported.kind}): {imported.figures} figures of "
            f"{imported.first_day}..{imported.last_day} from {file.name}."
        )
    console.print(summary)


@app.command("remove-import")
def remove_import_command(
    import_id: Annotated[int, typer.Argument(help="Its number (cuakhau statistics imports).")],
) -> None:
    """Remove an import and every figure it brought."""
    with open_session(Settings()) as session:
        removed = history.remove_import(session, import_id)
        summary = f"Removed import {removed.id} ({removed.figures} figures of {removed.file_name})."
    console.print(summary)


@app.command("imports")
def imports_command() -> None:
    """The imports of figures from before cuakhau."""
    with open_session(Settings()) as session:
        for imported in history.list_imports(session):
            synthetic = ", synthetic" if imported.synthetic else ""
            console.print(
                f"{imported.id} ({imported.kind}{synthetic}): {imported.file_name}, "
                f"{imported.figures} figures, "
                f"{imported.first_day}..{imported.last_day}, "
                f"imported {imported.imported_at:%Y-%m-%d %H:%M} UTC"
            )
