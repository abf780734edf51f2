"""Starting from today: the live database as a scenario, and trucks that start in the queue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cuakhau.cli.app import app
from cuakhau.core.clock import ZONE_TZ, utcnow
from cuakhau.crossings.booking import arrive
from cuakhau.models import CapacityOverride
from cuakhau.models.enums import CrossingState, Direction, LaneKind, OverrideKind
from cuakhau.simulation import load_scenario, parse_scenario, simulate
from cuakhau.simulation.snapshot import gate_key, snapshot_scenario
from tests.conftest import Database
from tests.factories import (
    advance,
    make_booking,
    make_enterprise,
    make_open_gate,
    make_pattern,
)

from .factories import queue_scenario

runner = CliRunner()


def test_trucks_in_the_zone_at_the_start_wait_for_the_first_slots() -> None:
    """30 cleared trucks, no arrivals, the gate closed on day one: all 30 wait all day,
    then cross in the next day's first three hours, having waited what they had before."""
    scenario = queue_scenario(
        servers=1,
        load=0.5,
        days=3,
        warmup_days=0,
        crossing={
            "export": {
                "per_hour": 10,
                "hours": "07:00-19:00",
                "changes": [{"from": "2024-01-01", "to": "2024-01-01", "factor": 0}],
            }
        },
    )
    raw = scenario.model_dump(mode="json", by_alias=True)
    raw["arrivals"][0]["per_day"] = 0
    raw["initial"] = {
        "at": "00:00",
        "trucks": [
            {"gate": "gate", "direction": "export", "commodity": "goods", "stage": "cleared",
             "count": 20, "waited_hours": 10},
            {"gate": "gate", "direction": "export", "commodity": "goods", "stage": "yard",
             "count": 10},
        ],
    }  # fmt: skip
    result = simulate(parse_scenario(raw), replications=2, seed=1, workers=1)
    series = result.series["all"]
    assert list(series["trucks_waiting"].mean[:1]) == [30]
    assert list(series["crossed"].mean) == [0, 30, 0]
    # The cleared 20 cross first (10 h before + 31 h to 07:00–09:00 next day).
    assert series["wait_mean_hours"].mean[1] > (20 * (10 + 31) + 10 * 31) / 30 - 1


def test_the_run_starts_at_the_snapshot_time_of_day() -> None:
    scenario = queue_scenario(servers=5, load=0.5, days=2, warmup_days=0)
    raw = scenario.model_dump(mode="json", by_alias=True)
    raw["initial"] = {"at": "18:00"}
    result = simulate(parse_scenario(raw), replications=2, seed=1, workers=1)
    whole = simulate(scenario, replications=2, seed=1, workers=1)
    arrived = result.series["all"]["arrived"].mean
    assert arrived[0] < 0.4 * whole.series["all"]["arrived"].mean[0]  # 6 hours of 24
    assert arrived[1] > 50


def _closed_gate_with_cleared_trucks(at: str, count: int) -> dict[str, object]:
    """A gate closed to exports on its first day, `count` cleared trucks waiting at `at`."""
    scenario = queue_scenario(
        servers=1,
        load=0.5,
        days=2,
        warmup_days=0,
        crossing={
            "export": {
                "per_hour": 10,
                "changes": [{"from": "2024-01-01", "to": "2024-01-01", "factor": 0}],
            }
        },
    )
    raw = scenario.model_dump(mode="json", by_alias=True)
    raw["arrivals"][0]["per_day"] = 0
    raw["initial"] = {
        "at": at,
        "trucks": [
            {"gate": "gate", "direction": "export", "commodity": "goods", "stage": "cleared",
             "count": count},
        ],
    }  # fmt: skip
    return raw


@pytest.mark.parametrize(("at", "count"), [("20:00", 100), ("15:40", 3)])
def test_a_run_starting_mid_day_averages_only_the_hours_it_covers(at: str, count: int) -> None:
    """Trucks waiting from the start on a closed gate are `count` all of day one, not
    `count` diluted by the hours before the snapshot was taken."""
    result = simulate(
        parse_scenario(_closed_gate_with_cleared_trucks(at, count)),
        replications=2,
        seed=1,
        workers=1,
    )
    waiting = result.series["all"]["trucks_waiting"]
    assert waiting.mean[0] == pytest.approx(count)
    assert result.summary["all"]["peak_trucks_waiting"].mean[0] == pytest.approx(count)


def _zone_today(db: Database, now: dt.datetime) -> tuple[str, dt.date]:
    """A gate open round the clock (50 trucks an hour each way), exports halved
    tomorrow; three trucks booked, one in the yard, one cleared."""
    tomorrow = now.astimezone(ZONE_TZ).date() + dt.timedelta(days=1)
    with db.write() as session:
        gate = make_open_gate(session)
        make_pattern(session, gate, direction=Direction.import_, capacity=50, hours=range(24))
        session.add(
            CapacityOverride(
                gate_id=gate.id,
                direction=Direction.export,
                kind=OverrideKind.factor,
                starts_on=tomorrow,
                ends_on=tomorrow,
                value=Decimal("0.5"),
                reason="test: half tomorrow",
            )
        )
        enterprise = make_enterprise(session)
        for _ in range(3):
            make_booking(session, enterprise, gate, now=now)
        for stage in (CrossingState.arrived, CrossingState.cleared):
            crossing = make_booking(session, enterprise, gate, now=now, perishable=True)
            arrive(session, crossing, now)
            if stage is not CrossingState.arrived:
                advance(session, crossing, stage, at=now)
            crossing.arrived_at = now - dt.timedelta(hours=5)
        return gate_key(gate), tomorrow


# Before noon in the zone: the bookings' earliest window is the same day's 12:00.
# After 23:00 there, by the clock, it would fall on the snapshot's second day.
MORNING = dt.datetime(2026, 12, 8, 11, 30, tzinfo=ZONE_TZ)


def test_snapshot_holds_the_queue_the_bookings_and_the_calendar(db: Database) -> None:
    now = MORNING
    key, tomorrow = _zone_today(db, now)
    with db.write() as session:
        raw = snapshot_scenario(
            session,
            now=now + dt.timedelta(seconds=1),
            days_ahead=3,
            template=load_scenario("langson-baseline"),
        )
    scenario = parse_scenario(raw)
    assert scenario.start == now.astimezone(ZONE_TZ).date()
    initial = scenario.initial.trucks
    assert sorted((trucks.stage, trucks.count, trucks.commodity) for trucks in initial) == [
        ("cleared", 1, "perishable"),
        ("yard", 1, "perishable"),
    ]
    assert all(trucks.waited_hours == 5 for trucks in initial)
    assert sum(booked.count for booked in scenario.bookings) == 3
    crossing = scenario.gates[key].crossing
    assert crossing is not None
    export_tomorrow = [w.trucks for w in crossing["export"].windows if w.date == tomorrow]
    import_tomorrow = [w.trucks for w in crossing["import"].windows if w.date == tomorrow]
    assert export_tomorrow == [25] * 24
    assert import_tomorrow == [50] * 24
    result = simulate(scenario, replications=2, seed=1, workers=1)
    assert result.summary["all"]["crossed"].mean[0] >= 5  # 2 in the zone + 3 booked
    assert result.series["all"]["arrived"].mean[0] >= 5


def test_simulate_from_db_writes_a_scenario_that_simulate_runs(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    _zone_today(db, utcnow())
    env = {"CUAKHAU_DATABASE_URL": database_url}
    scenario = tmp_path / "today.yaml"
    made = runner.invoke(app, ["simulate-from-db", "--days", "2", "--out", str(scenario)], env=env)
    assert made.exit_code == 0, made.output
    assert "initial:" in scenario.read_text(encoding="utf-8")
    out = tmp_path / "out"
    ran = runner.invoke(app, ["simulate", str(scenario), "-n", "2", "-w", "1", "--out", str(out)])
    assert ran.exit_code == 0, ran.output
    assert (out / "results.json").is_file()


def test_simulate_from_db_on_an_empty_zone_says_why(database_url: str, tmp_path: Path) -> None:
    out = tmp_path / "today.yaml"
    for language, said in (
        ("vi", "Cơ sở dữ liệu chưa có cửa khẩu nào đang hoạt động."),
        ("en", "There is no active gate in the database."),
    ):
        env = {"CUAKHAU_DATABASE_URL": database_url, "CUAKHAU_DEFAULT_LANGUAGE": language}
        result = runner.invoke(app, ["simulate-from-db", "--out", str(out)], env=env)
        assert result.exit_code == 1
        assert said in result.output
        assert "Traceback" not in result.output
        assert not out.exists()


@pytest.mark.parametrize("days", ["0", "soon"])
def test_simulate_from_db_refuses_bad_days(days: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate-from-db", "--days", days])
    assert result.exit_code == 2
    assert "--days" in result.output


@pytest.mark.parametrize(
    ("language", "assumption", "description"),
    [
        ("vi", "Thời gian làm thủ tục hải quan", "xe trong khu"),
        ("en", "Customs and quarantine service times", "trucks in the zone"),
    ],
)
def test_a_snapshot_says_its_assumptions_in_the_askers_language(
    db: Database, language: str, assumption: str, description: str
) -> None:
    now = utcnow()
    _zone_today(db, now)
    with db.write() as session:
        raw = snapshot_scenario(
            session,
            now=now,
            days_ahead=2,
            template=load_scenario("langson-baseline"),
            language=language,
        )
    assert raw["assumptions"][0].startswith(assumption)
    assert "langson-baseline" in raw["assumptions"][0]
    assert description in raw["description"]
    parse_scenario(raw)


def test_a_snapshot_lists_each_lanes_windows_as_made(db: Database) -> None:
    """A freight road beside the ordinary lane: both lanes' windows are in the
    scenario, each with its own row's capacity (the simulator adds an hour's
    windows together), a cut in one lane leaving the other whole."""
    now = MORNING
    tomorrow = now.astimezone(ZONE_TZ).date() + dt.timedelta(days=1)
    with db.write() as session:
        gate = make_open_gate(session)
        make_pattern(session, gate, capacity=20, hours=range(24), lane=LaneKind.freight_road)
        session.add(
            CapacityOverride(
                gate_id=gate.id,
                lane=LaneKind.freight_road,
                kind=OverrideKind.closure,
                starts_on=tomorrow,
                ends_on=tomorrow,
                reason="test: the freight road closed tomorrow",
            )
        )
        key = gate_key(gate)
        raw = snapshot_scenario(
            session,
            now=now + dt.timedelta(seconds=1),
            days_ahead=3,
            template=load_scenario("langson-baseline"),
        )
    crossing = parse_scenario(raw).gates[key].crossing
    assert crossing is not None
    day_after = tomorrow + dt.timedelta(days=1)
    by_day = {
        day: sorted(w.trucks for w in crossing["export"].windows if w.date == day)
        for day in (tomorrow, day_after)
    }
    assert by_day[tomorrow] == [0] * 24 + [50] * 24
    assert by_day[day_after] == [20] * 24 + [50] * 24


def test_an_hourly_run_reports_each_hour_from_the_snapshot_on() -> None:
    """3 trucks waiting at 15:40 on a gate closed all day one: no hour before 15:00 is
    reported (the run had not started), every hour from then on has the three, and
    they cross in the next day's first hour (one every six minutes) having waited
    since the snapshot."""
    result = simulate(
        parse_scenario(_closed_gate_with_cleared_trucks("15:40", 3)),
        replications=2,
        seed=1,
        workers=1,
        hourly=True,
    )
    queue = result.hourly["all"]["trucks_waiting"]
    assert len(queue.mean) == 48
    assert all(value is None for value in queue.as_dict()["mean"][:15])
    assert list(queue.mean[15:24]) == [3.0] * 9
    assert queue.mean[24:].max() == 0.0  # crossed in the first hour of day two
    wait = result.hourly["all"]["wait_mean_hours"]
    crossed_at = [index for index, value in enumerate(wait.mean) if value == value]
    assert crossed_at == [24]
    assert wait.mean[24] == pytest.approx(24.2 - (15 + 40 / 60))
    assert result.hour_of(24) == dt.datetime(2024, 1, 2, 0, 0)
