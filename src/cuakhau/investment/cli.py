"""``cuakhau investment import FILE`` and ``cuakhau investment demo``."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cuakhau.cli.common import open_session, refuse_file
from cuakhau.core.config import Settings
from cuakhau.core.sheet_import import ImportRejected
from cuakhau.investment.demo import load_demo_portfolio
from cuakhau.investment.importer import import_file
from cuakhau.investment.schemas import ImportReport

app = typer.Typer(help="The board's investment portfolio.", no_args_is_help=True)
console = Console()


def print_import_report(report: ImportReport) -> None:
    table = Table(title="Investment portfolio")
    for column in ("sheet", "created", "updated", "unchanged"):
        table.add_column(column, justify="left" if column == "sheet" else "right")
    for sheet in ("investors", "projects", "amendments"):
        counts = getattr(report, sheet)
        table.add_row(sheet, str(counts.created), str(counts.updated), str(counts.unchanged))
    console.print(table)


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="XLSX workbook or CSV sheet (docs/investment.md).")],
) -> None:
    """Import investors, projects and amendments; a file with any problem imports nothing."""
    with open_session(Settings()) as session:
        try:
            report = import_file(session, file.name, file.read_bytes())
        except ImportRejected as rejected:
            # Caught here, not by open_session: every problem is listed, not just the count.
            refuse_file(file, rejected)
    print_import_report(report)


@app.command("demo")
def demo_command() -> None:
    """Load the synthetic demo portfolio (again: changes nothing)."""
    with open_session(Settings()) as session:
        report = load_demo_portfolio(session)
    print_import_report(report)
