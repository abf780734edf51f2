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

Trucks may give up (scenario `patience` and `balk_at`). Balking is decided on
arrival from the count of trucks in the zone. A truck waiting for customs or
quarantine gives up if its turn would come after its patience ran out, known when it
joins, so it never takes an officer. A truck waiting on the road, inland or for a
crossing slot gets a give-up event at its deadline; it is left in its queue and
skipped when it comes to the head (`gone`), and a token in `waiting` tells whether
the event still finds it waiting there.

The transshipment hub (hub.py) rides on the declared stations: a truck handed over by
trailer swap or transload takes a way whose last station is its transfer-driver pool
or its bay. What is its own is a swapped trailer's way back once it has crossed
(away, brought back by its pool, handed back), a few events with a `ReturningTrailer`
as their subject, which are not trucks in the zone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from heapq import heappop, heappush, heapreplace
from itertools import chain, count
from typing import Any, NamedTuple

import numpy as np

from cuakhau.simulation.arrivals import DIRECTIONS, ArrivalBatch, GateArrivals, Truck
from cuakhau.simulation.capacity import CrossingTimeline, hourly_capacity
from cuakhau.simulation.distributions import draw
from cuakhau.simulation.hub import Hub, HubStation, ReturningTrailer, hub_of
from cuakhau.simulation.scenario import Policy, Scenario, ServiceTime, Yard, ways
from cuakhau.simulation.tally import GateDays, GateTally

# An event's subject is a truck, or for a crossing slot the crossing it calls.
Action = Callable[[Any, float], None]
QueueEntry = tuple[int, float, int, Truck]

INF = math.inf
# How a truck left the straight-through queue.
CROSSED, RENEGED, BALKED = 0, 1, 2


class Visit(NamedTuple):
    """A truck on its goods' own route: the stop it is at, and its service so far
    (all of it, and the part at stations beyond customs and quarantine)."""

    truck: Truck
    stop: int
    served: float
    beyond: float


# A station on a route, and where a truck's time there comes from: drawn on arrival
# (customs, quarantine) or drawn when it joins (a declared station's service).
Stop = tuple["FcfsStation | HubStation", str | ServiceTime]


class FcfsStation:
    """`servers` officers or lanes working first come, first served."""

    drops_trailer = False  # a transfer-driver pool's is True (hub.py)

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

    def finish_or_give_up(self, now: float, hours: float, give_up_at: float) -> float | None:
        """`finish`, or None if the truck's turn would come after `give_up_at`.

        A truck that gives up never takes an officer, so those behind it are served
        as if it had never come (exact for first come, first served).
        """
        start = now if now > self.free_at[0] else self.free_at[0]
        if start > give_up_at:
            return None
        heapreplace(self.free_at, start + hours)
        return start + hours

    def finish_or_give_up_all(
        self, trucks: ArrivalBatch, present: list[list[float]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """For a batch in time order: when each truck left, and how (CROSSED, ...).

        `present[direction]` is a heap of the times the trucks in the zone leave it,
        carried from batch to batch; its size on arrival decides balking.
        """
        free_at, replace = self.free_at, heapreplace
        left: list[float] = []
        how: list[int] = []
        columns = (trucks.arrival, trucks.customs_hours, trucks.patience, trucks.balk_at)
        rows = zip(*(column.tolist() for column in columns), trucks.direction.tolist(), strict=True)
        for now, length, patience, balk_at, direction in rows:
            here = present[int(direction)]
            while here and here[0] <= now:
                heappop(here)
            if len(here) >= balk_at:
                left.append(now)
                how.append(BALKED)
                continue
            earliest = free_at[0]
            start = now if now > earliest else earliest
            give_up_at = now + patience
            if start > give_up_at:
                leave = give_up_at
                how.append(RENEGED)
            else:
                leave = start + length
                replace(free_at, leave)
                how.append(CROSSED)
            heappush(here, leave)
            left.append(leave)
        return np.asarray(left), np.asarray(how, dtype=np.int8)


@dataclass(slots=True)
class Drawn:
    """A gate's trucks drawn but yet to arrive: the rest of the batch, the first one
    after where `advance` stopped, and the days drawn and folded into the tally."""

    pending: Iterator[Truck] = field(default_factory=lambda: iter(()))
    held: Truck | None = None
    days: int = 0
    folded: int = 0


class Crossing:
    """The trucks ready to cross in one direction, and the slot that will call the next."""

    def __init__(self, timeline: CrossingTimeline) -> None:
        self.timeline = timeline
        self.ready: list[QueueEntry] = []
        self.unused_slot = 1
        self.calling = False

    def next_slot_time(self, now: float) -> float:
        slot = max(self.unused_slot, self.timeline.slots_before(now) + 1)
        self.unused_slot = slot + 1
        return self.timeline.slot_time(slot)


def _spaces(yard: Yard | None) -> float:
    return math.inf if yard is None or yard.spaces is None else yard.spaces


class GateSimulation:
    def __init__(self, scenario: Scenario, gate_id: str, hourly: bool = False) -> None:
        # Attributes are few on purpose: past 30 an instance's attributes stop sharing
        # their keys (CPython) and every `self.` in the event loop gets slower.
        gate = scenario.gates[gate_id]
        self.days = scenario.days
        self.policy: Policy = scenario.policy
        self.arrivals = GateArrivals(scenario, gate_id)
        self.tally = GateTally(
            scenario.days, scenario.warmup_days, self.arrivals.start_hour, hourly=hourly
        )
        # Noting a truck passing a point happens several times a truck: bound once.
        self.note = {name: moments.append for name, moments in self.tally.moments.items()}
        self.spaces = [_spaces(gate.yards.get(direction)) for direction in DIRECTIONS]
        self.occupied = [0 for _ in DIRECTIONS]
        self.customs = FcfsStation(gate.customs.servers)
        self.quarantine = FcfsStation(gate.quarantine.servers) if gate.quarantine else None
        self.routes, self.hub = _routes(scenario, gate_id, self.customs, self.quarantine)
        if self.hub is not None:
            self.tally.hub = self.hub.tally
        capacity = gate.crossing or {}
        self.crossings = [
            Crossing(CrossingTimeline(hourly_capacity(scenario, gate_id, direction)))
            if direction in capacity
            else None
            for direction in DIRECTIONS
        ]
        self.straight_through = (
            math.inf == min(self.spaces)
            and self.quarantine is None
            and not capacity
            and not self.arrivals.initial_trucks
            and not self.routes
        )
        self.holding = self.policy.admission == "hold_inland"
        self.booking = self.policy.admission == "booked_windows"
        # Trucks kept out of each yard: on the road, or held inland under `hold_inland`.
        self.outside: list[list[QueueEntry]] = [[] for _ in DIRECTIONS]
        self.outside_stage = "inland" if self.holding else "road"
        # Trucks in the zone per direction (what a truck sees when it decides to balk).
        self.in_zone = [0 for _ in DIRECTIONS]
        self.present: list[list[float]] = [[] for _ in DIRECTIONS]  # straight-through only
        # Giving up: waiting trucks' current tokens, and trucks gone but still queued.
        self.waiting: dict[int, int] = {}
        self.gone: set[int] = set()
        self.events: list[tuple[float, int, Action, Any]] = []
        self.sequence = count()
        self.drawn = Drawn()
        self.left_in_zone = 0  # trucks in the zone when the horizon is reached
        self.rng = np.random.default_rng(0)  # replaced by `begin`
        # Set when the zone lets trucks go elsewhere (rerouting.py): offered a truck
        # that would rather not wait here, it says whether the truck went.
        self.elsewhere: Callable[[Truck, float], bool] | None = None

    def run(self, rng: np.random.Generator) -> GateDays:
        self.begin(rng)
        if self.straight_through:
            self._run_straight_through()
        else:
            self.advance(self.days * 24)
        return self.end()

    def begin(self, rng: np.random.Generator) -> None:
        """Take the random stream; place the trucks already in the zone."""
        self.rng = rng
        start = self.arrivals.start_hour
        for truck, cleared in self.arrivals.initial(rng):
            self.resume(truck, cleared, start)

    def advance(self, until: float) -> None:
        """Everything that happens before `until` (hours): each arrival in time
        order after the events due before it, drawing a batch of days at a time."""
        drawn = self.drawn
        while True:
            self._pass_events(until)
            if drawn.held is not None:
                break
            if drawn.folded < drawn.days:  # a batch is through: fold its statistics
                self._advance(min(drawn.days * 24, until))
                self.tally.flush()
                drawn.folded = drawn.days
            if drawn.days >= self.days:
                break
            days = range(drawn.days, min(drawn.days + self.arrivals.batch_days, self.days))
            drawn.pending = iter(self.arrivals.batch(days, self.rng).trucks())
            drawn.days = days.stop
        self._advance(until)

    def end(self) -> GateDays:
        """The horizon is reached: the statistics, trucks still in the zone included."""
        left = list(self._trucks_in_zone())
        for truck in left:
            self.tally.unfinished(truck)
        self.left_in_zone = len(left)
        return self.tally.result()

    def _run_straight_through(self) -> None:
        step = self.arrivals.batch_days
        for first in range(0, self.days, step):
            trucks = self.arrivals.batch(range(first, min(first + step, self.days)), self.rng)
            self._pass_straight_through(trucks)
            self.tally.flush()

    def _pass_straight_through(self, trucks: ArrivalBatch) -> None:
        """Nothing after customs can hold a truck up: the gate is one FCFS queue."""
        if self.arrivals.may_give_up:
            self._pass_straight_through_giving_up(trucks)
            return
        for moment in ("arrived", "reached", "entered"):
            self.tally.passed(moment, trucks.arrival)
        crossed = self.customs.finish_all(trucks.arrival, trucks.customs_hours)
        self.tally.crossed_all(trucks, crossed)

    def _pass_straight_through_giving_up(self, trucks: ArrivalBatch) -> None:
        left, how = self.customs.finish_or_give_up_all(trucks, self.present)
        balked, reneged, crossed = (how == BALKED), (how == RENEGED), (how == CROSSED)
        self.tally.passed("arrived", trucks.arrival)
        for moment in ("reached", "entered"):
            self.tally.passed(moment, trucks.arrival[~balked])
        self.tally.gave_up_all(trucks.where(balked), left[balked], "inland", balked=True)
        self.tally.gave_up_all(trucks.where(reneged), left[reneged], "yard", balked=False)
        self.tally.crossed_all(trucks.where(crossed), left[crossed])

    def _pass_events(self, until: float) -> None:
        """Each arrival before `until` in turn, after the events due before it
        (`_advance` inlined: this loop runs once a truck)."""
        events, arrive, drawn = self.events, self.arrive, self.drawn
        held, drawn.held = drawn.held, None
        upcoming = drawn.pending if held is None else chain((held,), drawn.pending)
        for truck in upcoming:
            now = truck.arrival
            if now >= until:
                drawn.held = truck
                return
            while events and events[0][0] <= now:
                time, _, action, subject = heappop(events)
                action(subject, time)
            arrive(truck, now)

    def _advance(self, until: float) -> None:
        # The horizon's own stroke is outside the run (results count what happens
        # before it): a truck due to cross then is still in the zone at the end.
        until = min(until, math.nextafter(self.days * 24, 0))
        events = self.events
        while events and events[0][0] <= until:
            time, _, action, subject = heappop(events)
            action(subject, time)

    def _schedule(self, time: float, action: Action, subject: Any) -> None:
        heappush(self.events, (time, next(self.sequence), action, subject))

    def _queue_entry(self, truck: Truck, order: float) -> QueueEntry:
        """Queues serve the smallest entry first.

        Under perishable priority, perishable trucks go first, the one whose shelf life
        runs out soonest at the head; everyone else keeps `order` (arrival or booking).
        """
        if self.policy.perishable_priority and truck.perishable:
            return (0, truck.shelf_deadline, next(self.sequence), truck)
        return (1, order, next(self.sequence), truck)

    # --- the trip, step by step -------------------------------------------------------

    def arrive(self, truck: Truck, now: float, moment: str = "arrived") -> None:
        self.note[moment](now)
        if truck.bears < INF and self._goes_elsewhere(truck, now):
            return
        direction = truck.direction
        if self.in_zone[direction] >= truck.balk_at:
            self.tally.gave_up(truck, now, "inland", balked=True)
            return
        self.in_zone[direction] += 1
        if self.booking:
            self._book(truck, now)
        elif not self.holding:
            self.reach_gate(truck, now)
        elif self._yard_has_room(truck.direction):
            self._call_forward(truck, now)
        else:
            self.note["yard_overflow"](now)
            self._keep_outside(truck, now)

    def receive(self, truck: Truck, arrives: float) -> None:
        """A truck another gate sent here: counted from when it was sent (its arrival
        there), it comes at `arrives`, never to go on again, under a number of ours."""
        self.note["rerouted_in"](truck.arrival)
        ident = self.arrivals.trucks_drawn
        self.arrivals.trucks_drawn += 1
        self._schedule(arrives, self.come, truck._replace(ident=ident, bears=INF))

    def come(self, truck: Truck, now: float) -> None:
        """A truck sent here from another gate reaches this one (and may balk)."""
        self.arrive(truck, now, "came")

    def _goes_elsewhere(self, truck: Truck, now: float) -> bool:
        direction = truck.direction
        waiting = self.expected_wait(direction, self.in_zone[direction], now)
        if waiting <= truck.bears or self.elsewhere is None:
            return False
        went = self.elsewhere(truck, waiting)
        if went:
            self.tally.rerouted(truck, now)
        return went

    def expected_wait(self, direction: int, trucks: int, now: float) -> float:
        """What a driver expects to wait behind `trucks` at this gate: the crossings
        the next 24 hours offer, taken as the pace; inf if none (the gate is closed)."""
        crossing = self.crossings[direction]
        if crossing is None:
            return 0.0
        offered = crossing.timeline.offered(now, now + 24)
        return math.inf if offered <= 0 else trucks * 24 / offered

    def resume(self, truck: Truck, cleared: bool, now: float) -> None:
        """A truck already in the zone when the run starts: it never balks and is
        not re-booked; a cleared one waits for a slot, the others for customs."""
        self.note["arrived"](now)
        self.in_zone[truck.direction] += 1
        if not cleared:
            self.reach_gate(truck, now)
            return
        self.note["reached"](now)
        self.note["entered"](now)
        self.occupied[truck.direction] += 1
        self.ready(truck, now)

    def _book(self, truck: Truck, now: float) -> None:
        lead = self.policy.booking_lead_hours
        timeline = self._crossing(truck).timeline
        slot = timeline.book(now + lead)
        self._start_waiting(truck, now, truck.arrival + truck.patience, "inland")
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
        self.note["reached"](now)
        self.enter_yard(truck, now)

    def reach_gate(self, truck: Truck, now: float) -> None:
        if self.gone and truck.ident in self.gone:  # booked, but gave up at its origin
            self.gone.discard(truck.ident)
            return
        if self.waiting:
            self.waiting.pop(truck.ident, None)
        self.note["reached"](now)
        if self._yard_has_room(truck.direction):
            self.occupied[truck.direction] += 1
            self.enter_yard(truck, now)
        else:
            self.note["yard_overflow"](now)
            self._keep_outside(truck, now)

    def _yard_has_room(self, direction: int) -> bool:
        if self.gone:
            self._drop_gone(self.outside[direction])
        return self.occupied[direction] < self.spaces[direction] and not self.outside[direction]

    def _keep_outside(self, truck: Truck, now: float) -> None:
        heappush(self.outside[truck.direction], self._queue_entry(truck, now))
        self._start_waiting(truck, now, truck.arrival + truck.patience, self.outside_stage)

    def enter_yard(self, truck: Truck, now: float) -> None:
        self.note["entered"](now)
        if truck.route:
            self._at_stop(Visit(truck, 0, 0.0, 0.0), now)
            return
        if truck.patience == math.inf:
            done = self.customs.finish(now, truck.customs_hours)
        else:
            done = self.customs.finish_or_give_up(
                now, truck.customs_hours, truck.arrival + truck.patience
            )
            if done is None:
                self._schedule(
                    max(now, truck.arrival + truck.patience), self._give_up_in_yard, truck
                )
                return
        self._schedule(done, self.cleared_customs, truck)

    def cleared_customs(self, truck: Truck, now: float) -> None:
        if self.quarantine is None or truck.quarantine_hours <= 0:
            self.ready(truck, now)
        elif truck.patience == math.inf:
            self._schedule(self.quarantine.finish(now, truck.quarantine_hours), self.ready, truck)
        else:
            give_up_at = truck.arrival + truck.patience + truck.customs_hours
            done = self.quarantine.finish_or_give_up(now, truck.quarantine_hours, give_up_at)
            if done is None:
                self._schedule(max(now, give_up_at), self._give_up_in_yard, truck)
            else:
                self._schedule(done, self.ready, truck)

    def _at_stop(self, visit: Visit, now: float) -> None:
        """A truck on its goods' own route joins its next station, or, past the last,
        waits to cross. It gives up as it would at customs: never taking an officer."""
        truck, stop, served, beyond = visit
        stops = self.routes[truck.route]
        if stop == len(stops):
            self.ready(truck._replace(served_hours=beyond), now)
            return
        station, source = stops[stop]
        if source == "customs":
            hours = truck.customs_hours
        elif source == "quarantine":
            hours = truck.quarantine_hours
        else:
            hours = float(draw(source, self.rng, 1)[0])
            beyond += hours
            if station.drops_trailer:  # its tractor has gone: the trailer cannot give up
                truck = truck._replace(patience=INF)
        give_up_at = truck.arrival + truck.patience + served
        done = station.finish_or_give_up(now, hours, give_up_at)
        if done is None:
            self._schedule(max(now, give_up_at), self._give_up_in_yard, truck)
        else:
            self._schedule(done, self._at_stop, Visit(truck, stop + 1, served + hours, beyond))

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
        if truck.patience < math.inf:
            served = truck.customs_hours + truck.quarantine_hours + truck.served_hours
            self._start_waiting(truck, now, truck.arrival + truck.patience + served, "yard")
        if not crossing.calling:
            self._call_next(crossing, now)

    def _call_next(self, crossing: Crossing, now: float) -> None:
        slot_time = crossing.next_slot_time(now)
        crossing.calling = slot_time < math.inf
        if crossing.calling:
            self._schedule(slot_time, self._slot, crossing)

    def _slot(self, crossing: Crossing, now: float) -> None:
        truck = self._pop_waiting(crossing.ready)
        if truck is not None:  # else everyone in the queue gave up: the slot goes unused
            self.cross(truck, now)
        if crossing.ready:
            # `now` is the last slot's time, so the next is the first unused one.
            slot = crossing.unused_slot
            crossing.unused_slot = slot + 1
            slot_time = crossing.timeline.slot_time(slot)
            crossing.calling = slot_time < math.inf
            if crossing.calling:
                self._schedule(slot_time, self._slot, crossing)
        else:
            crossing.calling = False

    def cross(self, truck: Truck, now: float) -> None:
        self.tally.crossed(truck, now)
        self._leave_yard(truck.direction, now)
        if self.hub is not None and truck.route in self.hub.returns:
            self.hub.tally.trailers["crossed"].append(now)
            away = self.hub.returns[truck.route][1].away
            trailer = ReturningTrailer(truck.route, truck.ident)
            self._schedule(now + float(draw(away, self.rng, 1)[0]), self._bring_back, trailer)

    # --- a swapped trailer's way back ---------------------------------------------------

    def _bring_back(self, trailer: ReturningTrailer, now: float) -> None:
        """Ready on the other side: it waits for a driver of its pool to bring it back."""
        assert self.hub is not None
        pool, way_back = self.hub.returns[trailer.route]
        done = pool.finish(now, float(draw(way_back.back, self.rng, 1)[0]), outbound=False)
        self._schedule(done, self._returned, trailer)

    def _returned(self, trailer: ReturningTrailer, now: float) -> None:
        """Back in our yard: it waits for its owner's tractor."""
        assert self.hub is not None
        self.hub.tally.trailers["returned"].append(now)
        hand_back = self.hub.returns[trailer.route][1].hand_back
        waits = float(draw(hand_back, self.rng, 1)[0])
        self._schedule(now + waits, self._handed_back, trailer)

    def _handed_back(self, trailer: ReturningTrailer, now: float) -> None:
        assert self.hub is not None
        self.hub.tally.trailers["handed_back"].append(now)

    def _leave_yard(self, direction: int, now: float) -> None:
        """A truck left the yard (crossed or gave up): the next one outside takes its space."""
        self.in_zone[direction] -= 1
        self.occupied[direction] -= 1
        outside = self.outside[direction]
        if outside and self.occupied[direction] < self.spaces[direction]:
            waiting = self._pop_waiting(outside)
            if waiting is None:
                return
            if self.holding:
                self._call_forward(waiting, now)
            else:
                self.occupied[direction] += 1
                self.enter_yard(waiting, now)

    # --- giving up ------------------------------------------------------------------

    def _start_waiting(self, truck: Truck, now: float, give_up_at: float, stage: str) -> None:
        """The truck waits in `stage`; it gives up at `give_up_at` if still there."""
        if give_up_at == math.inf:
            return
        token = next(self.sequence)
        self.waiting[truck.ident] = token
        self._schedule(max(now, give_up_at), self._give_up, (truck, token, stage))

    def _give_up(self, subject: tuple[Truck, int, str], now: float) -> None:
        truck, token, stage = subject
        if self.waiting.get(truck.ident) != token:  # it moved on before its patience ran out
            return
        del self.waiting[truck.ident]
        self.gone.add(truck.ident)  # still in its queue (or on its way): skipped there
        self.tally.gave_up(truck, now, stage)
        if stage == "yard":
            self._leave_yard(truck.direction, now)
        else:
            self.in_zone[truck.direction] -= 1

    def _give_up_in_yard(self, truck: Truck, now: float) -> None:
        """Its turn at customs or quarantine would have come after its patience ran out."""
        self.tally.gave_up(truck, now, "yard")
        self._leave_yard(truck.direction, now)

    def _pop_waiting(self, queue: list[QueueEntry]) -> Truck | None:
        """The first truck in `queue` that has not given up, taken out of it."""
        if self.gone:
            self._drop_gone(queue)
        if not queue:
            return None
        truck = heappop(queue)[-1]
        if self.waiting:
            self.waiting.pop(truck.ident, None)
        return truck

    def _drop_gone(self, queue: list[QueueEntry]) -> None:
        gone = self.gone
        while queue and queue[0][-1].ident in gone:
            gone.discard(heappop(queue)[-1].ident)

    def _trucks_in_zone(self) -> Iterator[Truck]:
        queued = [*(entry[-1] for outside in self.outside for entry in outside)]
        for *_, subject in self.events:
            if isinstance(subject, Visit):
                queued.append(subject.truck)
            elif isinstance(subject, Truck):
                queued.append(subject)
        for crossing in self.crossings:
            if crossing is not None:
                queued += (entry[-1] for entry in crossing.ready)
        return (truck for truck in queued if truck.ident not in self.gone)


def _routes(
    scenario: Scenario, gate_id: str, customs: FcfsStation, quarantine: FcfsStation | None
) -> tuple[dict[int, tuple[Stop, ...]], Hub | None]:
    """The declared ways this gate has every station for, by number; and its hub
    (its hub stations and the ways back of its trailer swaps), if it has one."""
    gate = scenario.gates[gate_id]
    stations: dict[str, Stop] = {"customs": (customs, "customs")}
    if quarantine is not None:
        stations["quarantine"] = (quarantine, "quarantine")
    for name, station in gate.stations.items():
        if station.kind == "station" and not station.shifts:
            stations[name] = (FcfsStation(station.servers), station.service)
        else:
            stations[name] = (HubStation(station), station.service)
    declared = {
        number: tuple(stations[stop] for stop in way.stops)
        for number, way in ways(scenario).items()
        if all(stop in stations for stop in way.stops)
    }
    return declared, hub_of(scenario, gate_id, declared)
