"""``cuakhau statistics rebuild``: every rollup recomputed from the raw rows."""

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeElapsedColumn
from sqlalchemy import func, select

from cuakhau.cli.common import open_session
from cuakhau.core.config import Settings
from cuakhau.statistics.rollups import ROLLUPS, start_rebuild

app = typer.Typer(help="The board's statistics (trade, vehicles, fees).", no_args_is_help=True)
console = Console()


@app.command("rebuild")
def rebuild() -> None:
    """Empty the daily rollups and fill them again from the crossings, cargo lines
    and receipts, a month at a time, in one transaction: the figures read before
    it commits are the old ones, and crossings that cross meanwhile wait for it."""
    columns = (
        *Progress.get_default_columns()[:1],
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with open_session(Settings()) as session:
        steps = start_rebuild(session)
        with Progress(
            *columns, console=console, transient=True, disable=not console.is_terminal
        ) as progress:
            task = progress.add_task("Rebuilding", total=len(steps))
            for step in steps:
                progress.update(task, description=step.label)
                step.run(session)
                progress.advance(task)
        cells = {
            rollup.model.__tablename__: session.scalar(
                select(func.count()).select_from(rollup.model)
            )
            for rollup in ROLLUPS
        }
    summary = ", ".join(f"{name} {count}" for name, count in cells.items())
    console.print(
        f"Rebuilt from the raw rows in {len(steps)} steps (rollup × month): {summary} cells."
    )
