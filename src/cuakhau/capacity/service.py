"""Concrete windows in the database: made on demand from the calendar, and
recomputed when a pattern or an override changes."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.capacity.calendar import days, plan_day
from cuakhau.capacity.schemas import WindowAvailability, WindowsQuery
from cuakhau.core.clock import local_date, local_datetime
from cuakhau.core.database import insert_ignoring_duplicates
from cuakhau.core.errors import InvalidInput, NotFound
from cuakhau.models import CapacityOverride, CapacityPattern, CrossingWindow, Gate
from cuakhau.models.enums import Direction, LaneKind

NOT_IN_PATTERN = "not in the weekly pattern"
# A public question must not make the server build years of windows.
MAX_DAYS_ASKED = 31


@dataclass(frozen=True)
class CapacityChange:
    window: CrossingWindow
    capacity: int
    note: str | None


def get_gate(*, session: Session, gate_id: int) -> Gate:
    gate = session.get(Gate, gate_id)
    if gate is None:
        raise NotFound("gate", gate_id)
    return gate


def capacity_inputs(
    session: Session, gate: Gate, first_day: date, last_day: date
) -> tuple[list[CapacityPattern], list[CapacityOverride]]:
    """What the calendar plans these days from: the gate's weekly pattern, and
    its active overrides that touch them."""
    patterns = list(
        session.scalars(select(CapacityPattern).where(CapacityPattern.gate_id == gate.id))
    )
    overrides = list(
        session.scalars(
            select(CapacityOverride).where(
                CapacityOverride.gate_id == gate.id,
                CapacityOverride.is_active.is_(True),
                CapacityOverride.starts_on <= last_day,
                CapacityOverride.ends_on >= first_day,
            )
        )
    )
    return patterns, overrides


def ensure_windows(
    session: Session, gate: Gate, direction: Direction, first_day: date, last_day: date
) -> list[CrossingWindow]:
    """The windows of these days, every lane's, made first where they do not
    exist yet."""
    patterns, overrides = capacity_inputs(session, gate, first_day, last_day)
    rows = [
        {
            "gate_id": gate.id,
            "direction": direction,
            "lane": plan.lane,
            "starts_at": plan.starts_at,
            "ends_at": plan.ends_at,
            "capacity": plan.capacity,
            "booked": 0,
            "note": plan.note,
        }
        for day in days(first_day, last_day)
        for plan in plan_day(patterns, overrides, gate.holiday_calendars, direction, day)
    ]
    insert_ignoring_duplicates(
        session, CrossingWindow, rows, ["gate_id", "direction", "lane", "starts_at"]
    )
    return windows_between(
        session,
        gate.id,
        direction,
        min((row["starts_at"] for row in rows), default=None),
        max((row["starts_at"] for row in rows), default=None),
    )


def window_availability(
    *, session: Session, gate_id: int, query: WindowsQuery, now: datetime
) -> list[WindowAvailability]:
    """Capacity, booked, free, open or closed, per window of the days asked (today
    when none are)."""
    gate = get_gate(session=session, gate_id=gate_id)
    first = query.start or local_date(now)
    last = query.end or first
    if last < first or (last - first).days >= MAX_DAYS_ASKED:
        raise InvalidInput("period_too_long", field="to", days=MAX_DAYS_ASKED)
    return [
        WindowAvailability(
            id=w.id,
            lane=w.lane,
            starts_at=w.starts_at,
            ends_at=w.ends_at,
            capacity=w.capacity,
            booked=w.booked,
            free=max(w.capacity - w.booked, 0),
            open=w.capacity > 0,
            note=w.note,
        )
        for w in ensure_windows(session, gate, query.direction, first, last)
    ]


def windows_between(
    session: Session,
    gate_id: int,
    direction: Direction,
    first_start: datetime | None,
    last_start: datetime | None,
) -> list[CrossingWindow]:
    if first_start is None or last_start is None:
        return []
    return list(
        session.scalars(
            select(CrossingWindow)
            .where(
                CrossingWindow.gate_id == gate_id,
                CrossingWindow.direction == direction,
                CrossingWindow.starts_at >= first_start,
                CrossingWindow.starts_at <= last_start,
            )
            .order_by(CrossingWindow.starts_at, CrossingWindow.lane)
        )
    )


def capacity_changes(
    session: Session, gate: Gate, first_day: date, last_day: date
) -> list[CapacityChange]:
    """Existing windows whose capacity the calendar now sets differently; a window
    no longer in the pattern keeps its row (bookings point at it) with capacity 0."""
    patterns, overrides = capacity_inputs(session, gate, first_day, last_day)
    existing = {
        (w.direction, w.lane, w.starts_at): w
        for w in session.scalars(
            select(CrossingWindow).where(
                CrossingWindow.gate_id == gate.id,
                CrossingWindow.starts_at >= local_datetime(first_day, time(0)),
                CrossingWindow.starts_at < local_datetime(last_day + timedelta(days=1), time(0)),
            )
        )
    }
    planned: dict[tuple[Direction, LaneKind, datetime], tuple[int, str | None]] = {
        (direction, plan.lane, plan.starts_at): (plan.capacity, plan.note)
        for direction in Direction
        for day in days(first_day, last_day)
        for plan in plan_day(patterns, overrides, gate.holiday_calendars, direction, day)
    }
    changes = []
    for key, window in sorted(existing.items(), key=lambda item: (item[1].starts_at, item[1].lane)):
        capacity, note = planned.get(key, (0, NOT_IN_PATTERN))
        if (window.capacity, window.note) != (capacity, note):
            changes.append(CapacityChange(window, capacity, note))
    return changes
