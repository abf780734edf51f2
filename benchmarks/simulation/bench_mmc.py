"""M/M/10 at ρ = 0.9 in SimPy, Ciw and cuakhau, plus a full Lạng Sơn season.

    python benchmarks/simulation/bench_mmc.py                 # 1,000,000 customers
    python benchmarks/simulation/bench_mmc.py --customers 100000 --season-replications 10

Each engine runs in its own process so its peak memory (ru_maxrss) is its own.
Needs the `bench` extra (simpy, ciw).
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import resource
import subprocess
import sys
import time

SERVERS = 10
SERVICE_RATE = 1.0  # per hour
ARRIVAL_RATE = 0.9 * SERVERS * SERVICE_RATE
WARMUP_FRACTION = 0.02


def run_simpy(customers: int) -> float:
    import random

    import simpy

    env = simpy.Environment()
    officers = simpy.Resource(env, SERVERS)
    draw = random.Random(1)
    total, counted = 0.0, 0
    skip = int(customers * WARMUP_FRACTION)

    def truck(index: int):
        nonlocal total, counted
        arrived = env.now
        with officers.request() as turn:
            yield turn
            if index >= skip:
                total += env.now - arrived
                counted += 1
            yield env.timeout(draw.expovariate(SERVICE_RATE))

    def source():
        for index in range(customers):
            yield env.timeout(draw.expovariate(ARRIVAL_RATE))
            env.process(truck(index))

    env.process(source())
    env.run()
    return total / counted


def run_ciw(customers: int) -> float:
    import ciw

    ciw.seed(1)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(ARRIVAL_RATE)],
        service_distributions=[ciw.dists.Exponential(SERVICE_RATE)],
        number_of_servers=[SERVERS],
    )
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_customers(customers, method="Finish")
    records = sorted(simulation.get_all_records(), key=lambda record: record.arrival_date)
    waits = [record.waiting_time for record in records[int(customers * WARMUP_FRACTION) :]]
    return sum(waits) / len(waits)


def run_cuakhau(customers: int, scale: int = 1) -> float:
    """``scale`` multiplies the officers and the arrival rate: the same load and
    horizon with ``scale`` times the trucks (for the memory check)."""
    import numpy as np

    from cuakhau.simulation import parse_scenario
    from cuakhau.simulation.engine import GateSimulation

    days = math.ceil(customers / (ARRIVAL_RATE * scale * 24))
    warmup = max(1, int(days * WARMUP_FRACTION))
    scenario = parse_scenario(
        {
            "name": "mm10",
            "start": "2024-01-01",
            "days": days,
            "warmup_days": warmup,
            "commodities": {"goods": {}},
            "gates": {
                "gate": {
                    "name": "M/M/10",
                    "customs": {
                        "servers": SERVERS * scale,
                        "channels": {
                            "green": {
                                "share": 1,
                                "service": {
                                    "distribution": "exponential",
                                    "mean_hours": 1 / SERVICE_RATE,
                                },
                            }
                        },
                    },
                }
            },
            "arrivals": [
                {
                    "commodity": "goods",
                    "direction": "export",
                    "per_day": ARRIVAL_RATE * scale * 24,
                    "gates": {"gate": 1},
                }
            ],
        }
    )
    result = GateSimulation(scenario, "gate").run(np.random.default_rng(1))
    return result.summary(warmup)["wait_mean_hours"]


# The memory check: ten times the trucks over the same days.
MEMORY_SCALE = 10
ENGINES = {
    "simpy": run_simpy,
    "ciw": run_ciw,
    "cuakhau": run_cuakhau,
    "cuakhau-scaled": lambda customers: run_cuakhau(customers, MEMORY_SCALE),
}
# Imported before the clock starts: start-up time is not simulation speed.
MODULES = {
    "simpy": ["simpy"],
    "ciw": ["ciw"],
    "cuakhau": ["cuakhau.simulation.engine"],
    "cuakhau-scaled": ["cuakhau.simulation.engine"],
}


def child(engine: str, customers: int) -> None:
    for module in MODULES[engine]:
        importlib.import_module(module)
    started = time.perf_counter()
    mean_wait = ENGINES[engine](customers)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "mean_wait": mean_wait, "peak_mib": peak_mib()}))


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_child(script: str, *arguments: str) -> dict[str, float]:
    """Run `script --child …` in a process of its own: the figures it printed last."""
    output = subprocess.run(
        [sys.executable, script, "--child", *arguments],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def measure(engine: str, customers: int) -> dict[str, float]:
    figures = in_child(__file__, engine, "--customers", str(customers))
    figures["customers"] = customers
    figures["per_second"] = customers / figures["seconds"]
    return figures


def season(replications: int) -> str:
    """The Lạng Sơn baseline over every core; its gates have crossing limits, so it runs
    in the event loop."""
    from cuakhau.simulation import load_scenario, simulate

    scenario = load_scenario("langson-baseline")
    started = time.perf_counter()
    result = simulate(scenario, replications=replications, seed=1)
    seconds = time.perf_counter() - started
    trucks = int(result.summary["all"]["arrived"].mean[0])
    return (
        f"Lạng Sơn baseline, 5 gates, 365 days, {replications} replications on "
        f"{os.cpu_count()} cores (event loop): {seconds:.1f} s (~{trucks:,} trucks per replication)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--ciw-customers", type=int, default=None, help="default: customers / 10")
    parser.add_argument("--season-replications", type=int, default=100)
    parser.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments.child, arguments.customers)
        return

    from cuakhau.simulation.theory import erlang_c_wait

    expected = erlang_c_wait(ARRIVAL_RATE, SERVICE_RATE, SERVERS)
    counts = {
        "simpy": arguments.customers,
        "ciw": arguments.ciw_customers or max(10_000, arguments.customers // 10),
        "cuakhau": arguments.customers,
    }
    results = {engine: measure(engine, count) for engine, count in counts.items()}
    print(f"M/M/{SERVERS}, rho = 0.9, mean wait by Erlang C = {expected:.4f} h")
    print(
        f"{'engine':<8} {'customers':>10} {'seconds':>8} {'cust/s':>10} {'peak MiB':>9} "
        f"{'mean wait':>9} {'vs Erlang C':>11}"
    )
    for engine, figures in results.items():
        print(
            f"{engine:<8} {figures['customers']:>10,} {figures['seconds']:>8.2f} "
            f"{figures['per_second']:>10,.0f} {figures['peak_mib']:>9.1f} "
            f"{figures['mean_wait']:>9.4f} {figures['mean_wait'] / expected - 1:>+11.1%}"
        )
    fast = results["cuakhau"]["per_second"]
    print(f"cuakhau / SimPy: {fast / results['simpy']['per_second']:.1f}x")
    print(
        f"cuakhau / Ciw:   {fast / results['ciw']['per_second']:.1f}x"
        + (f" (Ciw ran {counts['ciw']:,} customers)" if counts["ciw"] != counts["cuakhau"] else "")
    )
    scaled = measure("cuakhau-scaled", arguments.customers * MEMORY_SCALE)
    print(
        f"cuakhau memory: {results['cuakhau']['peak_mib']:.1f} MiB for "
        f"{arguments.customers:,} customers, {scaled['peak_mib']:.1f} MiB for "
        f"{scaled['customers']:,} over the same days ({MEMORY_SCALE}x the rate and officers)"
    )
    if arguments.season_replications:
        print(season(arguments.season_replications))


if __name__ == "__main__":
    main()
