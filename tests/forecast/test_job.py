"""The forecast inside the app: off in the tests unless turned on; turned on, each
process tries every interval and the hour is run once; and the command line."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from cuakhau.app import create_app
from cuakhau.cli.app import app as cli
from cuakhau.core.config import Settings
from cuakhau.forecast.service import run_hour
from cuakhau.models import ForecastRun, QueueForecast
from tests.conftest import Database
from tests.factories import make_open_gate

from .test_service import MORNING

runner = CliRunner()


def test_the_app_runs_the_hours_forecast_once_in_the_background(
    client: TestClient, db: Database, settings: Settings
) -> None:
    with db.write() as session:
        make_open_gate(session)
    assert db.count(ForecastRun) == 0  # the shared app runs no job
    working = settings.model_copy(
        update={
            "background_jobs": True,
            "webhook_interval_seconds": 0,
            "no_show_sweep_seconds": 0,
            "forecast_interval_seconds": 0.2,
            "forecast_replications": 2,
            "forecast_workers": 1,
        }
    )
    # Two app processes' worth of jobs on one clock: one run for the hour.
    with (
        TestClient(create_app(working, clock=lambda: MORNING)) as first,
        TestClient(create_app(working, clock=lambda: MORNING)),
    ):
        deadline = time.monotonic() + 60
        while not db.scalars(select(ForecastRun).where(ForecastRun.finished_at.is_not(None))):
            assert time.monotonic() < deadline, "no forecast finished within a minute"
            # The event loop serves while the forecast runs in its thread.
            assert first.get("/healthz").status_code == 200
            time.sleep(0.2)
        time.sleep(0.5)  # further passes of both apps find the hour taken
    runs = db.scalars(select(ForecastRun))
    assert [run.hour for run in runs] == [run_hour(MORNING)]
    assert db.count(QueueForecast) > 0


def test_forecast_run_from_the_command_line(db: Database, database_url: str) -> None:
    with db.write() as session:
        make_open_gate(session)
    env = {"CUAKHAU_DATABASE_URL": database_url, "CUAKHAU_DEFAULT_LANGUAGE": "en"}
    ran = runner.invoke(cli, ["forecast", "run", "-n", "2"], env=env)
    assert ran.exit_code == 0, ran.output
    assert "Forecast 1 recorded for the next 72 hours." in ran.output
    assert db.count(QueueForecast) > 0
    refused = runner.invoke(cli, ["forecast", "run", "-n", "1"], env=env)
    assert refused.exit_code == 2
