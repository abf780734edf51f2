"""The hourly forecast: a short simulation from the live state, kept per gate,
direction and hour of the horizon, measured against the queue once its hour has
passed, and a notice to the board when a gate is first forecast to reach orange.

A run has three short transactions around the simulation, which holds none:
claim the hour (its row is unique, so one process of many runs it), read the
live state (recording the queue now and measuring the forecasts whose time has
passed), then write what the simulation expects.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.core.actor import Actor
from cuakhau.core.clock import ZONE_TZ, local_datetime
from cuakhau.core.config import Settings
from cuakhau.core.database import session_scope
from cuakhau.crossings.queue import trucks_waiting
from cuakhau.crossings.rules import policy
from cuakhau.crossings.warnings import Warning, warning_level
from cuakhau.models import (
    ForecastRun,
    ForecastWarning,
    Gate,
    QueueForecast,
    QueueObservation,
)
from cuakhau.models.enums import Direction, GateMode, NotificationEvent
from cuakhau.notifications.outbox import notify_board
from cuakhau.simulation.loader import load_scenario, parse_scenario
from cuakhau.simulation.scenario import Scenario
from cuakhau.simulation.snapshot import DIRECTIONS, gate_key, snapshot_scenario

FORECASTER = Actor(label="forecast")
SEED = 1
ORANGE_OR_WORSE = (Warning.orange, Warning.red)
HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class ForecastPlan:
    """How a run simulates: hours ahead, replications, worker processes, and the
    scenario lending service times and shelf life."""

    hours: int = 72
    replications: int = 5
    workers: int = 1
    template: str = "langson-baseline"


def forecast_plan(settings: Settings) -> ForecastPlan:
    return ForecastPlan(
        hours=settings.forecast_hours,
        replications=settings.forecast_replications,
        workers=settings.forecast_workers,
        template=settings.forecast_template,
    )


@dataclass(frozen=True)
class Period:
    """The part of one zone-time day the horizon covers."""

    day: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime


def periods(now: dt.datetime, hours: int) -> list[Period]:
    """The zone-time days from ``now`` to ``hours`` later, each cut to the horizon."""
    end = now + dt.timedelta(hours=hours)
    first = now.astimezone(ZONE_TZ).date()
    last = (end - dt.timedelta(microseconds=1)).astimezone(ZONE_TZ).date()
    found = []
    for offset in range((last - first).days + 1):
        day = first + dt.timedelta(days=offset)
        starts = max(now, local_datetime(day, dt.time(0)))
        ends = min(end, local_datetime(day + dt.timedelta(days=1), dt.time(0)))
        found.append(Period(day, starts, ends))
    return found


def run_hour(now: dt.datetime) -> dt.datetime:
    return now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def hours_ahead(now: dt.datetime, hours: int) -> list[Period]:
    """The horizon's hours: ``hours`` of them from the run's hour on, the first cut
    to start at ``now`` (a forecast says nothing of the minutes before it)."""
    first = run_hour(now)
    found = []
    for offset in range(hours):
        starts = first + dt.timedelta(hours=offset)
        found.append(Period(starts.astimezone(ZONE_TZ).date(), max(now, starts), starts + HOUR))
    return found


def run_forecast(
    factory: sessionmaker[Session],
    *,
    now: dt.datetime,
    plan: ForecastPlan,
    on_replication: Callable[[], None] | None = None,
) -> int | None:
    """Forecast from ``now``; the run's id, or None when another process (or an
    earlier call) has already taken this hour."""
    run_id = claim_hour(factory, now=now, plan=plan)
    if run_id is None:
        return None
    try:
        with session_scope(factory, FORECASTER) as session:
            record_observations(session, now=now)
            measure_forecasts(session, now=now)
            raw = snapshot_scenario(
                session, now=now, days_ahead=len(periods(now, plan.hours)),
                template=load_scenario(plan.template),
            )  # fmt: skip
            gates = {gate_key(gate): gate.id for gate in _active_gates(session)}
        expected = simulate_ways(raw, plan, now, on_replication)
        with session_scope(factory, FORECASTER) as session:
            finish_run(session, run_id, gates, expected, now=now)
    except Exception as error:
        with session_scope(factory, FORECASTER) as session:
            failed = session.get_one(ForecastRun, run_id)
            failed.failure = (str(error).splitlines() or [type(error).__name__])[0][:500]
        raise
    return run_id


def claim_hour(
    factory: sessionmaker[Session], *, now: dt.datetime, plan: ForecastPlan
) -> int | None:
    """Insert the hour's run row, committed at once so every other process sees
    the hour is taken; None if it already was (looked up first, so the processes
    trying every few minutes do not fill the server's log with refused inserts)."""
    hour = run_hour(now)
    try:
        with session_scope(factory, FORECASTER) as session:
            if session.scalar(select(ForecastRun.id).where(ForecastRun.hour == hour)):
                return None
            run = ForecastRun(
                hour=hour,
                started_at=now,
                horizon_hours=plan.hours,
                replications=plan.replications,
                seed=SEED,
            )
            session.add(run)
            session.flush()
            return run.id
    except IntegrityError:
        return None


def _active_gates(session: Session) -> list[Gate]:
    return list(session.scalars(select(Gate).where(Gate.is_active.is_(True)).order_by(Gate.id)))


def _handled(gate: Gate) -> list[Direction]:
    return [
        direction
        for direction, handled in (
            (Direction.export, gate.handles_export),
            (Direction.import_, gate.handles_import),
        )
        if handled
    ]


def record_observations(session: Session, *, now: dt.datetime) -> None:
    """The queue now at each gate and direction, as the wait times count it."""
    for gate in _active_gates(session):
        for direction in _handled(gate):
            session.add(
                QueueObservation(
                    gate_id=gate.id,
                    direction=direction,
                    at=now,
                    trucks_waiting=trucks_waiting(session, gate.id, direction),
                )
            )
    session.flush()


def measure_forecasts(session: Session, *, now: dt.datetime) -> int:
    """Each forecast whose period (an hour) has ended gets the mean of the queues
    observed in it (None if none was); the number measured."""
    due = list(
        session.scalars(
            select(QueueForecast).where(
                QueueForecast.measured_at.is_(None), QueueForecast.ends_at <= now
            )
        )
    )
    for forecast in due:
        seen = list(
            session.scalars(
                select(QueueObservation.trucks_waiting).where(
                    QueueObservation.gate_id == forecast.gate_id,
                    QueueObservation.direction == forecast.direction,
                    QueueObservation.at >= forecast.starts_at,
                    QueueObservation.at < forecast.ends_at,
                )
            )
        )
        forecast.measured_at = now
        forecast.observed_queue = sum(seen) / len(seen) if seen else None
    session.flush()
    return len(due)


@dataclass(frozen=True)
class Expected:
    """One gate, one direction, one hour of the horizon (its index in
    ``hours_ahead``), as the simulation has it."""

    gate: str
    direction: Direction
    hour_index: int
    queue: tuple[float, float, float]
    wait_hours: tuple[float, float, float] | None


def one_way(raw: dict[str, Any], direction: Direction) -> dict[str, Any] | None:
    """The snapshot with only one direction's gates, trucks and demand; None if no
    gate takes that direction. The engine reports per gate, so the directions run
    apart: each direction's customs counts every officer of its gate."""
    name = DIRECTIONS[direction]
    gates = {}
    for key, gate in raw["gates"].items():
        if name not in gate["crossing"]:
            continue
        kept = {**gate, "crossing": {name: gate["crossing"][name]}}
        yards = {way: spaces for way, spaces in gate.get("yards", {}).items() if way == name}
        kept.pop("yards", None)
        if yards:
            kept["yards"] = yards
        gates[key] = kept
    if not gates:
        return None
    return {
        **raw,
        "name": f"{raw['name']}-{name}",
        "gates": gates,
        "arrivals": [stream for stream in raw["arrivals"] if stream["direction"] == name],
        "initial": {
            **raw["initial"],
            "trucks": [t for t in raw["initial"]["trucks"] if t["direction"] == name],
        },
        "bookings": [booked for booked in raw["bookings"] if booked["direction"] == name],
    }


def simulate_ways(
    raw: dict[str, Any],
    plan: ForecastPlan,
    now: dt.datetime,
    on_replication: Callable[[], None] | None = None,
) -> list[Expected]:
    """Run each direction's scenario; every gate's queue and wait, hour by hour
    from the run's hour on."""
    from cuakhau.simulation.runner import simulate

    expected = []
    for direction in Direction:
        way = one_way(raw, direction)
        if way is None:
            continue
        scenario: Scenario = parse_scenario(way, label="forecast")
        result = simulate(
            scenario,
            replications=plan.replications,
            seed=SEED,
            workers=plan.workers,
            on_replication=on_replication,
            hourly=True,
        )
        # The hourly series starts at the scenario's first midnight (zone time).
        first = (run_hour(now) - local_datetime(scenario.start, dt.time(0))) // HOUR
        for key in scenario.gates:
            queue, wait = (
                result.hourly[key]["trucks_waiting"],
                result.hourly[key]["wait_mean_hours"],
            )
            for index in range(plan.hours):
                at = first + index
                waits = (wait.mean[at], wait.low[at], wait.high[at])
                expected.append(
                    Expected(
                        gate=key,
                        direction=direction,
                        hour_index=index,
                        queue=(queue.mean[at], queue.low[at], queue.high[at]),
                        wait_hours=None if any(map(math.isnan, waits)) else waits,
                    )
                )
    return expected


def finish_run(
    session: Session,
    run_id: int,
    gates: dict[str, int],
    expected: list[Expected],
    *,
    now: dt.datetime,
) -> None:
    """Keep what the simulation expects, warn the board, and mark the run done."""
    run = session.get_one(ForecastRun, run_id)
    store_forecasts(session, run_id, gates, expected, now=now, hours=run.horizon_hours)
    warn_board(session, run_id, now=now)
    run.finished_at = now
    session.flush()


def store_forecasts(
    session: Session,
    run_id: int,
    gates: dict[str, int],
    expected: list[Expected],
    *,
    now: dt.datetime,
    hours: int,
) -> None:
    horizon = hours_ahead(now, hours)
    for item in expected:
        if item.gate not in gates or item.hour_index >= len(horizon):
            continue
        period = horizon[item.hour_index]
        mean, low, high = (float(value) for value in item.queue)
        wait = item.wait_hours
        session.add(
            QueueForecast(
                run_id=run_id,
                gate_id=gates[item.gate],
                direction=item.direction,
                starts_at=period.starts_at,
                ends_at=period.ends_at,
                queue_mean=mean,
                queue_low=low,
                queue_high=high,
                wait_mean_hours=float(wait[0]) if wait else None,
                wait_low_hours=float(wait[1]) if wait else None,
                wait_high_hours=float(wait[2]) if wait else None,
            )
        )
    session.flush()


def warn_board(session: Session, run_id: int, *, now: dt.datetime) -> None:
    """Raise a warning (and tell the board) for each road gate and direction this
    run first expects to reach orange in some hour; clear those it no longer
    expects to."""
    rules = policy(session)
    forecasts = session.scalars(
        select(QueueForecast)
        .where(QueueForecast.run_id == run_id)
        .order_by(QueueForecast.gate_id, QueueForecast.direction, QueueForecast.starts_at)
    )
    first_orange: dict[tuple[int, Direction], QueueForecast | None] = {}
    for forecast in forecasts:
        key = (forecast.gate_id, forecast.direction)
        if first_orange.get(key) is None:
            alarming = warning_level(rules, forecast.queue_mean) in ORANGE_OR_WORSE
            first_orange[key] = forecast if alarming else None
    open_warnings = {
        (warning.gate_id, warning.direction): warning
        for warning in session.scalars(
            select(ForecastWarning).where(ForecastWarning.cleared_at.is_(None))
        )
    }
    road = {gate.id: gate for gate in _active_gates(session) if gate.mode is GateMode.road}
    for (gate_id, direction), reached in first_orange.items():
        gate = road.get(gate_id)
        if gate is None:
            continue
        raised = open_warnings.get((gate_id, direction))
        if reached is not None and raised is None:
            reaches_on = reached.starts_at.astimezone(ZONE_TZ).date()
            session.add(
                ForecastWarning(
                    gate_id=gate_id,
                    direction=direction,
                    raised_at=now,
                    reaches_on=reaches_on,
                    reaches_at=reached.starts_at,
                    expected_queue=reached.queue_mean,
                )
            )
            notify_board(
                session,
                NotificationEvent.forecast_orange,
                at=now,
                gate_id=gate_id,
                gate_code=gate.code,
                direction=direction.value,
                reaches_on=reaches_on.isoformat(),
                reaches_at=reached.starts_at.isoformat(),
                expected_queue=round(reached.queue_mean, 1),
                threshold=rules.warning_orange,
            )
        elif reached is None and raised is not None:
            raised.cleared_at = now
    session.flush()


def forecast_job(
    factory: sessionmaker[Session], plan: ForecastPlan, clock: Callable[[], dt.datetime]
) -> Callable[[], object]:
    """The hourly forecast, for ``core.periodic.every``: each app process tries
    each hour, and the one that claims it runs it."""

    def run() -> None:
        run_forecast(factory, now=clock(), plan=plan)

    return run
