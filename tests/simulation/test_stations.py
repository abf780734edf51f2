"""Stations as data: a scenario's own stations and routes, checked against the
built-in route, an analytic queue and the conservation of trucks."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from cuakhau.simulation import parse_scenario, simulate
from cuakhau.simulation.loader import ScenarioError, load_raw, shipped_names
from cuakhau.simulation.runner import run_replication
from cuakhau.simulation.theory import erlang_c_wait

from .test_queueing_theory import replication_means


@pytest.mark.parametrize("name", shipped_names())
def test_the_built_in_route_written_out_gives_the_same_numbers(name: str) -> None:
    """Every shipped scenario, each commodity's route written out as the default
    (customs, then quarantine if needed), runs through the declared-route path and
    gives exactly the arrays the built-in path gives."""
    raw = load_raw(name)
    declared = copy.deepcopy(raw)
    for goods in declared["commodities"].values():
        goods["route"] = ["customs", "quarantine"] if goods.get("quarantine") else ["customs"]
    # A fresh seed each: spawning its streams moves a SeedSequence on.
    built_in = run_replication(parse_scenario(raw), np.random.SeedSequence(4))
    written = run_replication(parse_scenario(declared), np.random.SeedSequence(4))
    for gate, series in built_in.series.items():
        for metric, values in series.items():
            np.testing.assert_array_equal(values, written.series[gate][metric], err_msg=metric)
    assert built_in.summary == written.summary


def _bay_scenario(servers: int, load: float, days: int, **goods: Any) -> dict[str, Any]:
    """Customs that takes no time, then a declared bay of `servers` with exponential
    service of an hour: the bay is an M/M/c queue at utilisation `load`."""
    instant = {"distribution": "deterministic", "mean_hours": 0.0}
    return {
        "name": "bay",
        "start": "2024-01-01",
        "days": days,
        "warmup_days": 10,
        "commodities": {"goods": {"route": ["customs", "transload"], **goods}},
        "gates": {
            "gate": {
                "name": "gate",
                "customs": {"servers": 1, "channels": {"green": {"share": 1, "service": instant}}},
                "stations": {
                    "transload": {
                        "servers": servers,
                        "service": {"distribution": "exponential", "mean_hours": 1.0},
                    }
                },
            }
        },
        "arrivals": [
            {
                "commodity": "goods",
                "direction": "export",
                "per_day": load * servers * 24,
                "gates": {"gate": 1.0},
            }
        ],
    }


def test_a_declared_station_is_an_mmc_queue() -> None:
    result = simulate(
        parse_scenario(_bay_scenario(3, 0.8, 200)), replications=20, seed=2, workers=1
    )
    mean, half = replication_means(result)
    expected = erlang_c_wait(0.8 * 3, 1.0, 3)
    assert abs(mean - expected) <= half, (mean, expected, half)
    assert half < 0.1 * expected
    assert result.summary["all"]["little_gap"].mean[0] < 0.02


def test_trucks_give_up_in_a_declared_stations_queue_and_none_is_lost() -> None:
    """At ρ = 1.2 the bay cannot keep up: trucks give up there, never after taking a
    bay, and every truck is crossed, gone or still in the zone."""
    raw = _bay_scenario(2, 1.2, 20, patience={"distribution": "exponential", "mean_hours": 4.0})
    result = run_replication(parse_scenario(raw), np.random.SeedSequence(1))
    summary = result.summary["gate"]
    assert summary["reneged"] > 100
    # With patience of 4 h and an exponential hour at the bay, nobody crossed having
    # waited much longer than 4 h (the wait leaves out the bay's own service).
    assert summary["wait_p99_hours"] < 12


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"route": ["transload"]}, "customs"),
        ({"route": ["customs", "customs"]}, "customs"),
        ({"route": ["customs", "quarantine"]}, "quarantine"),
        ({"route": ["customs", "cold_bay"]}, "cold_bay"),
    ],
)
def test_a_route_that_cannot_be_followed_is_refused(change: dict[str, Any], code: str) -> None:
    raw = _bay_scenario(2, 0.5, 20)
    raw["commodities"]["goods"].update(change)
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(raw)
    assert code in str(refused.value)


def test_a_station_cannot_take_a_built_in_name() -> None:
    raw = _bay_scenario(2, 0.5, 20)
    raw["gates"]["gate"]["stations"]["quarantine"] = raw["gates"]["gate"]["stations"]["transload"]
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(raw)
    assert "quarantine" in str(refused.value)
