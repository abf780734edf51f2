"""``cuakhau db``: migrate the database schema."""

from typing import Annotated

import typer
from rich.console import Console

from cuakhau.core.config import Settings
from cuakhau.core.database import make_engine
from cuakhau.core.schema_version import current_revision, downgrade, head_revision, upgrade

app = typer.Typer(help="Database schema: upgrade, downgrade, current.", no_args_is_help=True)
console = Console(soft_wrap=True)


@app.command("upgrade")
def upgrade_command(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    settings = Settings()
    upgrade(settings.database_url, revision)
    console.print(f"Database at revision {_current(settings)}.")


@app.command("downgrade")
def downgrade_command(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")],
) -> None:
    """Undo migrations down to REVISION."""
    settings = Settings()
    downgrade(settings.database_url, revision)
    console.print(f"Database at revision {_current(settings) or 'base (empty)'}.")


@app.command("current")
def current_command() -> None:
    """Show the database's revision and the code's."""
    settings = Settings()
    current = _current(settings)
    head = head_revision()
    state = "up to date" if current == head else "OUT OF DATE: run `cuakhau db upgrade`"
    console.print(f"database: {current or 'empty'}  code: {head}  ({state})")


def _current(settings: Settings) -> str | None:
    engine = make_engine(settings.database_url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()
