"""``cuakhau tariffs load FILE``: a zone's tariff lines from a YAML file."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cuakhau.cli.common import error_console, open_session
from cuakhau.core.config import Settings
from cuakhau.fees.tariffs import TariffFileError, load_tariffs

app = typer.Typer(help="Fee tariffs (infrastructure and yard fees).", no_args_is_help=True)
console = Console()


@app.command("load")
def load(
    file: Annotated[Path, typer.Argument(help="A tariff file (YAML, a `tariffs:` list).")],
) -> None:
    """Add the file's tariff lines; lines already there (same code and start date)
    are left as they are, so loading the same file again changes nothing."""
    try:
        with open_session(Settings()) as session:
            created, unchanged = load_tariffs(session, file)
    except TariffFileError as error:
        error_console.print(f"[red]{error.path}: cannot be loaded; nothing was changed.[/red]")
        for problem in error.problems:
            error_console.print(f"  - {problem}")
        raise typer.Exit(2) from None
    console.print(f"Tariff lines: {created} created, {unchanged} already there.")
