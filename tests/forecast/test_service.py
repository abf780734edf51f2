"""The hourly forecast: one run per hour across processes, the hours it records, how
each hour's error is measured, and one notice to the board per crossing of orange."""

from __future__ import annotations

import datetime as dt
import itertools
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.core.clock import ZONE_TZ, local_date
from cuakhau.crossings.booking import arrive
from cuakhau.crossings.rules import policy
from cuakhau.forecast.service import (
    Expected,
    ForecastPlan,
    claim_hour,
    finish_run,
    hours_ahead,
    measure_forecasts,
    periods,
    run_forecast,
)
from cuakhau.forecast.views import expected_tomorrow, forecast_error, forecasts
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


def test_the_horizon_is_cut_into_hours_from_the_runs_hour() -> None:
    cut = hours_ahead(MORNING, 72)
    assert len(cut) == 72
    assert cut[0].starts_at == MORNING  # 11:30, not the hour's 11:00
    assert cut[0].ends_at == cut[1].starts_at == MORNING + dt.timedelta(minutes=30)
    assert cut[-1].ends_at == MORNING + dt.timedelta(hours=71, minutes=30)
    assert all(a.ends_at == b.starts_at for a, b in itertools.pairwise(cut))
    # Zone time: 13 hours left today (11:00 to midnight), then 24, 24 and 11.
    days = [period.day.isoformat() for period in cut]
    assert [days.count(day) for day in sorted(set(days))] == [13, 24, 24, 11]


def test_a_run_records_the_queue_now_and_the_hours_ahead(db: Database) -> None:
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
    assert [row.starts_at for row in rows] == [p.starts_at for p in hours_ahead(MORNING, 72)]
    assert all(row.gate_id == gate_id for row in rows)
    assert all(0 <= row.queue_low <= row.queue_mean <= row.queue_high for row in rows)
    # The four trucks in the zone are waiting in the first hour; nothing is typed in.
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


def _by_day(now: dt.datetime, per_day: list[float]) -> list[float]:
    """Each hour of the horizon from ``now`` gets its zone-time day's queue."""
    today = local_date(now)
    return [per_day[(period.day - today).days] for period in hours_ahead(now, 72)]


def _forecast(session: Session, run_id: int, gate: Gate, per_day: list[float], now: dt.datetime):
    finish_run(
        session,
        run_id,
        {gate_key(gate): gate.id},
        [
            Expected(gate_key(gate), Direction.export, index, (q, q * 0.8, q * 1.2), None)
            for index, q in enumerate(_by_day(now, per_day))
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
    # The first hour of the third day (zone time), as the hourly points have it.
    reaches_at = dt.datetime.fromisoformat(notice.payload["reaches_at"])
    assert reaches_at == dt.datetime(2026, 12, 10, 0, 0, tzinfo=ZONE_TZ)
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
    # Kept with the warning: the hour orange is first expected, the run's own.
    assert [w.reaches_at for w in shown.warnings] == [MORNING + dt.timedelta(hours=3)]


def test_a_past_hour_is_measured_against_the_queue_observed(db: Database) -> None:
    with db.write() as session:
        gate = make_open_gate(session)
    run_id = _new_run(db.factory, MORNING)
    with db.write() as session:
        _forecast(session, run_id, session.get_one(Gate, gate.id), [10, 20, 30, 40], MORNING)
        # Observed today after the forecast: 12 at 12:30 and 16 at 13:30 (10 forecast
        # each hour); 99 the next afternoon, an hour not yet passed.
        for hours, waiting in ((1, 12), (2, 16), (30, 99)):
            session.add(
                QueueObservation(
                    gate_id=gate.id,
                    direction=Direction.export,
                    at=MORNING + dt.timedelta(hours=hours),
                    trucks_waiting=waiting,
                )
            )
    later = MORNING + dt.timedelta(hours=13)  # 00:30: today's 13 hours have passed
    with db.write() as session:
        assert measure_forecasts(session, now=later) == 13
        assert measure_forecasts(session, now=later) == 0  # measured once
        error = forecast_error(session, session.get_one(Gate, gate.id), MORNING)
        rows = session.scalars(
            select(QueueForecast)
            .where(QueueForecast.measured_at.is_not(None))
            .order_by(QueueForecast.starts_at)
        ).all()
    # Only the hours with an observation count: 12:00–13:00 and 13:00–14:00.
    assert [row.observed_queue for row in rows[:4]] == [None, 12.0, 16.0, None]
    assert error.forecasts == 2
    assert error.mean_error == 4.0  # errors of 2 and 6 trucks
    assert error.p90_absolute_error == 6.0
    assert error.within_interval == 0.5  # 12 is inside 8–12, 16 is not


def test_the_board_sees_hours_days_the_first_warning_hour_and_hours_measured(
    db: Database,
) -> None:
    """The board's forecast: 72 hours, the days they make, the first hour orange is
    expected; the last day's hours shown beside the forecast a day ahead of them."""
    with db.write() as session:
        gate = make_open_gate(session)
        rules = policy(session)
        rules.warning_yellow, rules.warning_orange, rules.warning_red = 10, 20, 50
    yesterday = MORNING - dt.timedelta(days=1)
    earlier = _new_run(db.factory, yesterday)
    with db.write() as session:
        _forecast(session, earlier, session.get_one(Gate, gate.id), [8, 8, 8, 8], yesterday)
        session.add(
            QueueObservation(
                gate_id=gate.id, direction=Direction.export,
                at=MORNING - dt.timedelta(hours=2), trucks_waiting=11,
            )
        )  # fmt: skip
    run_id = _new_run(db.factory, MORNING)
    with db.write() as session:
        measure_forecasts(session, now=MORNING)
        queues = _by_day(MORNING, [5, 12, 25, 30])
        queues[5] = 21.0  # orange for one hour at 16:00 today
        finish_run(
            session,
            run_id,
            {gate_key(gate): gate.id},
            [
                Expected(gate_key(gate), Direction.export, i, (q, q - 1, q + 1), (2.0, 1.0, 3.0))
                for i, q in enumerate(queues)
            ],
            now=MORNING,
        )
        shown = forecasts(session, [session.get_one(Gate, gate.id)], MORNING)
        tomorrow = expected_tomorrow(session, MORNING)
    (export,) = shown.gates
    assert len(export.hours) == 72
    assert export.warning == "orange"
    assert export.warning_at == dt.datetime(2026, 12, 8, 16, 0, tzinfo=ZONE_TZ)
    assert export.warning_on == dt.date(2026, 12, 8)
    assert [round(day.queue_mean, 2) for day in export.days] == [
        round((5 * 12 + 21) / 13, 2), 12, 25, 30,
    ]  # fmt: skip
    assert [day.warning for day in export.days] == ["orange", "yellow", "orange", "orange"]
    assert (export.days[0].queue_low, export.days[0].queue_high) == (4, 22)
    # Yesterday's run forecast 8 for 09:00–10:00 today, 11 were seen: 3 more.
    (hour,) = [h for h in export.measured if h.observed_queue is not None]
    assert hour.starts_at == dt.datetime(2026, 12, 8, 9, 0, tzinfo=ZONE_TZ)
    assert (hour.queue_mean, hour.observed_queue, hour.error) == (8, 11, 3)
    # Yesterday's run, 11:30 to 11:00 today: 24 hours, one of them seen.
    assert len(export.measured) == 24
    # Tomorrow for the public page and feed: its 24 hours, all 12 trucks.
    ahead = tomorrow[(gate.id, Direction.export)]
    assert ahead.day == dt.date(2026, 12, 9)
    assert (ahead.queue_mean, ahead.queue_low, ahead.queue_high) == (12, 11, 13)
    assert ahead.warning == "yellow"
    assert ahead.peak_queue == 12
    assert ahead.wait_mean_hours == 2.0
