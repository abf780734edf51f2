"""The booking procedure is one definition run two ways: step by step (SQLite,
and any session) and as one PostgreSQL function. Both must write the same rows
and answer the same, and the function must be the same in every process."""

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import text

from cuakhau.capacity.service import ensure_windows
from cuakhau.crossings.booking import Caller, horizon_windows, inputs_for, procedure, procedures
from cuakhau.crossings.rules import Kind, policy
from cuakhau.crossings.schemas import BookingRequest, WalkInRequest
from cuakhau.models import Crossing
from cuakhau.models.enums import Direction, LaneKind
from tests.conftest import Database, empty_all_tables
from tests.factories import (
    cargo,
    make_driver,
    make_enterprise,
    make_gate,
    make_pattern,
    make_priority_classes,
    make_vehicle,
)

NOW = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)  # 03:00 local; windows from 07:00
DAY = date(2026, 12, 8)
# The tables a booking writes, and what each path stamps with its own clock.
WRITTEN = ("crossing", "cargo_line", "crossing_move", "window_change", "notification")
KEPT_APART = {"audit_entry": {"id"}}


def _arrange(db: Database) -> dict[str, Any]:
    """The same rows, with the same ids, each time on emptied tables."""
    with db.write() as session:
        rules = policy(session)
        make_priority_classes(session)
        gate = make_gate(session, holiday_calendars=[])
        make_pattern(session, gate, capacity=2, hours=range(7, 19))
        make_pattern(session, gate, capacity=1, hours=range(7, 19), lane=LaneKind.perishable)
        make_pattern(session, gate, capacity=1, hours=range(18, 19), lane=LaneKind.unmanned)
        # Made up to the horizon: "earliest" and walk-ins ask for that first.
        horizon_windows(session, gate, Direction.export, NOW, rules)
        windows = ensure_windows(session, gate, Direction.export, DAY, DAY)
        firm = make_enterprise(session)
        trucks = [make_vehicle(session, firm, plate=f"12C-{n:03d}.45") for n in range(1, 6)]
        trucks += [make_vehicle(session, firm, plate="12C-006.45", is_unmanned=True)]
        driver = make_driver(session, firm)
        return {
            "gate": gate.id,
            "firm": firm.id,
            "window": windows[3].id,
            "trucks": [(t.id, t.plate) for t in trucks],
            "driver": driver.id,
        }


def _requests(zone: dict[str, Any]) -> list[tuple[Kind, BookingRequest | WalkInRequest]]:
    (first, _), (second, _), (_, third_plate), (fourth, _), (fifth, _), (sixth, _) = zone["trucks"]
    common = {"gate_id": zone["gate"], "direction": "export"}
    regime = {**common, "regime": "export"}
    return [
        (
            Kind.booking,
            BookingRequest(
                vehicle_id=first,
                enterprise_id=zone["firm"],
                window_id=zone["window"],
                regime="export",
                driver_id=zone["driver"],
                cargo=[*cargo(), {**cargo(perishable=True)[0], "value_usd": "7.5"}],
                **common,
            ),
        ),
        (
            Kind.booking,
            BookingRequest(
                vehicle_id=second, enterprise_id=zone["firm"], regime="re_export", **common
            ),
        ),
        (Kind.walk_in, WalkInRequest(plate=third_plate, regime="export", cargo=cargo(), **common)),
        # Given the perishable fast lane; asking for the unmanned windows; refused one.
        (
            Kind.booking,
            BookingRequest(
                vehicle_id=fourth, enterprise_id=zone["firm"], cargo=cargo(True), **regime
            ),
        ),
        (
            Kind.booking,
            BookingRequest(
                vehicle_id=sixth,
                enterprise_id=zone["firm"],
                lane="unmanned",
                cargo=cargo(),
                **regime,
            ),
        ),
        (
            Kind.booking,
            BookingRequest(
                vehicle_id=fifth,
                enterprise_id=zone["firm"],
                lane="unmanned",
                cargo=cargo(),
                **regime,
            ),
        ),
    ]


def _rows(db: Database) -> dict[str, list[dict[str, Any]]]:
    found = {}
    with db.write() as session:
        for table in (*WRITTEN, "audit_entry", "crossing_window"):
            where = "WHERE entity IN ('crossing', 'cargo_line')" if table == "audit_entry" else ""
            rows = session.scalars(text(f"SELECT to_jsonb(t) FROM {table} t {where}"))
            kept = [
                {k: v for k, v in row.items() if k not in KEPT_APART.get(table, set())}
                for row in rows
            ]
            found[table] = sorted(kept, key=lambda row: json.dumps(row, sort_keys=True))
    return found


def _book_all(db: Database, zone: dict[str, Any], *, function: bool) -> list[dict[str, Any]]:
    answers = []
    for kind, request in _requests(zone):
        with db.write() as session:
            given = inputs_for(kind, Caller(label="test"), request, NOW)
            run = procedure(kind).run_function if function else procedure(kind).run
            answers.append(run(session, given))
    return answers


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_function_writes_and_answers_what_the_steps_do(db: Database):
    zone = _arrange(db)
    by_function = _book_all(db, zone, function=True)
    function_rows = _rows(db)

    empty_all_tables(db.factory.kw["bind"])
    assert _arrange(db) == zone
    by_steps = _book_all(db, zone, function=False)
    step_rows = _rows(db)

    assert [a["crossing_id"] is not None for a in by_function] == [True] * 5 + [False], [
        {k: v for k, v in a.items() if k.startswith("ok_") and not v} for a in by_function
    ]
    assert by_function[-1]["crossing_id"] is None
    assert not by_function[-1]["ok_lane_allowed"]
    assert [answer["lane_taken"] for answer in by_function[3:5]] == ["perishable", "unmanned"]
    assert by_function == by_steps
    assert db.count(Crossing) == 5
    for table, rows in function_rows.items():
        assert rows == step_rows[table], table


def test_every_process_names_the_functions_alike():
    """The functions are named after their text: a text that changed with the
    process (a set's order) would make each server process ask for another."""
    script = "from cuakhau.crossings.booking import procedures; " + (
        "print([p.function_name() for p in procedures()])"
    )
    names = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert names == {f"{[p.function_name() for p in procedures()]}\n"}
