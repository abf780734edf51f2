"""The hourly forecast: one run per hour across processes, what it records, how its
error is measured, and one notice to the board per crossing of orange."""

from __future__ import annotations

import datetime as dt
import itertools
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.core.clock import ZONE_TZ
from cuakhau.crossings.booking import arrive
from cuakhau.crossings.rules import policy
from cuakhau.forecast.service import (
    Expected,
    ForecastPlan,
    claim_hour,
    finish_run,
    measure_forecasts,
    periods,
    run_forecast,
)
from cuakhau.forecast.views import forecast_error, forecasts
from cuakhau.models import (
    ForecastRun,
    ForecastWarning,
    Gate,
    Notification,
    QueueForecast,
    QueueObservation,
)
from cuakhau.models.enums import Direction, NotificationEvent
from cuakhau.simulation.snapshot import gate_key
from tests.conftest import Database
from tests.factories import make_booking, make_enterprise, make_open_gate

MORNING = dt.datetime(2026, 12, 8, 11, 30, tzinfo=ZONE_TZ)
PLAN = ForecastPlan(hours=72, replications=2, workers=1)


def _zone_with_trucks(db: Database, now: dt.datetime, trucks: int = 4) -> int:
    with db.write() as session:
        gate = make_open_gate(session)
        enterprise = make_enterprise(session)
        for _ in range(trucks):
            crossing = make_booking(session, enterprise, gate, now=now)
            arrive(session, crossing, now)
        return gate.id


def test_the_horizon_is_cut_into_zone_days() -> None:
    cut = periods(MORNING, 72)
    assert [period.day.isoformat() for period in cut] == [
        "2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11",
    ]  # fmt: skip
    assert cut[0].starts_at == MORNING
    assert cut[-1].ends_at == MORNING + dt.timedelta(hours=72)
    assert all(a.ends_at == b.starts_at for a, b in itertools.pairwise(cut))
    # From midnight, 72 hours are exactly three days.
    assert len(periods(dt.datetime(2026, 12, 8, tzinfo=ZONE_TZ), 72)) == 3


def test_a_run_records_the_queue_now_and_the_days_ahead(db: Database) -> None:
    gate_id = _zone_with_trucks(db, MORNING)
    run_id = run_forecast(db.factory, now=MORNING, plan=PLAN)
    assert run_id is not None
    run = db.scalar(select(ForecastRun).where(ForecastRun.id == run_id))
    assert run.finished_at == MORNING
    assert run.failure is None
    observed = db.scalars(select(QueueObservation).order_by(QueueObservation.direction))
    assert [(o.direction, o.trucks_waiting) for o in observed] == [
        (Direction.export, 4),
        (Direction.import_, 0),
    ]
    rows = db.scalars(
        select(QueueForecast)
        .where(QueueForecast.direction == Direction.export)
        .order_by(QueueForecast.starts_at)
    )
    assert [row.starts_at for row in rows] == [p.starts_at for p in periods(MORNING, 72)]
    assert all(row.gate_id == gate_id for row in rows)
    assert all(0 <= row.queue_low <= row.queue_mean <= row.queue_high for row in rows)
    # The four trucks in the zone wait on the first day; nothing is typed in.
    assert rows[0].queue_mean > 0


def test_the_same_hour_runs_once_even_when_asked_at_once(db: Database) -> None:
    with db.write() as session:
        make_open_gate(session)
    results: list[int | None] = []

    def claim() -> None:
        results.append(claim_hour(db.factory, now=MORNING, plan=PLAN))

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([r for r in results if r is not None]) == 1
    assert run_forecast(db.factory, now=MORNING + dt.timedelta(minutes=20), plan=PLAN) is None
    assert db.count(ForecastRun) == 1
    assert run_forecast(db.factory, now=MORNING + dt.timedelta(minutes=40), plan=PLAN) is not None


def _forecast(session: Session, run_id: int, gate: Gate, queues: list[float], now: dt.datetime):
    finish_run(
        session,
        run_id,
        {gate_key(gate): gate.id},
        [
            Expected(gate_key(gate), Direction.export, index, (q, q * 0.8, q * 1.2), None)
            for index, q in enumerate(queues)
        ],
        now=now,
    )


def _new_run(factory: sessionmaker[Session], now: dt.datetime) -> int:
    run_id = claim_hour(factory, now=now, plan=PLAN)
    assert run_id is not None
    return run_id


def test_the_board_is_told_once_per_crossing_of_orange(db: Database) -> None:
    with db.write() as session:
        gate = make_open_gate(session)
        rules = policy(session)
        rules.warning_yellow, rules.warning_orange, rules.warning_red = 10, 20, 50

    def hour(n: int, queues: list[float]) -> None:
        now = MORNING + dt.timedelta(hours=n)
        run_id = _new_run(db.factory, now)
        with db.write() as session:
            _forecast(session, run_id, session.get_one(Gate, gate.id), queues, now)

    hour(0, [5, 12, 25, 30])  # orange on the third day: told
    hour(1, [5, 14, 26, 31])  # still orange: not told again
    notices = db.scalars(select(Notification))
    assert len(notices) == 1
    notice = notices[0]
    assert notice.event is NotificationEvent.forecast_orange
    assert notice.enterprise_id is None
    assert notice.payload["reaches_on"] == "2026-12-10"
    assert notice.payload["direction"] == "export"
    hour(2, [5, 8, 9, 9])  # no longer: the warning is cleared, nobody told
    assert db.count(Notification) == 1
    assert db.count(ForecastWarning, ForecastWarning.cleared_at.is_(None)) == 0
    hour(3, [21, 30, 30, 30])  # crosses again, today
    notices = db.scalars(select(Notification).order_by(Notification.id))
    assert [n.payload["reaches_on"] for n in notices] == ["2026-12-10", "2026-12-08"]
    with db.write() as session:
        shown = forecasts(session, [session.get_one(Gate, gate.id)], MORNING)
    assert [(w.gate_code, w.reaches_on.isoformat()) for w in shown.warnings] == [
        (gate.code, "2026-12-08")
    ]


def test_a_past_forecast_is_measured_against_the_queue_observed(db: Database) -> None:
    with db.write() as session:
        gate = make_open_gate(session)
    run_id = _new_run(db.factory, MORNING)
    with db.write() as session:
        _forecast(session, run_id, session.get_one(Gate, gate.id), [10, 20, 30, 40], MORNING)
        # Observed today after the forecast: 12 then 16 trucks, mean 14 (10 forecast).
        for hours, waiting in ((1, 12), (2, 16), (30, 99)):
            session.add(
                QueueObservation(
                    gate_id=gate.id,
                    direction=Direction.export,
                    at=MORNING + dt.timedelta(hours=hours),
                    trucks_waiting=waiting,
                )
            )
    later = MORNING + dt.timedelta(hours=13)  # today (zone time) has ended
    with db.write() as session:
        assert measure_forecasts(session, now=later) == 1
        assert measure_forecasts(session, now=later) == 0  # measured once
        error = forecast_error(session, session.get_one(Gate, gate.id), MORNING)
    assert error.forecasts == 1
    assert error.mean_error == 4.0  # 14 observed against 10 forecast
    assert error.p90_absolute_error == 4.0
    assert error.within_interval == 0.0  # 14 is above the interval's 12
