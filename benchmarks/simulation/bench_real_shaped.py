"""The real-shaped gate (real_shaped.py) in SimPy and in cuakhau, plus a Lạng Sơn season.

    python benchmarks/simulation/bench_real_shaped.py                 # 1,000 days, ~150,000 trucks
    python benchmarks/simulation/bench_real_shaped.py --days 300 --rounds 3 --season-replications 0

One replication of the same scenario in each engine, each in its own process (its
imports before the clock starts, its own peak memory), alternating for `--rounds`
rounds: trucks per second of each and their ratio, and the statistics of both side
by side. cuakhau runs this gate in its event loop (a crossing limit and a finite
yard); the M/M/10 of bench_mmc.py measures its tight loop. Then the Lạng Sơn
baseline season (365 days, 5 gates, all with crossing limits: the event loop too)
over every core. Last, cuakhau's peak memory with ten times the trucks over the
same days: it should grow with the days kept, not the trucks. Needs simpy (the
`bench` or `dev` extra).
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import time

import real_shaped
from bench_mmc import MEMORY_SCALE, in_child, peak_mib, season

WARMUP_DAYS = 14
ENGINES = {"simpy": real_shaped.run_simpy, "cuakhau": real_shaped.run_cuakhau}
MODULES = {"simpy": ["simpy"], "cuakhau": ["cuakhau.simulation.engine"]}
COMPARED = tuple(ENGINES)
# The memory check: the same days with ten times the trucks (and officers, spaces
# and slots, so the queues are the same).
ENGINES["cuakhau-scaled"] = lambda days, warmup, seed: real_shaped.run_cuakhau(
    days, warmup, seed, MEMORY_SCALE
)
MODULES["cuakhau-scaled"] = MODULES["cuakhau"]


def child(engine: str, days: int) -> None:
    for module in MODULES[engine]:
        importlib.import_module(module)
    started, cpu_started = time.perf_counter(), time.process_time()
    figures, trucks = ENGINES[engine](days, WARMUP_DAYS, 1)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "trucks": trucks,
                "peak_mib": peak_mib(),
                **figures,
            }
        )
    )


def measure(engine: str, days: int) -> dict[str, float]:
    figures = in_child(__file__, engine, "--days", str(days))
    figures["per_second"] = figures["trucks"] / figures["seconds"]
    figures["per_cpu_second"] = figures["trucks"] / figures["cpu_seconds"]
    return figures


def route() -> str:
    from cuakhau.simulation import parse_scenario
    from cuakhau.simulation.engine import GateSimulation

    gate = GateSimulation(parse_scenario(real_shaped.scenario(2, 0)), "gate")
    return "tight loop" if gate.straight_through else "event loop"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--season-replications", type=int, default=100)
    parser.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments.child, arguments.days)
        return

    print(f"Real-shaped gate, {arguments.days} days, cuakhau route: {route()}")
    ratios = []
    for round_number in range(1, arguments.rounds + 1):
        results = {engine: measure(engine, arguments.days) for engine in COMPARED}
        ratio = results["cuakhau"]["per_second"] / results["simpy"]["per_second"]
        cpu_ratio = results["cuakhau"]["per_cpu_second"] / results["simpy"]["per_cpu_second"]
        ratios.append(ratio)
        print(f"round {round_number}")
        print(
            f"  {'engine':<8} {'trucks':>9} {'seconds':>8} {'trucks/s':>10} "
            f"{'CPU s':>7} {'trucks/CPU s':>12} {'peak MiB':>9}"
        )
        for engine, figures in results.items():
            print(
                f"  {engine:<8} {figures['trucks']:>9,} {figures['seconds']:>8.2f} "
                f"{figures['per_second']:>10,.0f} {figures['cpu_seconds']:>7.2f} "
                f"{figures['per_cpu_second']:>12,.0f} {figures['peak_mib']:>9.1f}"
            )
        print(f"  {'statistic':<24} {'SimPy':>10} {'cuakhau':>10}")
        for name in real_shaped.STATISTICS:
            print(f"  {name:<24} {results['simpy'][name]:>10.3f} {results['cuakhau'][name]:>10.3f}")
        print(f"  cuakhau / SimPy: {ratio:.1f}x (by CPU time {cpu_ratio:.1f}x)")
    if len(ratios) > 1:
        print(f"cuakhau / SimPy, median of {len(ratios)} rounds: {statistics.median(ratios):.1f}x")
    scaled = measure("cuakhau-scaled", arguments.days)
    print(
        f"cuakhau memory: {results['cuakhau']['peak_mib']:.1f} MiB for "
        f"{results['cuakhau']['trucks']:,} trucks, {scaled['peak_mib']:.1f} MiB for "
        f"{scaled['trucks']:,} over the same {arguments.days} days "
        f"({MEMORY_SCALE}x the trucks, officers, spaces and slots)"
    )
    if arguments.season_replications:
        print(season(arguments.season_replications))


if __name__ == "__main__":
    main()
