"""What the pages and the API show of the forecasts: the latest run's days per
gate and direction with their warning colour, how wrong past forecasts were, and
the open warnings."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.core.clock import ZONE_TZ, local_date
from cuakhau.core.schemas import OutputSchema
from cuakhau.crossings.queue import error_summary
from cuakhau.crossings.rules import policy
from cuakhau.crossings.warnings import Warning, warning_level
from cuakhau.models import BookingPolicy, ForecastRun, ForecastWarning, Gate, QueueForecast
from cuakhau.models.enums import Direction

# Forecasts measured over this many days make a gate's forecast error.
ERROR_PERIOD = dt.timedelta(days=30)


class DayForecast(OutputSchema):
    day: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    queue_mean: float
    queue_low: float
    queue_high: float
    wait_mean_hours: float | None
    wait_low_hours: float | None
    wait_high_hours: float | None
    warning: Warning


class GateForecast(OutputSchema):
    gate_id: int
    gate_code: str
    direction: Direction
    days: list[DayForecast]
    # The worst colour the horizon reaches (None: green throughout) and the
    # first day it is reached.
    warning: Warning | None
    warning_on: dt.date | None


class ForecastError(OutputSchema):
    """Past forecasts of a gate's queue (trucks waiting) against the queue observed:
    a positive mean error means more trucks waited than forecast."""

    gate_id: int
    gate_code: str
    since: dt.datetime
    forecasts: int
    mean_error: float | None
    mean_absolute_error: float | None
    p90_absolute_error: float | None
    # The share of observed queues inside the forecast's 95% interval.
    within_interval: float | None


class OpenWarning(OutputSchema):
    gate_id: int
    gate_code: str
    direction: Direction
    raised_at: dt.datetime
    reaches_on: dt.date
    expected_queue: float


class Forecasts(OutputSchema):
    # None: no forecast has been made yet.
    made_at: dt.datetime | None
    horizon_hours: int | None
    replications: int | None
    gates: list[GateForecast]
    errors: list[ForecastError]
    warnings: list[OpenWarning]


class ExpectedTomorrow(DayForecast):
    """A gate and direction tomorrow (zone time), from the latest forecast."""

    made_at: dt.datetime
    # How wrong this gate's forecasts of the queue have been (trucks, 9 in 10).
    error_p90_trucks: float | None


def latest_run(session: Session) -> ForecastRun | None:
    return session.scalar(
        select(ForecastRun)
        .where(ForecastRun.finished_at.is_not(None))
        .order_by(ForecastRun.hour.desc())
        .limit(1)
    )


def _rows(session: Session, run: ForecastRun, gate_ids: Sequence[int]) -> list[QueueForecast]:
    return list(
        session.scalars(
            select(QueueForecast)
            .where(QueueForecast.run_id == run.id, QueueForecast.gate_id.in_(gate_ids))
            .order_by(QueueForecast.gate_id, QueueForecast.direction, QueueForecast.starts_at)
        )
    )


def forecast_error(session: Session, gate: Gate, since: dt.datetime) -> ForecastError:
    measured = session.execute(
        select(QueueForecast.queue_mean, QueueForecast.queue_low, QueueForecast.queue_high,
               QueueForecast.observed_queue)
        .join(ForecastRun, ForecastRun.id == QueueForecast.run_id)
        .where(
            QueueForecast.gate_id == gate.id,
            QueueForecast.observed_queue.is_not(None),
            ForecastRun.started_at >= since,
        )
    ).all()  # fmt: skip
    summary = error_summary([observed - mean for mean, _, _, observed in measured])
    inside = sum(1 for _, low, high, observed in measured if low <= observed <= high)
    return ForecastError(
        gate_id=gate.id,
        gate_code=gate.code,
        since=since,
        forecasts=len(measured),
        mean_error=summary.mean,
        mean_absolute_error=summary.mean_absolute,
        p90_absolute_error=summary.p90_absolute,
        within_interval=inside / len(measured) if measured else None,
    )


def forecasts(session: Session, gates: Sequence[Gate], now: dt.datetime) -> Forecasts:
    """The latest forecast of ``gates``, their forecast errors and open warnings."""
    run = latest_run(session)
    since = now - ERROR_PERIOD
    errors = [forecast_error(session, gate, since) for gate in gates]
    codes = {gate.id: gate.code for gate in gates}
    warnings = [
        OpenWarning(
            gate_id=warning.gate_id,
            gate_code=codes[warning.gate_id],
            direction=warning.direction,
            raised_at=warning.raised_at,
            reaches_on=warning.reaches_on,
            expected_queue=warning.expected_queue,
        )
        for warning in session.scalars(
            select(ForecastWarning)
            .where(ForecastWarning.cleared_at.is_(None), ForecastWarning.gate_id.in_(codes))
            .order_by(ForecastWarning.reaches_on, ForecastWarning.id)
        )
    ]
    if run is None:
        return Forecasts(
            made_at=None, horizon_hours=None, replications=None, gates=[], errors=errors,
            warnings=warnings,
        )  # fmt: skip
    rules = policy(session)
    grouped: dict[tuple[int, Direction], list[DayForecast]] = defaultdict(list)
    for row in _rows(session, run, list(codes)):
        grouped[(row.gate_id, row.direction)].append(_day(row, rules))
    return Forecasts(
        made_at=run.started_at,
        horizon_hours=run.horizon_hours,
        replications=run.replications,
        gates=[
            _gate_forecast(gate_id, codes[gate_id], direction, days)
            for (gate_id, direction), days in grouped.items()
        ],
        errors=errors,
        warnings=warnings,
    )


def _day(row: QueueForecast, rules: BookingPolicy) -> DayForecast:
    return DayForecast(
        day=row.starts_at.astimezone(ZONE_TZ).date(),
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        queue_mean=row.queue_mean,
        queue_low=row.queue_low,
        queue_high=row.queue_high,
        wait_mean_hours=row.wait_mean_hours,
        wait_low_hours=row.wait_low_hours,
        wait_high_hours=row.wait_high_hours,
        warning=warning_level(rules, row.queue_mean),
    )


def _gate_forecast(
    gate_id: int, code: str, direction: Direction, days: list[DayForecast]
) -> GateForecast:
    order = list(Warning)
    worst = max((day.warning for day in days), key=order.index)
    reached = None if worst is Warning.green else worst
    return GateForecast(
        gate_id=gate_id,
        gate_code=code,
        direction=direction,
        days=days,
        warning=reached,
        warning_on=next((day.day for day in days if day.warning is worst), None)
        if reached
        else None,
    )


def expected_tomorrow(
    session: Session, now: dt.datetime
) -> dict[tuple[int, Direction], ExpectedTomorrow]:
    """Tomorrow at each gate and direction the latest forecast covers."""
    run = latest_run(session)
    if run is None:
        return {}
    tomorrow = local_date(now) + dt.timedelta(days=1)
    rules = policy(session)
    since = now - ERROR_PERIOD
    rows = [
        row
        for row in session.scalars(select(QueueForecast).where(QueueForecast.run_id == run.id))
        if row.starts_at.astimezone(ZONE_TZ).date() == tomorrow
    ]
    gates = {row.gate_id for row in rows}
    errors = {
        gate.id: forecast_error(session, gate, since).p90_absolute_error
        for gate in session.scalars(select(Gate).where(Gate.id.in_(gates)))
    }
    return {
        (row.gate_id, row.direction): ExpectedTomorrow(
            **_day(row, rules).model_dump(),
            made_at=run.started_at,
            error_p90_trucks=errors.get(row.gate_id),
        )
        for row in rows
    }
