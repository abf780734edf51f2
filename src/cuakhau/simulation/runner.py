"""Replications, spread over processes, with seeds that do not depend on how many.

Replication i always gets child i of SeedSequence(seed), and gate g inside it child g
of that, so the numbers are the same whether one process runs them all or many do.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from functools import reduce
from operator import add

import numpy as np

from cuakhau.simulation.engine import GateSimulation
from cuakhau.simulation.rerouting import Zone, reroutes
from cuakhau.simulation.results import ReplicationResult, SimulationResult, summarise
from cuakhau.simulation.scenario import Scenario

ZONE = "all"


def run_replication(
    scenario: Scenario, seed: np.random.SeedSequence, hourly: bool = False
) -> ReplicationResult:
    """One replication; with `hourly`, also the hour-by-hour queue and wait."""
    gate_seeds = seed.spawn(len(scenario.gates))
    rngs = {
        gate_id: np.random.default_rng(gate_seed)
        for gate_id, gate_seed in zip(scenario.gates, gate_seeds, strict=True)
    }
    if reroutes(scenario):
        days = Zone(scenario, hourly).run(rngs)
    else:
        days = {
            gate_id: GateSimulation(scenario, gate_id, hourly).run(rng)
            for gate_id, rng in rngs.items()
        }
    days[ZONE] = reduce(add, days.values())
    first = scenario.warmup_days
    return ReplicationResult(
        series={gate: result.series(first) for gate, result in days.items()},
        summary={gate: result.summary(first) for gate, result in days.items()},
        hourly={gate: result.hourly_series(first) for gate, result in days.items()}
        if hourly
        else {},
    )


def replication_seeds(seed: int, replications: int) -> list[np.random.SeedSequence]:
    """Replication i's seed, whoever runs it (a process pool here, a Dask
    cluster in ``simulation.cluster``)."""
    return np.random.SeedSequence(seed).spawn(replications)


def simulate(
    scenario: Scenario,
    replications: int = 20,
    seed: int = 1,
    workers: int | None = None,
    on_replication: Callable[[], None] | None = None,
    hourly: bool = False,
) -> SimulationResult:
    """Run `replications` independent replications; `workers` None means every core.
    With `hourly`, the result also has trucks waiting and the mean wait per hour."""
    done = replicate(scenario, replications, seed, workers, on_replication, hourly)
    return summarise(scenario, done, seed)


def replicate(
    scenario: Scenario,
    replications: int,
    seed: int,
    workers: int | None = None,
    on_replication: Callable[[], None] | None = None,
    hourly: bool = False,
) -> list[ReplicationResult]:
    """Each replication's own results, in replication order (for sums across gates)."""
    seeds = replication_seeds(seed, replications)
    workers = min(workers or os.cpu_count() or 1, replications)
    done: list[ReplicationResult | None] = [None] * replications
    if workers == 1:
        for index, child in enumerate(seeds):
            done[index] = run_replication(scenario, child, hourly)
            if on_replication:
                on_replication()
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {
                pool.submit(run_replication, scenario, child, hourly): index
                for index, child in enumerate(seeds)
            }
            for future in as_completed(futures):
                done[futures[future]] = future.result()
                if on_replication:
                    on_replication()
    return [result for result in done if result is not None]
