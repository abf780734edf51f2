"""What the pages and the API show of the forecasts: the latest run's hours per
gate and direction (and the days they make) with their warning colour, how wrong
past forecasts were, hour by hour and over a month, and the open warnings."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session

from cuakhau.core.clock import local_date
from cuakhau.core.schemas import OutputSchema
from cuakhau.crossings.queue import nine_in_ten
from cuakhau.crossings.rules import policy
from cuakhau.crossings.warnings import Warning, warning_level
from cuakhau.forecast.service import run_hour
from cuakhau.models import BookingPolicy, ForecastRun, ForecastWarning, Gate, QueueForecast
from cuakhau.models.enums import Direction

# Forecasts measured over this many days make a gate's forecast error.
ERROR_PERIOD = dt.timedelta(days=30)
# The hours passed shown beside the forecast: the last day's, as forecast a day before.
MEASURED_LEAD = dt.timedelta(hours=24)


class ExpectedQueue(OutputSchema):
    """A span of the horizon: trucks waiting and the mean wait of the trucks
    crossing in it, each with its 95% interval, and its warning colour."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    queue_mean: float
    queue_low: float
    queue_high: float
    # None: no truck is expected to cross in that span.
    wait_mean_hours: float | None
    wait_low_hours: float | None
    wait_high_hours: float | None
    warning: Warning


class HourForecast(ExpectedQueue):
    """One hour of the horizon: trucks waiting at the hour's end, as the
    simulation counts them; once the hour has passed, the queue observed in it
    and the error (observed minus expected)."""

    observed_queue: float | None
    error: float | None


class DayForecast(ExpectedQueue):
    """A zone-time day made of the horizon's hours in it: the mean of their
    expected queues and of their mean waits, the lowest and highest of their
    interval bounds, and the worst colour of any of its hours."""

    day: dt.date


class GateForecast(OutputSchema):
    gate_id: int
    gate_code: str
    direction: Direction
    hours: list[HourForecast]
    days: list[DayForecast]
    # The worst colour the horizon reaches (None: green throughout) and the
    # first hour (and its day) it is reached.
    warning: Warning | None
    warning_at: dt.datetime | None
    warning_on: dt.date | None
    # The last day's hours, as the run a day before forecast them, each with the
    # queue observed and its error once measured.
    measured: list[HourForecast]


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
    # None: raised before the forecasts were hourly.
    reaches_at: dt.datetime | None
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
    """A gate and direction tomorrow (zone time), from the latest forecast's hours."""

    made_at: dt.datetime
    # How wrong this gate's forecasts of the queue have been (trucks, 9 in 10).
    error_p90_trucks: float | None
    # The hour tomorrow with the most trucks expected, and how many.
    peak_at: dt.datetime
    peak_queue: float


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
    """The error of the gate's forecasts made since ``since`` whose hour has
    passed, as ``error_summary`` measures it, summed in the database: a month
    of hourly runs is some hundred thousand forecast hours a gate."""
    error = QueueForecast.observed_queue - QueueForecast.queue_mean
    inside = and_(
        QueueForecast.queue_low <= QueueForecast.observed_queue,
        QueueForecast.observed_queue <= QueueForecast.queue_high,
    )

    def measured(*columns: ColumnElement[Any]) -> Select[Any]:
        return (
            select(*columns)
            .join(ForecastRun, ForecastRun.id == QueueForecast.run_id)
            .where(
                QueueForecast.gate_id == gate.id,
                QueueForecast.observed_queue.is_not(None),
                ForecastRun.started_at >= since,
            )
        )

    count, errors, absolute, within = session.execute(
        measured(
            func.count(),
            func.sum(error),
            func.sum(func.abs(error)),
            func.sum(case((inside, 1), else_=0)),
        )
    ).one()
    p90 = (
        session.scalar(
            measured(func.abs(error)).order_by(func.abs(error)).offset(nine_in_ten(count)).limit(1)
        )
        if count
        else None
    )
    return ForecastError(
        gate_id=gate.id,
        gate_code=gate.code,
        since=since,
        forecasts=count,
        mean_error=errors / count if count else None,
        mean_absolute_error=absolute / count if count else None,
        p90_absolute_error=p90,
        within_interval=within / count if count else None,
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
            reaches_at=warning.reaches_at,
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
    grouped: dict[tuple[int, Direction], list[HourForecast]] = defaultdict(list)
    for row in _rows(session, run, list(codes)):
        grouped[(row.gate_id, row.direction)].append(_hour(row, rules))
    measured = _measured(session, list(codes), now, rules)
    return Forecasts(
        made_at=run.started_at,
        horizon_hours=run.horizon_hours,
        replications=run.replications,
        gates=[
            _gate_forecast(
                gate_id, codes[gate_id], direction, hours, measured[(gate_id, direction)]
            )
            for (gate_id, direction), hours in grouped.items()
        ],
        errors=errors,
        warnings=warnings,
    )


def _hour(row: QueueForecast, rules: BookingPolicy) -> HourForecast:
    observed = row.observed_queue
    return HourForecast(
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        queue_mean=row.queue_mean,
        queue_low=row.queue_low,
        queue_high=row.queue_high,
        wait_mean_hours=row.wait_mean_hours,
        wait_low_hours=row.wait_low_hours,
        wait_high_hours=row.wait_high_hours,
        warning=warning_level(rules, row.queue_mean),
        observed_queue=observed,
        error=None if observed is None else observed - row.queue_mean,
    )


def _worst(warnings: Iterable[Warning]) -> Warning:
    return max(warnings, key=list(Warning).index)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def days_of(hours: list[HourForecast]) -> list[DayForecast]:
    """The zone-time days the hours make, in order."""
    by_day: dict[dt.date, list[HourForecast]] = defaultdict(list)
    for hour in hours:
        by_day[local_date(hour.starts_at)].append(hour)
    days = []
    for day, its in by_day.items():
        waits = [
            (h.wait_mean_hours, h.wait_low_hours, h.wait_high_hours)
            for h in its
            if h.wait_mean_hours is not None
        ]
        days.append(
            DayForecast(
                day=day,
                starts_at=its[0].starts_at,
                ends_at=its[-1].ends_at,
                queue_mean=sum(h.queue_mean for h in its) / len(its),
                queue_low=min(h.queue_low for h in its),
                queue_high=max(h.queue_high for h in its),
                wait_mean_hours=_mean([mean for mean, _, _ in waits]),
                wait_low_hours=min((low for _, low, _ in waits if low is not None), default=None),
                wait_high_hours=max(
                    (high for _, _, high in waits if high is not None), default=None
                ),
                warning=_worst(h.warning for h in its),
            )
        )
    return days


def _gate_forecast(
    gate_id: int,
    code: str,
    direction: Direction,
    hours: list[HourForecast],
    measured: list[HourForecast],
) -> GateForecast:
    worst = _worst(hour.warning for hour in hours)
    reached = None if worst is Warning.green else worst
    first = next((hour for hour in hours if hour.warning is worst), None) if reached else None
    return GateForecast(
        gate_id=gate_id,
        gate_code=code,
        direction=direction,
        hours=hours,
        days=days_of(hours),
        warning=reached,
        warning_at=first.starts_at if first else None,
        warning_on=local_date(first.starts_at) if first else None,
        measured=measured,
    )


def _measured(
    session: Session, gate_ids: Sequence[int], now: dt.datetime, rules: BookingPolicy
) -> dict[tuple[int, Direction], list[HourForecast]]:
    """Each gate and direction's hours of the last day, as the latest run made a
    day or more before now forecast them, with the queue observed once measured."""
    since = now - MEASURED_LEAD
    earlier = session.scalar(
        select(ForecastRun.id)
        .where(ForecastRun.finished_at.is_not(None), ForecastRun.hour <= run_hour(since))
        .order_by(ForecastRun.hour.desc())
        .limit(1)
    )
    found: dict[tuple[int, Direction], list[HourForecast]] = defaultdict(list)
    if earlier is None:
        return found
    for row in session.scalars(
        select(QueueForecast)
        .where(
            QueueForecast.run_id == earlier,
            QueueForecast.gate_id.in_(gate_ids),
            QueueForecast.starts_at >= since,
            QueueForecast.ends_at <= now,
        )
        .order_by(QueueForecast.starts_at)
    ):
        found[(row.gate_id, row.direction)].append(_hour(row, rules))
    return found


def expected_tomorrow(
    session: Session, now: dt.datetime
) -> dict[tuple[int, Direction], ExpectedTomorrow]:
    """Tomorrow at each gate and direction the latest forecast covers, made of the
    forecast's hours in it."""
    run = latest_run(session)
    if run is None:
        return {}
    tomorrow = local_date(now) + dt.timedelta(days=1)
    rules = policy(session)
    since = now - ERROR_PERIOD
    hours: dict[tuple[int, Direction], list[HourForecast]] = defaultdict(list)
    for row in session.scalars(
        select(QueueForecast)
        .where(QueueForecast.run_id == run.id)
        .order_by(QueueForecast.starts_at)
    ):
        if local_date(row.starts_at) == tomorrow:
            hours[(row.gate_id, row.direction)].append(_hour(row, rules))
    gates = {gate_id for gate_id, _ in hours}
    errors = {
        gate.id: forecast_error(session, gate, since).p90_absolute_error
        for gate in session.scalars(select(Gate).where(Gate.id.in_(gates)))
    }
    found = {}
    for (gate_id, direction), its in hours.items():
        peak = max(its, key=lambda hour: hour.queue_mean)
        found[(gate_id, direction)] = ExpectedTomorrow(
            **days_of(its)[0].model_dump(),
            made_at=run.started_at,
            error_p90_trucks=errors.get(gate_id),
            peak_at=peak.starts_at,
            peak_queue=peak.queue_mean,
        )
    return found
