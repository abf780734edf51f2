"""From a gate's weekly pattern, its overrides and its holiday calendars to the
capacity of each window of a day. Pure functions: no database."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

import holidays

from cuakhau.core.clock import local_datetime
from cuakhau.models import CapacityOverride, CapacityPattern
from cuakhau.models.enums import Direction, OverrideKind


@dataclass(frozen=True)
class WindowPlan:
    starts_at: datetime
    ends_at: datetime
    capacity: int
    note: str | None


@lru_cache(maxsize=64)
def _calendar(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=year)


def holiday_names(calendars: str, day: date) -> list[str]:
    names = []
    for country in filter(None, calendars.split(",")):
        name = _calendar(country, day.year).get(day)
        if name:
            names.append(f"{country}: {name}")
    return names


def _applies(override: CapacityOverride, direction: Direction, day: date, start: time) -> bool:
    if override.direction not in (None, direction):
        return False
    if not override.starts_on <= day <= override.ends_on:
        return False
    if override.from_time is not None and start < override.from_time:
        return False
    return not (override.to_time is not None and start >= override.to_time)


def _adjust(capacity: int, override: CapacityOverride) -> int:
    value = override.value if override.value is not None else Decimal(0)
    if override.kind is OverrideKind.closure:
        return 0
    if override.kind is OverrideKind.factor:
        # Rounded down: a reduced rate is never rounded into more trucks.
        return math.floor(capacity * value)
    if override.kind is OverrideKind.ceiling:
        return min(capacity, int(value))
    return int(value)


def plan_day(
    patterns: Iterable[CapacityPattern],
    overrides: Sequence[CapacityOverride],
    calendars: str,
    direction: Direction,
    day: date,
) -> list[WindowPlan]:
    """The windows of one gate, direction and day, overrides applied in the order made."""
    holiday = "; ".join(holiday_names(calendars, day))
    plans = []
    todays = (p for p in patterns if p.weekday == day.weekday() and p.direction == direction)
    for pattern in sorted(todays, key=lambda p: p.starts_at):
        capacity, note = pattern.capacity, None
        if holiday:
            capacity, note = 0, holiday
        for override in sorted(overrides, key=lambda o: o.id):
            # A set capacity can reopen a holiday; a closure or a factor cannot.
            if override.is_active and _applies(override, direction, day, pattern.starts_at):
                capacity, note = _adjust(capacity, override), override.reason
        plans.append(
            WindowPlan(
                starts_at=local_datetime(day, pattern.starts_at),
                ends_at=local_datetime(day, pattern.ends_at),
                capacity=capacity,
                note=note,
            )
        )
    return plans


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]
