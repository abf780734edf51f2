"""``cuakhau``: serve, demo, database, users, reference data."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from cuakhau import __version__
from cuakhau.backup.cli import register as register_backup
from cuakhau.cli import db as db_commands
from cuakhau.cli import users as user_commands
from cuakhau.cli.common import error_console, fail, open_session
from cuakhau.core.clock import utcnow
from cuakhau.core.config import ConfigurationError, Settings
from cuakhau.core.database import make_engine
from cuakhau.core.errors import field_errors
from cuakhau.core.logs import logging_config
from cuakhau.core.messages import LANGUAGES, translate
from cuakhau.core.schema_version import SchemaOutdated, ensure_schema_current, upgrade
from cuakhau.counterpart import cli as counterpart_commands
from cuakhau.counterpart.demo import SCENARIO as DEMO_COUNTERPART_SCENARIO
from cuakhau.crossings.booking import procedures
from cuakhau.fees import cli as tariff_commands
from cuakhau.forecast import cli as forecast_commands
from cuakhau.investment import cli as investment_commands
from cuakhau.notifications import cli as notification_commands
from cuakhau.ops.metrics import shared_metrics_folder
from cuakhau.reference.demo import IssuedCredential, demo_counterpart, load_demo
from cuakhau.reference.loader import (
    SECTIONS,
    LoadReport,
    ReferenceFileError,
    load_reference,
    shipped_file,
)
from cuakhau.simulation.cli import register as register_simulation
from cuakhau.statistics import cli as statistics_commands

app = typer.Typer(
    name="cuakhau",
    help="cuakhau: the digital border gate of a land border-gate economic zone.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db_commands.app, name="db")
app.add_typer(user_commands.app, name="users")
app.add_typer(tariff_commands.app, name="tariffs")
app.add_typer(notification_commands.app, name="notifications")
app.add_typer(investment_commands.app, name="investment")
app.add_typer(counterpart_commands.app, name="counterpart")
app.add_typer(statistics_commands.app, name="statistics")
app.add_typer(forecast_commands.app, name="forecast")
reference_app = typer.Typer(help="Reference data of a zone (gates, yards, enterprises).")
app.add_typer(reference_app, name="reference")
register_simulation(app)
register_backup(app)
console = Console()

Host = Annotated[str, typer.Option(help="Address to listen on.")]
Port = Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")]


@app.command()
def version() -> None:
    """Print the version."""
    console.print(f"cuakhau {__version__}")


def _check_ready(settings: Settings) -> None:
    try:
        _ = settings.resolved_secret_key
        engine = make_engine(settings.database_url)
        try:
            ensure_schema_current(engine, procedures())
        finally:
            engine.dispose()
    except (ConfigurationError, SchemaOutdated) as error:
        fail(str(error))


# uvicorn's own default is 5 s: on a busy host a worker importing the app took
# longer, was killed and replaced, again and again, and never served.
WORKER_START_SECONDS = 60


def _serve(
    host: str, port: int, workers: int, settings: Settings, worker_start_seconds: int
) -> None:
    with shared_metrics_folder(workers):
        uvicorn.run(
            "cuakhau.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=logging_config(settings.log_format),
            # Event streams never end by themselves; a stop must not wait for them.
            timeout_graceful_shutdown=5,
            timeout_worker_healthcheck=worker_start_seconds,
        )


@app.command()
def serve(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Server processes.")] = 1,
    worker_start_timeout: Annotated[
        int,
        typer.Option(
            min=1,
            help="Seconds a worker process may take to start, and to answer the "
            "supervisor's health check, before it is replaced.",
        ),
    ] = WORKER_START_SECONDS,
) -> None:
    """Serve the app on the configured database (CUAKHAU_DATABASE_URL)."""
    settings = Settings()
    _check_ready(settings)
    _serve(host, port, workers, settings, worker_start_timeout)


def print_load_report(report: LoadReport) -> None:
    table = Table(title="Reference data")
    for column in ("section", "created", "updated", "unchanged"):
        table.add_column(column, justify="left" if column == "section" else "right")
    for section in SECTIONS:
        counts = (report.created[section], report.updated[section], report.unchanged[section])
        if any(counts):
            table.add_row(section, *(str(c) for c in counts))
    console.print(table)


@contextmanager
def _reference_errors() -> Iterator[None]:
    try:
        yield
    except ReferenceFileError as error:
        error_console.print(f"[red]{error.path}: cannot be loaded; nothing was changed.[/red]")
        for problem in error.problems:
            error_console.print(f"  - {problem}")
        raise typer.Exit(2) from None


@reference_app.command("load")
def reference_load(
    file: Annotated[Path, typer.Argument(help="A zone's reference data file (YAML).")],
) -> None:
    """Load a zone's reference data; loading the same file again changes nothing."""
    settings = Settings()
    with _reference_errors(), open_session(settings) as session:
        report = load_reference(session, file, settings)
    print_load_report(report)


@app.command()
def demo(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    db: Annotated[Path, typer.Option(help="SQLite file for the demo (created if missing).")] = Path(
        "cuakhau-demo.db"
    ),
) -> None:
    """Create a demo database (SQLite, Lạng Sơn data, an account per role) and serve it."""
    if "CUAKHAU_DATABASE_URL" not in os.environ:
        os.environ["CUAKHAU_DATABASE_URL"] = f"sqlite:///{db.resolve()}"
    settings = Settings()
    console.print(f"Database: {settings.database_url}")
    upgrade(settings.database_url)
    with _reference_errors(), open_session(settings) as session:
        issued = load_demo(session, utcnow(), settings)
        other_side = demo_counterpart(session, settings)
    _print_demo_accounts(issued)
    if other_side is not None:
        key, secret = other_side
        console.print(
            "The other side's system at Hữu Nghị is registered; play more of it with:\n"
            f"  CUAKHAU_COUNTERPART_KEY={key} CUAKHAU_COUNTERPART_SECRET={secret} "
            f"cuakhau counterpart play {shipped_file(DEMO_COUNTERPART_SCENARIO)} "
            f"--url http://{host}:{port}",
            soft_wrap=True,
        )
    console.print(f"Open http://{host}:{port}/ (API docs: http://{host}:{port}/docs)")
    sys.stdout.flush()
    _check_ready(settings)
    _serve(host, port, 1, settings, WORKER_START_SECONDS)


def _print_demo_accounts(issued: list[IssuedCredential]) -> None:
    if not issued:
        console.print(
            "Demo accounts already exist; their passwords were printed when they were made. "
            "Set a new one with: cuakhau users set-password USERNAME"
        )
        return
    table = Table(title="Demo accounts (shown once; keep them)")
    table.add_column("username")
    table.add_column("role")
    table.add_column("password / API token")
    for credential in issued:
        table.add_row(credential.username, credential.role.value, credential.secret)
    console.print(table)


def main() -> None:
    try:
        app()
    except ValidationError as error:
        # A setting that cannot be read (say CUAKHAU_ACCESS_TOKEN_MINUTES=abc):
        # say which and why, not a traceback.
        if error.title != Settings.__name__:
            raise
        language = os.environ.get("CUAKHAU_DEFAULT_LANGUAGE", "vi")
        language = language if language in LANGUAGES else "vi"
        for problem in field_errors(list(error.errors()), language):
            name = f"CUAKHAU_{problem['field'].upper()}"
            error_console.print(
                translate("setting_invalid", language, name=name, reason=problem["message"])
            )
        raise SystemExit(2) from None
