"""The engine against closed-form queueing results, within confidence intervals."""

from __future__ import annotations

import numpy as np
import pytest

from cuakhau.simulation import simulate
from cuakhau.simulation.results import SimulationResult
from cuakhau.simulation.theory import erlang_c_wait, pollaczek_khinchine_wait

from .factories import queue_scenario

REPLICATIONS = 20
T_975_DF19, T_995_DF19 = 2.093, 2.861  # two-sided 95% and 99% Student-t, 19 degrees of freedom
LITTLE_TOLERANCE = 0.02


def replication_means(result: SimulationResult) -> tuple[float, float]:
    """Mean waiting time across replications and the half-width of its 99% CI."""
    band = result.summary["all"]["wait_mean_hours"]
    half_95 = float(band.high[0] - band.mean[0])
    return float(band.mean[0]), half_95 / T_975_DF19 * T_995_DF19


def assert_little(result: SimulationResult) -> None:
    assert result.summary["all"]["little_gap"].mean[0] < LITTLE_TOLERANCE


@pytest.mark.parametrize(
    ("servers", "load", "days"),
    [(1, 0.5, 200), (3, 0.8, 200), (1, 0.9, 1500), (10, 0.9, 750), (10, 0.95, 1500)],
)
def test_mmc_mean_wait_matches_erlang_c(servers: int, load: float, days: int) -> None:
    scenario = queue_scenario(servers=servers, load=load, days=days)
    result = simulate(scenario, replications=REPLICATIONS, seed=11, workers=1)
    mean, half = replication_means(result)
    expected = erlang_c_wait(load * servers, 1.0, servers)
    assert abs(mean - expected) <= half, (mean, expected, half)
    assert half < 0.1 * expected  # the interval is narrow enough for the check to bite
    assert_little(result)


@pytest.mark.parametrize(
    ("service", "cv"),
    [
        ({"distribution": "deterministic", "mean_hours": 1.0}, 0.0),
        ({"distribution": "gamma", "mean_hours": 1.0, "cv": 1.5}, 1.5),
    ],
)
def test_mg1_mean_wait_matches_pollaczek_khinchine(service: dict, cv: float) -> None:
    scenario = queue_scenario(servers=1, load=0.8, service=service, days=1000)
    result = simulate(scenario, replications=REPLICATIONS, seed=5, workers=1)
    mean, half = replication_means(result)
    expected = pollaczek_khinchine_wait(0.8, 1.0, cv)
    assert abs(mean - expected) <= half, (mean, expected, half)
    assert half < 0.1 * expected
    assert_little(result)


def test_event_path_and_straight_through_path_give_the_same_numbers() -> None:
    """A yard too big to fill forces the event loop; the answers must not move."""
    fast = queue_scenario(servers=3, load=0.85, days=60)
    evented = queue_scenario(servers=3, load=0.85, days=60, yards={"export": {"spaces": 10**6}})
    first = simulate(fast, replications=2, seed=3, workers=1)
    second = simulate(evented, replications=2, seed=3, workers=1)
    for name, band in first.series["all"].items():
        np.testing.assert_allclose(band.mean, second.series["all"][name].mean, rtol=1e-9)


def test_crossing_capacity_caps_throughput_and_serves_every_slot() -> None:
    """With customs idle-fast and a queue always present, a gate crosses exactly its capacity."""
    scenario = queue_scenario(
        servers=50,
        load=0.1,
        days=10,
        warmup_days=0,
        crossing={
            "export": {
                "per_hour": 5,
                "hours": "07:00-19:00",
                "changes": [{"from": "2024-01-05", "to": "2024-01-06", "factor": 0}],
            }
        },
    )
    # Demand of 50 × 0.1 = 5 trucks an hour round the clock beats 60 slots a day.
    result = simulate(scenario, replications=2, seed=1, workers=1)
    crossed = result.series["all"]["crossed"].mean
    assert list(crossed[4:6]) == [0, 0]  # closed on 5 and 6 January
    assert np.all(crossed <= 60)
    assert np.all(crossed[6:] == 60)
