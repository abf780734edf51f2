"""A what-if on a scenario: a few knobs a planner turns, and a size check before running.

Used by the planning page; the command line takes whole scenario files instead.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from cuakhau.simulation.scenario import Scenario

Admission = Literal["walk_in", "booked_windows", "hold_inland"]


@dataclass(frozen=True)
class WhatIf:
    """Changes to a scenario. None leaves the scenario as it is."""

    days: int | None = None
    gate: str | None = None  # None: every gate
    direction: Literal["export", "import"] | None = None  # None: both
    capacity_factor: float = 1.0
    starts_on: dt.date | None = None  # None: from the first day
    ends_on: dt.date | None = None  # None: to the last day
    admission: Admission | None = None
    perishable_priority: bool | None = None
    # The other side takes this many trucks a day across the zone, all the horizon,
    # in `direction` (None: each direction); its per-hour figures and shares stay.
    acceptance_per_day: float | None = None
    # Places added to declared stations, by name, at `gate` (None: every gate that
    # has one): "four more cold bays" is {"cold_bay": 4}. Crews by shift stay.
    added_places: Mapping[str, int] = field(default_factory=dict)

    @property
    def changes_capacity(self) -> bool:
        return self.capacity_factor != 1.0

    def apply(self, raw: dict[str, Any]) -> dict[str, Any]:
        """The scenario mapping with these changes; the input is left alone."""
        changed = copy.deepcopy(raw)
        if self.days is not None:
            changed["days"] = self.days
            changed["warmup_days"] = min(changed.get("warmup_days", 0), self.days - 1)
        if self.changes_capacity:
            change = {
                "from": self.starts_on or _date(changed["start"]),
                "factor": self.capacity_factor,
            }
            if self.ends_on is not None:
                change["to"] = self.ends_on
            change["note"] = "what-if"
            for gate_id, gate in changed.get("gates", {}).items():
                if self.gate is not None and gate_id != self.gate:
                    continue
                for direction, capacity in (gate.get("crossing") or {}).items():
                    if self.direction is None or direction == self.direction:
                        capacity["changes"] = [*capacity.get("changes", []), change]
        if self.acceptance_per_day is not None:
            acceptance = changed.setdefault("acceptance", {})
            for direction in (self.direction,) if self.direction else ("export", "import"):
                acceptance[direction] = {
                    **(acceptance.get(direction) or {}),
                    "per_day": self.acceptance_per_day,
                }
        for gate_id, gate in changed.get("gates", {}).items():
            if self.gate is not None and gate_id != self.gate:
                continue
            for name, added in self.added_places.items():
                station = (gate.get("stations") or {}).get(name)
                if station is not None:
                    station["servers"] = station["servers"] + added
        policy = dict(changed.get("policy") or {})
        if self.admission is not None:
            policy["admission"] = self.admission
        if self.perishable_priority is not None:
            policy["perishable_priority"] = self.perishable_priority
        changed["policy"] = policy
        if self != WhatIf(days=self.days):
            changed["name"] = f"{changed['name']}-what-if"
        return changed


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def expected_trucks(scenario: Scenario) -> float:
    """How many trucks one replication is expected to simulate (its cost)."""
    # The arrivals bring numpy, which the pages load only when a plan is run.
    from cuakhau.simulation.arrivals import GateStream

    total = 0.0
    for gate_id in scenario.gates:
        for stream in scenario.arrivals:
            if stream.gates.get(gate_id, 0) <= 0:
                continue
            seen = GateStream.of(stream, scenario, gate_id)
            total += sum(seen.per_day(scenario, day) for day in range(scenario.days))
    total += sum(booked.count for booked in scenario.bookings)
    total += sum(trucks.count for trucks in scenario.initial.trucks)
    return total
