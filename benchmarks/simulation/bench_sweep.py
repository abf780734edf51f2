"""The Lạng Sơn season's replications on a local Dask cluster against the
process pool `cuakhau simulate` uses, on the same number of workers, in
alternating rounds of one run.

    python benchmarks/simulation/bench_sweep.py                       # 100 replications
    python benchmarks/simulation/bench_sweep.py --replications 10 --days 90 --rounds 2

Both give the same numbers (checked each round); the figure is wall time. The
cluster's time includes starting it (its processes import cuakhau), as a
planner's `cuakhau simulate-compare` does; its start alone is printed beside.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from cuakhau.simulation import load_scenario, parse_scenario
from cuakhau.simulation.cluster import cluster_client, simulate_on
from cuakhau.simulation.loader import load_raw
from cuakhau.simulation.results import SimulationResult
from cuakhau.simulation.runner import simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="langson-baseline")
    parser.add_argument("--replications", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--days", type=int, default=None, help="shorten the season")
    arguments = parser.parse_args()
    if arguments.days:
        raw = load_raw(arguments.scenario)
        raw["days"] = arguments.days
        scenario = parse_scenario(raw, label=arguments.scenario)
    else:
        scenario = load_scenario(arguments.scenario)

    pool_seconds: list[float] = []
    cluster_seconds: list[float] = []
    start_seconds: list[float] = []
    with Progress(transient=True) as progress:
        task = progress.add_task("rounds", total=2 * arguments.rounds * arguments.replications)
        for _ in range(arguments.rounds):
            started = time.perf_counter()
            pooled = simulate(
                scenario,
                replications=arguments.replications,
                seed=1,
                workers=arguments.workers,
                on_replication=lambda: progress.advance(task),
            )
            pool_seconds.append(time.perf_counter() - started)

            started = time.perf_counter()
            with cluster_client(workers=arguments.workers) as client:
                start_seconds.append(time.perf_counter() - started)
                [clustered] = simulate_on(
                    client,
                    [scenario],
                    arguments.replications,
                    seed=1,
                    on_replication=lambda: progress.advance(task),
                )
            cluster_seconds.append(time.perf_counter() - started)
            _check_same(pooled, clustered)

    pool, cluster = statistics.median(pool_seconds), statistics.median(cluster_seconds)
    table = Table(
        title=(
            f"{scenario.name}, {scenario.days} days, {arguments.replications} replications "
            f"on {arguments.workers} workers (median of {arguments.rounds} rounds)"
        )
    )
    for column in ("route", "wall s (each round)", "median s", "vs process pool"):
        table.add_column(column, justify="right")
    table.add_row("process pool (`simulate`)", _each(pool_seconds), f"{pool:.1f}", "1.00")
    table.add_row(
        "Dask local cluster", _each(cluster_seconds), f"{cluster:.1f}", f"{cluster / pool:.2f}"
    )
    table.add_row("  of which its start", _each(start_seconds), "", "")
    Console().print(table)
    print("Same numbers on both routes in every round.")


def _each(values: list[float]) -> str:
    return ", ".join(f"{value:.1f}" for value in values)


def _check_same(first: SimulationResult, second: SimulationResult) -> None:
    for gate, series in first.series.items():
        for metric, band in series.items():
            if not np.array_equal(band.mean, second.series[gate][metric].mean, equal_nan=True):
                raise SystemExit(f"{gate} {metric}: the two routes gave different numbers")


if __name__ == "__main__":
    main()
