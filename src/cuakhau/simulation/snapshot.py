"""A scenario that starts from today: the live queue, bookings and capacity from the database.

What the database knows goes in as data: every gate's windows for the coming days
(weekly pattern, holidays and overrides, or the window rows already made), the
trucks in the zone with how long they have waited and whether they have cleared,
the bookings per window, and new demand from the trucks that arrived over the last
days. What it does not know (customs and quarantine service times, shelf life) comes
from a template scenario, and every such borrowing is written under `assumptions`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.capacity.calendar import days, plan_day
from cuakhau.core.clock import ZONE_TZ, local_datetime
from cuakhau.core.messages import translate
from cuakhau.crossings.states import WAITING_STATES
from cuakhau.models import (
    CapacityOverride,
    CapacityPattern,
    Crossing,
    CrossingWindow,
    Gate,
    PriorityClass,
    Yard,
)
from cuakhau.models.enums import CrossingState, Direction, PriorityMatch
from cuakhau.simulation.scenario import Scenario

PERISHABLE, GENERAL = "perishable", "general"
DEFAULT_SHELF_LIFE_HOURS = 120.0
CLEARED_STATES = frozenset({CrossingState.cleared, CrossingState.called})
DIRECTIONS = {Direction.export: "export", Direction.import_: "import"}


def gate_key(gate: Gate) -> str:
    """HUU-NGHI -> huu_nghi, the id the shipped Lạng Sơn scenarios use."""
    return gate.code.lower().replace("-", "_").replace(" ", "_")


def snapshot_scenario(
    session: Session,
    *,
    now: dt.datetime,
    days_ahead: int,
    template: Scenario,
    history_days: int = 14,
    language: str = "vi",
) -> dict[str, Any]:
    """The scenario (as the mapping a YAML file holds) of the zone from `now` on; its
    description, sources and assumptions in ``language``."""
    local_now = now.astimezone(ZONE_TZ)
    start = local_now.date()
    last_day = start + dt.timedelta(days=days_ahead - 1)
    gates = list(session.scalars(select(Gate).where(Gate.is_active.is_(True)).order_by(Gate.code)))
    perishable_class = session.scalar(
        select(PriorityClass.id).where(PriorityClass.match == PriorityMatch.perishable)
    )
    assumptions = [
        translate("sim_assume_service_times", language, template=template.name),
        translate("sim_assume_shelf_life", language, hours=f"{_shelf_life(template):g}"),
        translate("sim_assume_yards", language),
        translate("sim_assume_bookings", language),
        translate("sim_assume_demand", language, days=history_days),
        translate("sim_assume_customs_again", language),
    ]
    raw_gates: dict[str, Any] = {}
    initial: list[dict[str, Any]] = []
    bookings: list[dict[str, Any]] = []
    arrivals: list[dict[str, Any]] = []
    counts: Counter[str] = Counter()
    for gate in gates:
        key = gate_key(gate)
        directions = [
            direction
            for direction, handled in (
                (Direction.export, gate.handles_export),
                (Direction.import_, gate.handles_import),
            )
            if handled
        ]
        raw_gates[key] = _gate(session, gate, directions, template, start, last_day)
        waiting = _waiting(session, gate, now, perishable_class)
        initial += [{"gate": key, **entry} for entry in waiting]
        counts["in the zone"] += sum(entry["count"] for entry in waiting)
        booked = _booked(session, gate, now, start, last_day, perishable_class)
        bookings += [{"gate": key, **entry} for entry in booked]
        counts["booked"] += sum(entry["count"] for entry in booked)
        for direction in directions:
            arrivals += _demand(
                session, gate, key, direction, now, start, days_ahead, history_days,
                perishable_class, booked,
            )  # fmt: skip
    if not raw_gates:
        raise SnapshotError("sim_snapshot_no_gates")
    stamp = local_now.strftime("%Y-%m-%d %H:%M")
    return {
        "name": f"snapshot-{local_now.strftime('%Y%m%d-%H%M')}",
        "description": translate(
            "sim_snapshot_description",
            language,
            at=stamp,
            in_zone=counts["in the zone"],
            booked=counts["booked"],
            days=days_ahead,
        ),
        "start": start.isoformat(),
        "days": days_ahead,
        "sources": [
            {
                "id": "database",
                "title": translate("sim_snapshot_source_database", language, at=stamp),
                "note": translate("sim_snapshot_source_database_note", language),
            },
            {
                "id": "template",
                "title": translate("sim_snapshot_source_template", language, name=template.name),
            },
        ],
        "assumptions": assumptions,
        "commodities": {
            PERISHABLE: {
                "label": "Nông sản tươi / perishable",
                "perishable": True,
                "shelf_life_hours": _shelf_life(template),
                "quarantine": True,
            },
            GENERAL: {"label": "Hàng thông thường / general"},
        },
        "gates": raw_gates,
        "arrivals": arrivals,
        "policy": {"perishable_priority": perishable_class is not None},
        "initial": {"at": local_now.strftime("%H:%M"), "trucks": initial},
        "bookings": bookings,
    }


class SnapshotError(Exception):
    """The database cannot be turned into a scenario; `code` names the message saying why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _shelf_life(template: Scenario) -> float:
    lives = [
        commodity.shelf_life_hours
        for commodity in template.commodities.values()
        if commodity.shelf_life_hours is not None
    ]
    return min(lives) if lives else DEFAULT_SHELF_LIFE_HOURS


def _gate(
    session: Session,
    gate: Gate,
    directions: list[Direction],
    template: Scenario,
    start: dt.date,
    last_day: dt.date,
) -> dict[str, Any]:
    like = template.gates.get(gate_key(gate)) or next(iter(template.gates.values()))
    quarantine = like.quarantine or next(
        (other.quarantine for other in template.gates.values() if other.quarantine), None
    )
    raw: dict[str, Any] = {
        "name": gate.name_vi,
        "kind": gate.mode.value,
        "customs": like.customs.model_dump(mode="json", exclude_defaults=False),
        "crossing": {
            DIRECTIONS[direction]: _crossing(session, gate, direction, start, last_day)
            for direction in directions
        },
    }
    if quarantine is not None:
        raw["quarantine"] = quarantine.model_dump(mode="json")
    yards = _yards(session, gate, like.yards, directions)
    if yards:
        raw["yards"] = yards
    return raw


def _yards(
    session: Session, gate: Gate, template_yards: dict[str, Any], directions: list[Direction]
) -> dict[str, Any]:
    total = sum(
        space.spaces
        for yard in session.scalars(
            select(Yard).where(Yard.gate_id == gate.id, Yard.is_active.is_(True))
        )
        for space in yard.spaces
    )
    if total <= 0:
        return {}
    names = [DIRECTIONS[direction] for direction in directions]
    weights = {
        name: (template_yards[name].spaces or 0) if name in template_yards else 0 for name in names
    }
    if sum(weights.values()) == 0:
        weights = dict.fromkeys(names, 1)
    share = sum(weights.values())
    return {
        name: {"spaces": max(1, math.floor(total * weight / share))}
        for name, weight in weights.items()
        if weight > 0
    }


def _crossing(
    session: Session, gate: Gate, direction: Direction, start: dt.date, last_day: dt.date
) -> dict[str, Any]:
    """Every window of the coming days, each lane's (the simulator adds the
    windows of an hour together): the rows already made (a re-plan may have
    changed them), and the calendar's plan for the rest."""
    patterns = list(
        session.scalars(select(CapacityPattern).where(CapacityPattern.gate_id == gate.id))
    )
    overrides = list(
        session.scalars(
            select(CapacityOverride).where(
                CapacityOverride.gate_id == gate.id, CapacityOverride.is_active.is_(True)
            )
        )
    )
    made = {
        (window.lane, window.starts_at): window
        for window in session.scalars(
            select(CrossingWindow).where(
                CrossingWindow.gate_id == gate.id,
                CrossingWindow.direction == direction,
                CrossingWindow.starts_at >= local_datetime(start, dt.time(0)),
                CrossingWindow.starts_at
                < local_datetime(last_day + dt.timedelta(days=1), dt.time(0)),
            )
        )
    }
    windows = []
    for day in days(start, last_day):
        for plan in plan_day(patterns, overrides, gate.holiday_calendars, direction, day):
            row = made.get((plan.lane, plan.starts_at))
            capacity, note = (row.capacity, row.note) if row else (plan.capacity, plan.note)
            window: dict[str, Any] = {
                "date": day.isoformat(),
                "hours": _local_hours(plan.starts_at, plan.ends_at),
                "trucks": capacity,
            }
            if note:
                window["note"] = note
            windows.append(window)
    opens, closes = gate.opens_at.strftime("%H:%M"), gate.closes_at.strftime("%H:%M")
    # per_hour 0: a day beyond the windows listed has no capacity rather than a guess.
    return {"per_hour": 0, "hours": f"{opens}-{closes}", "windows": windows}


def _local_hours(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    start = starts_at.astimezone(ZONE_TZ)
    end = ends_at.astimezone(ZONE_TZ)
    end_text = (
        "24:00" if end.date() > start.date() and end.time() == dt.time(0) else end.strftime("%H:%M")
    )
    return f"{start.strftime('%H:%M')}-{end_text}"


def _commodity(crossing: Crossing, perishable_class: int | None) -> str:
    return PERISHABLE if crossing.priority_class_id == perishable_class else GENERAL


def _waiting(
    session: Session, gate: Gate, now: dt.datetime, perishable_class: int | None
) -> list[dict[str, Any]]:
    """Trucks in the zone, grouped by direction, goods, stage and whole hours waited."""
    groups: Counter[tuple[str, str, str, int]] = Counter()
    for crossing in session.scalars(
        select(Crossing).where(Crossing.gate_id == gate.id, Crossing.state.in_(WAITING_STATES))
    ):
        since = crossing.arrived_at or crossing.queued_at
        waited = max(0, math.floor((now - since).total_seconds() / 3600))
        stage = "cleared" if crossing.state in CLEARED_STATES else "yard"
        groups[
            (DIRECTIONS[crossing.direction], _commodity(crossing, perishable_class), stage, waited)
        ] += 1
    return [
        {
            "direction": direction,
            "commodity": commodity,
            "stage": stage,
            "count": count,
            "waited_hours": waited,
        }
        for (direction, commodity, stage, waited), count in sorted(groups.items())
    ]


def _booked(
    session: Session,
    gate: Gate,
    now: dt.datetime,
    start: dt.date,
    last_day: dt.date,
    perishable_class: int | None,
) -> list[dict[str, Any]]:
    """Booked trucks per window hour, from now to the end of the horizon."""
    end = local_datetime(last_day + dt.timedelta(days=1), dt.time(0))
    groups: Counter[tuple[str, str, str, int]] = Counter()
    rows = session.execute(
        select(Crossing, CrossingWindow.starts_at)
        .join(CrossingWindow, CrossingWindow.id == Crossing.window_id)
        .where(
            Crossing.gate_id == gate.id,
            Crossing.state == CrossingState.booked,
            CrossingWindow.starts_at >= now,
            CrossingWindow.starts_at < end,
        )
    )
    for crossing, starts_at in rows:
        local = starts_at.astimezone(ZONE_TZ)
        key = (
            DIRECTIONS[crossing.direction],
            _commodity(crossing, perishable_class),
            local.date().isoformat(),
            local.hour,
        )
        groups[key] += 1
    return [
        {"direction": direction, "commodity": commodity, "date": date, "hour": hour, "count": count}
        for (direction, commodity, date, hour), count in sorted(groups.items())
    ]


def _demand(
    session: Session,
    gate: Gate,
    key: str,
    direction: Direction,
    now: dt.datetime,
    start: dt.date,
    days_ahead: int,
    history_days: int,
    perishable_class: int | None,
    booked: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """One stream per kind of goods, at the recent rate, less what is already booked."""
    since = now - dt.timedelta(days=history_days)
    hours: dict[str, list[float]] = defaultdict(lambda: [0.0] * 24)
    for crossing in session.scalars(
        select(Crossing).where(
            Crossing.gate_id == gate.id,
            Crossing.direction == direction,
            Crossing.arrived_at >= since,
            Crossing.arrived_at < now,
        )
    ):
        assert crossing.arrived_at is not None
        hour = crossing.arrived_at.astimezone(ZONE_TZ).hour
        hours[_commodity(crossing, perishable_class)][hour] += 1
    streams = []
    name = DIRECTIONS[direction]
    for commodity in (PERISHABLE, GENERAL):
        profile = hours.get(commodity)
        per_day = sum(profile) / history_days if profile else 0.0
        stream: dict[str, Any] = {
            "commodity": commodity,
            "direction": name,
            "per_day": round(per_day, 3),
            "gates": {key: 1.0},
            "note": f"{gate.code} {name}: arrivals of the last {history_days} days",
        }
        if profile:
            stream["daily_profile"] = profile
            changes = []
            for offset in range(days_ahead):
                day = (start + dt.timedelta(days=offset)).isoformat()
                on_day = sum(
                    entry["count"]
                    for entry in booked
                    if entry["date"] == day
                    and entry["commodity"] == commodity
                    and entry["direction"] == name
                )
                if on_day:
                    factor = max(0.0, 1 - on_day / per_day)
                    changes.append(
                        {"from": day, "to": day, "factor": round(factor, 4), "note": "less booked"}
                    )
            if changes:
                stream["changes"] = changes
        if per_day > 0 or commodity == GENERAL:
            streams.append(stream)
    return streams
