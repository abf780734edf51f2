"""A real-shaped gate in SimPy, written as SimPy's documentation writes a model,
and the same gate as a cuakhau scenario.

One gate, exports only. Fruit (perishable, 12 h of shelf life left) and general-goods
trucks arrive as a Poisson stream. Each waits on the road for a space in the yard
(60 spaces), clears customs (4 officers, exponential service), and waits in the yard
for a crossing slot: 14 an hour from 07:00 to 19:00, half that on Sundays, a slot
nobody is ready for being lost. Fruit goes first on the road and at the crossing,
the truck whose shelf life runs out soonest at the head. A fruit truck gives up
after waiting an exponential time (its own customs time not counted) and frees its
yard space; general goods wait as long as it takes.

SimPy: a `PriorityResource` for the yard, a `Resource` for customs, a
`PriorityStore` of cleared trucks emptied one truck per slot by the crossing
process, a process per truck and one that samples the trucks in the zone on the
hour. cuakhau: the same gate as a scenario, run by its event loop (the crossing
limit and the yard rule out its tight loop).
"""

from __future__ import annotations

import math
import random
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

import simpy

SERVERS = 4
CUSTOMS_MEAN_HOURS = 0.5
YARD_SPACES = 60
SLOTS_PER_HOUR = 14
OPENS, CLOSES = 7, 19
SUNDAY_FACTOR = 0.5
FRUIT_PER_DAY = 100.0
GENERAL_PER_DAY = 50.0
SHELF_LIFE_HOURS = 12.0
FRUIT_PATIENCE_MEAN_HOURS = 24.0
START = "2024-01-01"  # a Monday: day 6, 13, … are Sundays
SUNDAY = 6

# The figures both engines report over the days after warm-up.
STATISTICS = (
    "arrived",
    "crossed",
    "reneged",
    "wait_mean_hours",
    "trucks_waiting",
    "crossed_past_shelf_life",
)


def scenario(days: int, warmup_days: int, scale: int = 1) -> dict[str, Any]:
    """The gate as a cuakhau scenario; ``scale`` times the trucks, officers, yard
    spaces and slots (the same queues, ``scale`` times the trucks: the memory check)."""
    exponential = {"distribution": "exponential"}
    return {
        "name": "real-shaped",
        "start": START,
        "days": days,
        "warmup_days": warmup_days,
        "policy": {"perishable_priority": True},
        "commodities": {
            "fruit": {
                "perishable": True,
                "shelf_life_hours": SHELF_LIFE_HOURS,
                "patience": {**exponential, "mean_hours": FRUIT_PATIENCE_MEAN_HOURS},
            },
            "general": {},
        },
        "gates": {
            "gate": {
                "name": "Gate",
                "yards": {"export": {"spaces": YARD_SPACES * scale}},
                "customs": {
                    "servers": SERVERS * scale,
                    "channels": {
                        "green": {
                            "share": 1,
                            "service": {**exponential, "mean_hours": CUSTOMS_MEAN_HOURS},
                        }
                    },
                },
                "crossing": {
                    "export": {
                        "per_hour": SLOTS_PER_HOUR * scale,
                        "hours": f"{OPENS:02d}:00-{CLOSES:02d}:00",
                        "weekdays": {"sun": SUNDAY_FACTOR},
                    }
                },
            }
        },
        "arrivals": [
            {
                "commodity": commodity,
                "direction": "export",
                "per_day": per_day * scale,
                "gates": {"gate": 1},
            }
            for commodity, per_day in (("fruit", FRUIT_PER_DAY), ("general", GENERAL_PER_DAY))
        ],
    }


@dataclass
class Tally:
    """What happened inside the counted window [first_hour, last_hour)."""

    first_hour: float
    last_hour: float
    trucks: int = 0  # every arrival, counted or not
    arrived: int = 0
    crossed: int = 0
    reneged: int = 0
    wait_hours: float = 0.0
    crossed_past_shelf_life: int = 0
    on_the_hour: list[int] = field(default_factory=list)

    def counts(self, time: float) -> bool:
        return self.first_hour <= time < self.last_hour

    def result(self) -> dict[str, float]:
        return {
            "arrived": self.arrived,
            "crossed": self.crossed,
            "reneged": self.reneged,
            "wait_mean_hours": self.wait_hours / self.crossed if self.crossed else math.nan,
            "trucks_waiting": sum(self.on_the_hour) / len(self.on_the_hour),
            "crossed_past_shelf_life": self.crossed_past_shelf_life,
        }


class Gate:
    def __init__(self, env: simpy.Environment) -> None:
        self.env = env
        self.yard = simpy.PriorityResource(env, capacity=YARD_SPACES)
        self.customs = simpy.Resource(env, capacity=SERVERS)
        self.ready = simpy.PriorityStore(env)  # cleared trucks waiting for a slot
        self.in_zone = 0


class Truck:
    def __init__(self, env: simpy.Environment, fruit: bool, draw: random.Random) -> None:
        self.fruit = fruit
        self.arrived = env.now
        self.customs_hours = draw.expovariate(1 / CUSTOMS_MEAN_HOURS)
        self.patience = draw.expovariate(1 / FRUIT_PATIENCE_MEAN_HOURS) if fruit else math.inf
        self.crossed = env.event()
        self.gave_up = False

    def priority(self, now: float) -> tuple[int, float]:
        """Fruit first, the one whose shelf life ends soonest; then first come."""
        return (0, self.arrived + SHELF_LIFE_HOURS) if self.fruit else (1, now)


def wait_until(
    env: simpy.Environment, event: simpy.Event, deadline: float
) -> Generator[simpy.Event, Any, bool]:
    """Wait for `event` or until `deadline`; whether the event came first."""
    if deadline == math.inf:
        yield event
        return True
    outcome = yield event | env.timeout(max(0.0, deadline - env.now))
    return event in outcome


def clear_and_cross(
    env: simpy.Environment, gate: Gate, truck: Truck, give_up_at: float
) -> Generator:
    """In the yard: customs, then a crossing slot (or giving up on either)."""
    with gate.customs.request() as officer:
        if not (yield from wait_until(env, officer, give_up_at)):
            return
        yield env.timeout(truck.customs_hours)
    gate.ready.put(simpy.PriorityItem(truck.priority(env.now), truck))
    # Time in customs does not count against patience.
    yield from wait_until(env, truck.crossed, give_up_at + truck.customs_hours)


def trip(env: simpy.Environment, gate: Gate, truck: Truck, tally: Tally) -> Generator:
    gate.in_zone += 1
    give_up_at = truck.arrived + truck.patience
    with gate.yard.request(priority=0 if truck.fruit else 1) as space:
        if (yield from wait_until(env, space, give_up_at)):
            yield from clear_and_cross(env, gate, truck, give_up_at)
    gate.in_zone -= 1
    if truck.crossed.triggered:
        if tally.counts(env.now):
            tally.crossed += 1
            tally.wait_hours += env.now - truck.arrived - truck.customs_hours
            tally.crossed_past_shelf_life += truck.fruit and (
                env.now > truck.arrived + SHELF_LIFE_HOURS
            )
    else:
        truck.gave_up = True
        tally.reneged += tally.counts(env.now)


def slot_times(days: int) -> Iterator[float]:
    """Evenly spaced slots inside each open hour."""
    for day in range(days):
        per_hour = SLOTS_PER_HOUR * (SUNDAY_FACTOR if day % 7 == SUNDAY else 1)
        for hour in range(OPENS, CLOSES):
            for slot in range(1, int(per_hour) + 1):
                yield day * 24 + hour + slot / per_hour


def crossing(env: simpy.Environment, gate: Gate, days: int) -> Generator:
    """At each slot the first truck still waiting crosses; an unused slot is lost."""
    for slot in slot_times(days):
        yield env.timeout(slot - env.now)
        while gate.ready.items:
            truck = (yield gate.ready.get()).item
            if not truck.gave_up:
                truck.crossed.succeed()
                break


def arrivals(env: simpy.Environment, gate: Gate, draw: random.Random, tally: Tally) -> Generator:
    per_hour = (FRUIT_PER_DAY + GENERAL_PER_DAY) / 24
    fruit_share = FRUIT_PER_DAY / (FRUIT_PER_DAY + GENERAL_PER_DAY)
    while True:
        yield env.timeout(draw.expovariate(per_hour))
        tally.trucks += 1
        tally.arrived += tally.counts(env.now)
        truck = Truck(env, draw.random() < fruit_share, draw)
        env.process(trip(env, gate, truck, tally))


def on_the_hour(env: simpy.Environment, gate: Gate, tally: Tally) -> Generator:
    """Trucks in the zone at the end of each counted hour."""
    while True:
        yield env.timeout(1)
        if tally.first_hour < env.now <= tally.last_hour:
            tally.on_the_hour.append(gate.in_zone)


def run_simpy(days: int, warmup_days: int, seed: int) -> tuple[dict[str, float], int]:
    """One replication: the statistics and how many trucks arrived in all."""
    env = simpy.Environment()
    draw = random.Random(seed)
    gate = Gate(env)
    tally = Tally(first_hour=warmup_days * 24, last_hour=days * 24)
    env.process(arrivals(env, gate, draw, tally))
    env.process(crossing(env, gate, days))
    env.process(on_the_hour(env, gate, tally))
    env.run(until=days * 24)
    return tally.result(), tally.trucks


def run_cuakhau(
    days: int, warmup_days: int, seed: int, scale: int = 1
) -> tuple[dict[str, float], int]:
    """The same replication in cuakhau's engine."""
    import numpy as np

    from cuakhau.simulation import parse_scenario
    from cuakhau.simulation.engine import GateSimulation

    result = GateSimulation(parse_scenario(scenario(days, warmup_days, scale)), "gate").run(
        np.random.default_rng(seed)
    )
    summary = result.summary(warmup_days)
    figures = {name: summary[name] for name in STATISTICS if name in summary}
    figures["trucks_waiting"] = float(result.series(warmup_days)["trucks_waiting"].mean())
    return figures, int(result.counts["arrived"].sum())
