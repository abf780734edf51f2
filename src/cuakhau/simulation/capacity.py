"""Crossing capacity over time, as evenly spaced slots within each hour.

Capacity per hour is piecewise constant. Its running total Λ(t) counts the slots
offered up to time t; slot k (k = 1, 2, ...) falls where Λ reaches k. Capacity not
used when nobody is ready is lost, as at a real gate.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left

from cuakhau.simulation.scenario import (
    WEEKDAYS,
    Acceptance,
    CrossingCapacity,
    Scenario,
    change_factor,
)
from cuakhau.simulation.scenario import opening_hours as parse_opening_hours


def hourly_capacity(scenario: Scenario, gate_id: str, direction: str) -> list[float]:
    """Trucks that may cross in each hour of the horizon at one gate, one way: the
    gate's own capacity, held to its part of the zone's acceptance."""
    own = _own_days(scenario, gate_id, direction)
    acceptance = scenario.acceptance.get(direction)
    if acceptance is not None:
        _hold_to_acceptance(scenario, gate_id, direction, acceptance, own)
    return [trucks for hours in own for trucks in hours]


def _hold_to_acceptance(
    scenario: Scenario,
    gate_id: str,
    direction: str,
    acceptance: Acceptance,
    own: list[list[float]],
) -> None:
    """Scale `own` (a gate's hours, day by day) down to its part of the zone's
    acceptance each hour (`per_hour`) and each day (`per_day`), never up.

    Its part is a fixed share, or (`capacity`) the part its own capacity that hour or
    day is of the whole zone's.
    """
    fixed = acceptance.shares if isinstance(acceptance.shares, dict) else None
    zone = _zone_days(scenario, direction) if fixed is None else []
    for day, hours in enumerate(own):
        taken = change_factor(acceptance.changes, scenario.date_of(day))
        mine = sum(hours)
        if acceptance.per_hour is not None:
            for hour, trucks in enumerate(hours):
                offered = acceptance.per_hour[hour] * taken
                allowance = (
                    offered * fixed.get(gate_id, 0.0)
                    if fixed is not None
                    else _part(offered, trucks, zone[day][hour])
                )
                hours[hour] = min(trucks, allowance)
        if acceptance.per_day is not None:
            offered = acceptance.per_day * taken
            allowance = (
                offered * fixed.get(gate_id, 0.0)
                if fixed is not None
                else _part(offered, mine, sum(zone[day]))
            )
            total = sum(hours)
            if total > allowance:
                hours[:] = [trucks * allowance / total for trucks in hours]


def _part(offered: float, mine: float, whole: float) -> float:
    return offered * mine / whole if whole > 0 else 0.0


def _zone_days(scenario: Scenario, direction: str) -> list[list[float]]:
    """Every gate's own capacity that way, added up hour by hour, one list a day."""
    zone = [[0.0] * 24 for _ in range(scenario.days)]
    for gate_id, gate in scenario.gates.items():
        if direction in (gate.crossing or {}):
            for total, hours in zip(zone, _own_days(scenario, gate_id, direction), strict=True):
                total[:] = [a + b for a, b in zip(total, hours, strict=True)]
    return zone


def _own_days(scenario: Scenario, gate_id: str, direction: str) -> list[list[float]]:
    """The gate's own capacity, hour by hour, one list a day."""
    capacity: CrossingCapacity = (scenario.gates[gate_id].crossing or {})[direction]
    pattern = [capacity.per_hour * share for share in _open_share(capacity.hours)]
    dated = _dated_windows(capacity)
    days: list[list[float]] = []
    for day in range(scenario.days):
        date = scenario.date_of(day)
        factor = change_factor(capacity.changes, date)
        if date in dated:
            days.append([trucks * factor for trucks in dated[date]])
        else:
            factor *= capacity.weekdays.get(WEEKDAYS[date.weekday()], 1.0)
            days.append([trucks * factor for trucks in pattern])
    return days


def _open_share(hours: str) -> list[float]:
    """How much of each hour of the day lies inside `hours`."""
    opens, closes = parse_opening_hours(hours)
    return [max(0.0, min(hour + 1, closes) - max(hour, opens)) for hour in range(24)]


def _dated_windows(capacity: CrossingCapacity) -> dict[dt.date, list[float]]:
    """Trucks per hour on each date that lists its own windows, spread evenly in each."""
    dated: dict[dt.date, list[float]] = {}
    for window in capacity.windows:
        hours = dated.setdefault(window.date, [0.0] * 24)
        opens, closes = parse_opening_hours(window.hours)
        for hour, share in enumerate(_open_share(window.hours)):
            hours[hour] += window.trucks * share / (closes - opens)
    return dated


class CrossingTimeline:
    """When the slots of one gate and direction fall, and which are booked."""

    def __init__(self, per_hour: list[float]) -> None:
        self.per_hour = per_hour
        self.cumulative = [0.0]
        for rate in per_hour:
            self.cumulative.append(self.cumulative[-1] + rate)
        self._booked = [0] * len(per_hour)
        self._first_open_window = 0

    def slots_before(self, time: float) -> int:
        """How many whole slots have fallen at or before `time`."""
        hour = min(int(time), len(self.per_hour) - 1)
        return math.floor(self.cumulative[hour] + self.per_hour[hour] * (time - hour) + 1e-9)

    def offered(self, start: float, end: float) -> float:
        """Slots offered between `start` and `end` (not whole: a rate, not a count)."""
        return self._running_total(end) - self._running_total(start)

    def _running_total(self, time: float) -> float:
        # Past the horizon the last hour's pace is taken to go on: the horizon's end
        # is the model's, not the gate's.
        hour = min(int(time), len(self.per_hour) - 1)
        return self.cumulative[hour] + self.per_hour[hour] * (time - hour)

    def slot_time(self, slot: int) -> float:
        """The moment slot number `slot` (counting from 1) falls; inf past the horizon."""
        hour = bisect_left(self.cumulative, slot - 1e-9) - 1
        if hour >= len(self.per_hour):
            return math.inf
        return hour + (slot - self.cumulative[hour]) / self.per_hour[hour]

    def book(self, earliest: float) -> int | None:
        """Book the first free slot in a window (an hour) starting at or after `earliest`.

        Bookings come in time order, so the search resumes where the last one stopped.
        """
        window = max(self._first_open_window, math.ceil(earliest))
        while window < len(self.per_hour):
            first = math.floor(self.cumulative[window] + 1e-9)
            offered = math.floor(self.cumulative[window + 1] + 1e-9) - first
            if self._booked[window] < offered:
                self._booked[window] += 1
                self._first_open_window = window
                return first + self._booked[window]
            window += 1
        self._first_open_window = window
        return None
