"""The discrete-event engine: one gate, one replication.

A truck's trip: it arrives (loaded, the shelf-life clock running); it may be held
inland or at its origin until called or until its booked window; it reaches the
gate and enters the yard, or waits on the road while the yard is full; it clears
customs (green, yellow or red channel), then quarantine if its goods need it; it
waits for a crossing slot and crosses, freeing its yard space.

Gates share nothing in the model, so each runs on its own random stream. The core is
a heap of (time, sequence, action, subject), as in SimPy, with one shortcut:
customs and quarantine are first-come-first-served stations reached in time order,
so each truck's finishing time is known the moment it joins (the earliest-free
server takes it, the Kiefer–Wolfowitz recursion) and no queue of waiting trucks is
kept for them. When nothing after customs can hold a truck up (no yard limit, no
quarantine, no crossing limit) the gate is a plain FCFS multi-server queue and a
whole day's trucks go through that recursion in one tight loop, without events.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from heapq import heappop, heappush, heapreplace
from itertools import count
from typing import Any

import numpy as np

from cuakhau.simulation.arrivals import DIRECTIONS, ArrivalBatch, GateArrivals, Truck
from cuakhau.simulation.capacity import CrossingTimeline, hourly_capacity
from cuakhau.simulation.scenario import Policy, Scenario, Yard
from cuakhau.simulation.tally import GateDays, GateTally

# An event's subject is a truck, or for a crossing slot the crossing it calls.
Action = Callable[[Any, float], None]


class FcfsStation:
    """`servers` officers or lanes working first come, first served."""

    def __init__(self, servers: int) -> None:
        self.free_at = [0.0] * servers  # a heap: free_at[0] is the earliest

    def finish(self, now: float, hours: float) -> float:
        """When a truck joining at `now` (never earlier than the last one) is done."""
        start = now if now > self.free_at[0] else self.free_at[0]
        heapreplace(self.free_at, start + hours)
        return start + hours

    def finish_all(self, joins: np.ndarray, hours: np.ndarray) -> np.ndarray:
        """`finish` for a batch in time order, in one tight loop (locals only: it is hot)."""
        free_at, replace = self.free_at, heapreplace
        done: list[float] = []
        record = done.append
        for now, length in zip(joins.tolist(), hours.tolist(), strict=True):
            earliest = free_at[0]
            end = (now if now > earliest else earliest) + length
            replace(free_at, end)
            record(end)
        return np.asarray(done)


class Crossing:
    """The trucks ready to cross in one direction, and the slot that will call the next."""

    def __init__(self, timeline: CrossingTimeline) -> None:
        self.timeline = timeline
        self.ready: list[tuple[int, float, int, Truck]] = []
        self.unused_slot = 1
        self.calling = False

    def next_slot_time(self, now: float) -> float:
        slot = max(self.unused_slot, self.timeline.slots_before(now) + 1)
        self.unused_slot = slot + 1
        return self.timeline.slot_time(slot)


def _spaces(yard: Yard | None) -> float:
    return math.inf if yard is None or yard.spaces is None else yard.spaces


class GateSimulation:
    def __init__(self, scenario: Scenario, gate_id: str) -> None:
        gate = scenario.gates[gate_id]
        self.days = scenario.days
        self.policy: Policy = scenario.policy
        self.arrivals = GateArrivals(scenario, gate_id)
        self.tally = GateTally(scenario.days, scenario.warmup_days)
        self.spaces = [_spaces(gate.yards.get(direction)) for direction in DIRECTIONS]
        self.occupied = [0 for _ in DIRECTIONS]
        self.customs = FcfsStation(gate.customs.servers)
        self.quarantine = FcfsStation(gate.quarantine.servers) if gate.quarantine else None
        capacity = gate.crossing or {}
        self.crossings = [
            Crossing(CrossingTimeline(hourly_capacity(capacity[direction], scenario)))
            if direction in capacity
            else None
            for direction in DIRECTIONS
        ]
        self.straight_through = (
            math.inf == min(self.spaces) and self.quarantine is None and not capacity
        )
        self.holding = self.policy.admission == "hold_inland"
        self.booking = self.policy.admission == "booked_windows"
        # Trucks kept out of each yard: on the road, or held inland under `hold_inland`.
        self.outside: list[list[tuple[int, float, int, Truck]]] = [[] for _ in DIRECTIONS]
        self.events: list[tuple[float, int, Action, Any]] = []
        self.sequence = count()

    def run(self, rng: np.random.Generator) -> GateDays:
        step = self.arrivals.batch_days
        for first in range(0, self.days, step):
            days = range(first, min(first + step, self.days))
            trucks = self.arrivals.batch(days, rng)
            if self.straight_through:
                self._pass_straight_through(trucks)
            for truck in [] if self.straight_through else trucks.trucks():
                self._advance(truck.arrival)
                self.arrive(truck, truck.arrival)
            self._advance(days.stop * 24)
            self.tally.flush()
        for truck in self._trucks_in_zone():
            self.tally.unfinished(truck)
        return self.tally.result()

    def _pass_straight_through(self, trucks: ArrivalBatch) -> None:
        """Nothing after customs can hold a truck up: the gate is one FCFS queue."""
        for moment in ("arrived", "reached", "entered"):
            self.tally.passed(moment, trucks.arrival)
        crossed = self.customs.finish_all(trucks.arrival, trucks.customs_hours)
        self.tally.crossed_all(trucks, crossed)

    def _advance(self, until: float) -> None:
        events = self.events
        while events and events[0][0] <= until:
            time, _, action, subject = heappop(events)
            action(subject, time)

    def _schedule(self, time: float, action: Action, subject: Any) -> None:
        heappush(self.events, (time, next(self.sequence), action, subject))

    def _queue_entry(self, truck: Truck, order: float) -> tuple[int, float, int, Truck]:
        """Queues serve the smallest entry first.

        Under perishable priority, perishable trucks go first, the one whose shelf life
        runs out soonest at the head; everyone else keeps `order` (arrival or booking).
        """
        if self.policy.perishable_priority and truck.perishable:
            return (0, truck.shelf_deadline, next(self.sequence), truck)
        return (1, order, next(self.sequence), truck)

    # --- the trip, step by step -------------------------------------------------------

    def arrive(self, truck: Truck, now: float) -> None:
        self.tally.moments["arrived"].append(now)
        if self.booking:
            self._book(truck, now)
        elif not self.holding:
            self.reach_gate(truck, now)
        elif self._yard_has_room(truck.direction):
            self._call_forward(truck, now)
        else:
            self.tally.moments["yard_overflow"].append(now)
            self._keep_outside(truck, now)

    def _book(self, truck: Truck, now: float) -> None:
        lead = self.policy.booking_lead_hours
        timeline = self._crossing(truck).timeline
        slot = timeline.book(now + lead)
        if slot is None:  # no free window before the horizon: it never sets off
            self._schedule(math.inf, self.reach_gate, truck)
            return
        booked = truck._replace(booked_slot=slot)
        self._schedule(max(now, timeline.slot_time(slot) - lead), self.reach_gate, booked)

    def _call_forward(self, truck: Truck, now: float) -> None:
        """Give an inland truck a yard space now; it drives to the gate to take it."""
        self.occupied[truck.direction] += 1
        self._schedule(now + self.policy.inland_travel_hours, self._enter_called, truck)

    def _enter_called(self, truck: Truck, now: float) -> None:
        self.tally.moments["reached"].append(now)
        self.enter_yard(truck, now)

    def reach_gate(self, truck: Truck, now: float) -> None:
        self.tally.moments["reached"].append(now)
        if self._yard_has_room(truck.direction):
            self.occupied[truck.direction] += 1
            self.enter_yard(truck, now)
        else:
            self.tally.moments["yard_overflow"].append(now)
            self._keep_outside(truck, now)

    def _yard_has_room(self, direction: int) -> bool:
        return self.occupied[direction] < self.spaces[direction] and not self.outside[direction]

    def _keep_outside(self, truck: Truck, now: float) -> None:
        heappush(self.outside[truck.direction], self._queue_entry(truck, now))

    def enter_yard(self, truck: Truck, now: float) -> None:
        self.tally.moments["entered"].append(now)
        self._schedule(self.customs.finish(now, truck.customs_hours), self.cleared_customs, truck)

    def cleared_customs(self, truck: Truck, now: float) -> None:
        if self.quarantine is not None and truck.quarantine_hours > 0:
            self._schedule(self.quarantine.finish(now, truck.quarantine_hours), self.ready, truck)
        else:
            self.ready(truck, now)

    def _crossing(self, truck: Truck) -> Crossing:
        crossing = self.crossings[truck.direction]
        assert crossing is not None, "validation guarantees capacity for booked directions"
        return crossing

    def ready(self, truck: Truck, now: float) -> None:
        crossing = self.crossings[truck.direction]
        if crossing is None:
            self.cross(truck, now)
            return
        order = truck.booked_slot if self.booking else now
        heappush(crossing.ready, self._queue_entry(truck, order))
        if not crossing.calling:
            self._call_next(crossing, now)

    def _call_next(self, crossing: Crossing, now: float) -> None:
        slot_time = crossing.next_slot_time(now)
        crossing.calling = slot_time < math.inf
        if crossing.calling:
            self._schedule(slot_time, self._slot, crossing)

    def _slot(self, crossing: Crossing, now: float) -> None:
        truck = heappop(crossing.ready)[-1]
        self.cross(truck, now)
        crossing.calling = False
        if crossing.ready:
            self._call_next(crossing, now)

    def cross(self, truck: Truck, now: float) -> None:
        self.tally.crossed(truck, now)
        direction = truck.direction
        self.occupied[direction] -= 1
        outside = self.outside[direction]
        if outside and self.occupied[direction] < self.spaces[direction]:
            waiting = heappop(outside)[-1]
            if self.holding:
                self._call_forward(waiting, now)
            else:
                self.occupied[direction] += 1
                self.enter_yard(waiting, now)

    def _trucks_in_zone(self) -> Iterator[Truck]:
        for outside in self.outside:
            yield from (entry[-1] for entry in outside)
        yield from (subject for *_, subject in self.events if isinstance(subject, Truck))
        for crossing in self.crossings:
            if crossing is not None:
                yield from (entry[-1] for entry in crossing.ready)
