"""Replications on Dask's distributed scheduler: a planner's study (several
scenarios, or a sweep's grid of them, each many times over) as one pile of
tasks, on a local cluster by default or on a real one by its address.

Replication i of every scenario gets ``runner.replication_seeds``'s seed i, as
``runner.simulate`` gives it, so the numbers are the same whichever way, and
on however many workers, they run (tests/simulation/test_cluster.py).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from dask.distributed import Client, LocalCluster, as_completed

from cuakhau.simulation.results import ReplicationResult, SimulationResult, summarise
from cuakhau.simulation.runner import replication_seeds, run_replication
from cuakhau.simulation.scenario import Scenario

# A scheduler that does not answer in this long is reported, not waited for.
CONNECT_SECONDS = 10


class SchedulerUnreachable(Exception):
    def __init__(self, address: str, reason: str) -> None:
        super().__init__(f"{address}: {reason}")
        self.address = address
        self.reason = reason


@contextmanager
def cluster_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, or of a local cluster of
    ``workers`` processes (every core when None), closed afterwards."""
    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, ValueError, TypeError) as error:
            raise SchedulerUnreachable(scheduler, str(error) or type(error).__name__) from None
        with client:
            yield client
        return
    # One thread per worker: a replication is pure Python holding the GIL.
    with (
        LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        yield client


def simulate_on(
    client: Client,
    scenarios: list[Scenario],
    replications: int,
    seed: int,
    on_replication: Callable[[], None] | None = None,
) -> list[SimulationResult]:
    """Every scenario's ``replications`` at once, spread over the cluster's
    workers; each scenario is sent to the cluster once, not once a task."""
    seeds = replication_seeds(seed, replications)
    done: list[list[ReplicationResult | None]] = [[None] * replications for _ in scenarios]
    where = {}
    for s, scenario in enumerate(scenarios):
        [shipped] = client.scatter([scenario])
        for r, child in enumerate(seeds):
            where[client.submit(run_replication, shipped, child, pure=False)] = (s, r)
    for future in as_completed(where, loop=client.loop):
        s, r = where[future]
        done[s][r] = future.result()
        if on_replication:
            on_replication()
    return [
        summarise(scenario, [result for result in results if result is not None], seed)
        for scenario, results in zip(scenarios, done, strict=True)
    ]
