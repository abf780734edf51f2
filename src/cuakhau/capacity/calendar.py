"""From a gate's weekly pattern, its overrides and its holiday calendars to the
capacity of each window of a day. Pure functions: no database."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

import holidays

from cuakhau.core.clock import local_datetime
from cuakhau.models import CapacityOverride, CapacityPattern
from cuakhau.models.enums import Direction, LaneKind, OverrideKind


@dataclass(frozen=True)
class WindowPlan:
    lane: LaneKind
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


def _applies(override: CapacityOverride, pattern: CapacityPattern, day: date) -> bool:
    if override.direction not in (None, pattern.direction):
        return False
    if override.lane not in (None, pattern.lane):
        return False
    start = pattern.starts_at
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


def shared(ceiling: int, capacities: Sequence[int]) -> list[int]:
    """``capacities`` cut so that together they are at most ``ceiling``: each in
    proportion to its own, rounded down, the trucks left over going one each to
    the largest remainders (the first of equals). Never more than its own."""
    total = sum(capacities)
    if total <= ceiling:
        return list(capacities)
    exact = [(capacity * ceiling, total) for capacity in capacities]
    parts = [numerator // denominator for numerator, denominator in exact]
    by_remainder = sorted(range(len(capacities)), key=lambda i: (-(exact[i][0] % total), i))
    for i in by_remainder[: ceiling - sum(parts)]:
        parts[i] += 1
    return parts


def _shared_by_lanes(override: CapacityOverride) -> bool:
    """A ceiling on every lane caps the gate's trucks per hour, lanes together:
    the other side's acceptance counts trucks, whatever lane they came by."""
    return override.kind is OverrideKind.ceiling and override.lane is None


def plan_day(
    patterns: Iterable[CapacityPattern],
    overrides: Sequence[CapacityOverride],
    calendars: str,
    direction: Direction,
    day: date,
) -> list[WindowPlan]:
    """The windows of one gate, direction and day, each lane's, overrides applied
    in the order made. A ceiling on every lane is shared by the windows of all
    lanes starting in the same hour (``shared``); any other override applies
    to each window of its lanes alone."""
    holiday = "; ".join(holiday_names(calendars, day))
    todays = sorted(
        (p for p in patterns if p.weekday == day.weekday() and p.direction == direction),
        key=lambda p: (p.starts_at, p.lane),
    )
    capacity = [0 if holiday else p.capacity for p in todays]
    note: list[str | None] = [holiday or None for _ in todays]
    for override in sorted(overrides, key=lambda o: o.id):
        if not override.is_active:
            continue
        applies = [i for i, p in enumerate(todays) if _applies(override, p, day)]
        for i in applies:
            note[i] = override.reason
        if _shared_by_lanes(override):
            for hour in sorted({todays[i].starts_at.hour for i in applies}):
                group = [i for i in applies if todays[i].starts_at.hour == hour]
                cut = shared(int(override.value or 0), [capacity[i] for i in group])
                for i, part in zip(group, cut, strict=True):
                    capacity[i] = part
        else:
            # A set capacity can reopen a holiday; a closure or a factor cannot.
            for i in applies:
                capacity[i] = _adjust(capacity[i], override)
    return [
        WindowPlan(
            lane=pattern.lane,
            starts_at=local_datetime(day, pattern.starts_at),
            ends_at=local_datetime(day, pattern.ends_at),
            capacity=capacity[i],
            note=note[i],
        )
        for i, pattern in enumerate(todays)
    ]


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]
