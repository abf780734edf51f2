"""Trucks that go elsewhere: the zone's gates run side by side and hand trucks over.

A truck whose goods have a `reroute` rule decides on arrival: if its gate is closed
its way, or the wait it can expect there is longer than it will bear, it drives to
the gate (among those its gate lists `travel_hours` to, that cross its way and, for
its goods, have quarantine) where the travel plus the wait expected there is
shortest, if that beats staying. It reroutes once: at the new gate it waits, or gives
up by its patience, whose clock kept running on the road.

Gates otherwise share nothing, so each still runs on its own random stream. They
advance together in steps no longer than the shortest drive between two gates (and
at most an hour): a truck sent during a step reaches its new gate after the step
ends, when it is handed over, so no gate ever receives a truck in its past. Drivers
see their own gate's queue as it is, and the other gates' as published at the start
of the step (as a board would show them).
"""

from __future__ import annotations

from functools import partial

import numpy as np

from cuakhau.simulation.arrivals import DIRECTIONS, Truck
from cuakhau.simulation.engine import GateSimulation
from cuakhau.simulation.scenario import Scenario
from cuakhau.simulation.tally import GateDays

LONGEST_STEP_HOURS = 1.0


def reroutes(scenario: Scenario) -> bool:
    """Whether any truck of the scenario may go elsewhere."""
    return any(commodity.reroute for commodity in scenario.commodities.values()) and any(
        gate.travel_hours for gate in scenario.gates.values()
    )


def travel_hours(scenario: Scenario) -> dict[str, dict[str, float]]:
    """Driving time between gates, both ways from whichever way the file gives it."""
    travel: dict[str, dict[str, float]] = {gate_id: {} for gate_id in scenario.gates}
    for gate_id, gate in scenario.gates.items():
        for other, hours in gate.travel_hours.items():
            travel[other].setdefault(gate_id, hours)
    for gate_id, gate in scenario.gates.items():
        travel[gate_id].update(gate.travel_hours)  # a gate's own figure comes first
    return travel


class Zone:
    """One replication of every gate, trucks free to go from one to another."""

    def __init__(self, scenario: Scenario, hourly: bool = False) -> None:
        self.hours = scenario.hours
        self.gates = {
            gate_id: GateSimulation(scenario, gate_id, hourly) for gate_id in scenario.gates
        }
        self.travel = travel_hours(scenario)
        drives = [hours for ways in self.travel.values() for hours in ways.values()]
        self.step = min([LONGEST_STEP_HOURS, *drives])
        # Each gate's trucks in the zone per direction, as published at the step's start.
        self.seen = {gate_id: [0 for _ in DIRECTIONS] for gate_id in self.gates}
        self.sent: list[tuple[str, Truck, float]] = []  # to whom, which, when it arrives
        for gate_id, gate in self.gates.items():
            gate.straight_through = False  # a truck may leave it at any arrival
            gate.elsewhere = partial(self._elsewhere, gate_id)
        self.handles = {
            gate_id: {
                (direction, quarantine)
                for direction, name in enumerate(DIRECTIONS)
                for quarantine in (False, True)
                if (gate.crossing is None or name in gate.crossing)
                and (gate.quarantine is not None or not quarantine)
            }
            for gate_id, gate in scenario.gates.items()
        }

    def run(self, rngs: dict[str, np.random.Generator]) -> dict[str, GateDays]:
        for gate_id, gate in self.gates.items():
            gate.begin(rngs[gate_id])
        time = 0.0
        while time < self.hours:
            until = min(time + self.step, self.hours)
            for gate_id, gate in self.gates.items():
                self.seen[gate_id] = list(gate.in_zone)
            for gate in self.gates.values():
                gate.advance(until)
            for gate_id, truck, arrives in self.sent:
                self.gates[gate_id].receive(truck, arrives)
            self.sent.clear()
            time = until
        return {gate_id: gate.end() for gate_id, gate in self.gates.items()}

    def _elsewhere(self, here: str, truck: Truck, waiting_here: float) -> bool:
        """Send `truck` to the best other gate if it beats `waiting_here`; say if it went."""
        now = truck.arrival
        needs = (truck.direction, truck.quarantine_hours > 0)
        best, best_hours = "", waiting_here
        for other, drive in self.travel[here].items():
            if needs not in self.handles[other] or (
                truck.route and truck.route not in self.gates[other].routes
            ):
                continue
            queue = self.seen[other][truck.direction]
            hours = drive + self.gates[other].expected_wait(truck.direction, queue, now + drive)
            if hours < best_hours:
                best, best_hours = other, hours
        if not best:
            return False
        self.sent.append((best, truck, now + self.travel[here][best]))
        return True
