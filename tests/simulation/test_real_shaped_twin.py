"""The real-shaped benchmark's SimPy model and cuakhau's run of the same gate agree."""

from __future__ import annotations

import math
import statistics

import pytest
from benchmarks.simulation.real_shaped import STATISTICS, run_cuakhau, run_simpy

from cuakhau.simulation.results import t_quantile_975

REPLICATIONS = 6
DAYS, WARMUP_DAYS = 84, 14


@pytest.mark.slow
def test_simpy_twin_and_cuakhau_give_the_same_statistics() -> None:
    """Each statistic's mean differs between the engines by less than the 95% interval
    of that difference (Welch), over independent replications of each."""
    runs = {
        engine: [run(DAYS, WARMUP_DAYS, seed)[0] for seed in range(1, REPLICATIONS + 1)]
        for engine, run in (("simpy", run_simpy), ("cuakhau", run_cuakhau))
    }
    for name in STATISTICS:
        simpy_values = [run[name] for run in runs["simpy"]]
        cuakhau_values = [run[name] for run in runs["cuakhau"]]
        difference = statistics.fmean(cuakhau_values) - statistics.fmean(simpy_values)
        spread = math.sqrt(
            (statistics.variance(simpy_values) + statistics.variance(cuakhau_values)) / REPLICATIONS
        )
        half_width = t_quantile_975(2 * REPLICATIONS - 2) * spread
        assert abs(difference) <= half_width, (name, difference, half_width)
    # The scenario exercises what it is for: giving up, spoiled fruit, a busy yard.
    for run in runs["cuakhau"]:
        assert run["reneged"] > 0
        assert run["crossed_past_shelf_life"] > 0
        assert run["trucks_waiting"] > 20
