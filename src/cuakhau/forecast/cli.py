"""``cuakhau forecast run``: the hourly forecast, run once now."""

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from cuakhau.core.config import Settings
from cuakhau.core.messages import translate

app = typer.Typer(help="Queue forecasts from the live state.", no_args_is_help=True)


@app.command("run")
def run_command(
    hours: Annotated[int, typer.Option(min=1, max=24 * 14, help="Hours ahead.")] = 72,
    replications: Annotated[
        int, typer.Option("--replications", "-n", min=2, max=50, help="Replications.")
    ] = 5,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Processes.")] = 1,
) -> None:
    """Forecast every gate's queue from now, as the app does every hour."""
    from cuakhau.cli.common import fail
    from cuakhau.core.clock import utcnow
    from cuakhau.core.database import make_engine
    from cuakhau.core.schema_version import SchemaOutdated, ensure_schema_current
    from cuakhau.forecast.service import ForecastPlan, run_forecast
    from cuakhau.models.enums import Direction
    from cuakhau.sessions import audited_session_factory
    from cuakhau.simulation.snapshot import SnapshotError

    settings = Settings()
    language = settings.default_language
    plan = ForecastPlan(
        hours=hours, replications=replications, workers=workers, template=settings.forecast_template
    )
    engine = make_engine(settings.database_url)
    try:
        ensure_schema_current(engine)
        columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn())
        with Progress(*columns, TimeElapsedColumn(), transient=True) as progress:
            # Each direction is its own run of ``replications``.
            task = progress.add_task(
                translate("forecast_progress", language), total=replications * len(Direction)
            )
            run_id = run_forecast(
                audited_session_factory(engine),
                now=utcnow(),
                plan=plan,
                on_replication=lambda: progress.advance(task),
            )
    except SchemaOutdated as error:
        fail(str(error))
    except SnapshotError as error:
        fail(translate(error.code, language))
    finally:
        engine.dispose()
    console = Console(soft_wrap=True)
    if run_id is None:
        console.print(translate("forecast_hour_taken", language))
    else:
        console.print(translate("forecast_done", language, run=run_id, hours=hours))
