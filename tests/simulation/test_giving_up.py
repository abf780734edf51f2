"""Trucks that give up: balking against M/M/c/K, reneging against Erlang A, and
conservation (every truck crosses, gives up, or is still in the zone)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cuakhau.simulation import parse_scenario, simulate
from cuakhau.simulation.engine import GateSimulation
from cuakhau.simulation.loader import ScenarioError
from cuakhau.simulation.runner import run_replication
from cuakhau.simulation.scenario import Scenario
from cuakhau.simulation.tally import WAIT_EDGES
from cuakhau.simulation.theory import erlang_a_abandonment, mmck_blocking

from .factories import queue_scenario, zone_scenario

REPLICATIONS = 20
T_995_DF19 = 2.861  # two-sided 99% Student-t, 19 degrees of freedom


def share_given_up(scenario: Scenario, metric: str) -> tuple[float, float]:
    """Share of arrivals counted in `metric`, across replications: mean, 99% half-width."""
    shares = []
    for child in np.random.SeedSequence(21).spawn(REPLICATIONS):
        summary = run_replication(scenario, child).summary["all"]
        shares.append(summary[metric] / summary["arrived"])
    spread = float(np.std(shares, ddof=1))
    return float(np.mean(shares)), T_995_DF19 * spread / math.sqrt(REPLICATIONS)


@pytest.mark.parametrize(("servers", "load", "capacity"), [(1, 0.9, 4), (3, 0.9, 5), (5, 1.2, 8)])
def test_balking_at_capacity_matches_mmck_blocking(
    servers: int, load: float, capacity: int
) -> None:
    scenario = queue_scenario(servers=servers, load=load, days=300, commodity={"balk_at": capacity})
    share, half = share_given_up(scenario, "balked")
    expected = mmck_blocking(load * servers, 1.0, servers, capacity)
    assert abs(share - expected) <= half, (share, expected, half)
    assert half < 0.1 * expected


@pytest.mark.parametrize(("servers", "load", "patience"), [(1, 0.9, 2.0), (10, 0.95, 1.0)])
def test_exponential_patience_matches_erlang_a(servers: int, load: float, patience: float) -> None:
    scenario = queue_scenario(
        servers=servers,
        load=load,
        days=300,
        commodity={"patience": {"distribution": "exponential", "mean_hours": patience}},
    )
    share, half = share_given_up(scenario, "reneged")
    expected = erlang_a_abandonment(load * servers, 1.0, servers, 1 / patience)
    assert abs(share - expected) <= half, (share, expected, half)
    assert half < 0.1 * expected
    result = simulate(scenario, replications=4, seed=3, workers=1)
    assert result.summary["all"]["little_gap"].mean[0] < 0.02


def test_event_path_gives_the_same_numbers_as_the_straight_through_path() -> None:
    giving_up = {"balk_at": 12, "patience": {"distribution": "gamma", "mean_hours": 3, "cv": 0.7}}
    fast = queue_scenario(servers=3, load=0.95, days=60, commodity=giving_up)
    evented = queue_scenario(
        servers=3, load=0.95, days=60, commodity=giving_up, yards={"export": {"spaces": 10**6}}
    )
    first = simulate(fast, replications=2, seed=3, workers=1)
    second = simulate(evented, replications=2, seed=3, workers=1)
    assert first.summary["all"]["balked"].mean[0] > 0
    assert first.summary["all"]["reneged"].mean[0] > 0
    for name, band in first.series["all"].items():
        np.testing.assert_allclose(band.mean, second.series["all"][name].mean, rtol=1e-9)


def test_no_truck_that_crossed_waited_longer_than_its_patience() -> None:
    scenario = parse_scenario(
        zone_scenario(
            commodities={
                "dragon_fruit": {
                    "perishable": True,
                    "shelf_life_hours": 96,
                    "quarantine": True,
                    "patience": {"distribution": "deterministic", "mean_hours": 20},
                },
                "goods": {"patience": {"distribution": "deterministic", "mean_hours": 20}},
            }
        )
    )
    days = GateSimulation(scenario, "north").run(np.random.default_rng(4))
    assert days.counts["reneged"].sum() > 0
    longer = WAIT_EDGES[:-1] > 20 + 1e-9  # bins that start above the patience
    assert days.wait_histogram[:, longer].sum() == 0
    assert days.wait_histogram[:, ~longer].sum() > 0


def _draining(admission: str, **commodity: object) -> Scenario:
    """The small zone with arrivals stopping half way, so every truck leaves by the end."""
    raw = zone_scenario(policy={"admission": admission, "booking_lead_hours": 2}, days=30)
    for stream in raw["arrivals"]:
        stream["changes"] = [{"from": "2021-12-12", "factor": 0}]
    for name in raw["commodities"]:
        raw["commodities"][name] = {**raw["commodities"][name], **commodity}
    raw["gates"]["north"]["crossing"]["export"]["changes"] = [
        {"from": "2021-12-03", "to": "2021-12-08", "factor": 0.2}
    ]
    return parse_scenario(raw)


@pytest.mark.parametrize("admission", ["walk_in", "hold_inland", "booked_windows"])
def test_every_truck_crosses_or_gives_up_and_stocks_stay_whole(admission: str) -> None:
    scenario = _draining(
        admission,
        patience={"distribution": "lognormal", "mean_hours": 30, "cv": 0.8},
        balk_at=90,
    )
    for gate in scenario.gates:
        days = GateSimulation(scenario, gate).run(np.random.default_rng(9))
        counts = {name: values.sum() for name, values in days.counts.items()}
        assert counts["arrived"] > 0
        assert counts["arrived"] == counts["crossed"] + counts["balked"] + counts["reneged"]
        assert counts["reneged"] > 0, gate
        for name, values in days.stocks.items():
            assert values.min() >= 0, (gate, name)
            assert values[-1] == 0, (gate, name)


def test_balking_caps_the_trucks_in_the_zone() -> None:
    scenario = _draining("walk_in", balk_at=40)
    result = simulate(scenario, replications=3, seed=2, workers=1)
    for gate in ("north", "south"):
        series = result.series[gate]
        # Export and import count separately: at most 40 each.
        assert series["trucks_waiting"].mean.max() <= 80
        assert series["balked"].mean.sum() > 0
    assert result.series["south"]["trucks_waiting"].mean.max() <= 40


def test_giving_up_shortens_the_wait_of_the_trucks_that_stay() -> None:
    patient = parse_scenario(zone_scenario())
    impatient = parse_scenario(
        zone_scenario(
            commodities={
                "dragon_fruit": {
                    "perishable": True,
                    "shelf_life_hours": 96,
                    "quarantine": True,
                    "patience": {"distribution": "exponential", "mean_hours": 24},
                },
                "goods": {},
            }
        )
    )
    before = simulate(patient, replications=3, seed=2, workers=1).summary["all"]
    after = simulate(impatient, replications=3, seed=2, workers=1).summary["all"]
    assert before["gave_up"].mean[0] == 0
    assert after["gave_up"].mean[0] > 0
    assert after["wait_mean_hours"].mean[0] < before["wait_mean_hours"].mean[0]
    assert after["peak_trucks_waiting"].mean[0] < before["peak_trucks_waiting"].mean[0]


def test_same_seed_same_numbers_whatever_the_workers_with_giving_up() -> None:
    scenario = _draining(
        "walk_in", patience={"distribution": "exponential", "mean_hours": 20}, balk_at=60
    )
    alone = simulate(scenario, replications=4, seed=7, workers=1)
    shared = simulate(scenario, replications=4, seed=7, workers=2)
    assert alone.summary["all"]["gave_up"].mean[0] > 0
    for gate, metrics in alone.series.items():
        for name, band in metrics.items():
            np.testing.assert_array_equal(band.mean, shared.series[gate][name].mean)


def test_patience_halved_by_a_change_matches_erlang_a_at_half_the_patience() -> None:
    """Mean patience 2 h, halved from the first day: the abandonment of 1 h patience."""
    scenario = queue_scenario(
        servers=10,
        load=0.95,
        days=300,
        commodity={
            "patience": {"distribution": "exponential", "mean_hours": 2.0},
            "patience_changes": [{"from": "2024-01-01", "factor": 0.5}],
        },
    )
    share, half = share_given_up(scenario, "reneged")
    expected = erlang_a_abandonment(9.5, 1.0, 10, 1.0)
    assert abs(share - expected) <= half, (share, expected, half)
    assert half < 0.1 * expected


def test_patience_changes_only_for_trucks_arriving_from_their_date() -> None:
    """Until 21 January both runs are the same truck for truck; from then on drivers
    who bear a quarter of the wait give up more."""
    patience = {"distribution": "exponential", "mean_hours": 4.0}
    steady = queue_scenario(servers=3, load=0.95, days=40, commodity={"patience": patience})
    impatient = queue_scenario(
        servers=3,
        load=0.95,
        days=40,
        commodity={
            "patience": patience,
            "patience_changes": [{"from": "2024-01-21", "factor": 0.25, "note": "news spread"}],
        },
    )
    before, after = (
        GateSimulation(scenario, "gate").run(np.random.default_rng(4)).counts
        for scenario in (steady, impatient)
    )
    np.testing.assert_array_equal(before["reneged"][:20], after["reneged"][:20])
    np.testing.assert_array_equal(before["arrived"], after["arrived"])
    assert after["reneged"][20:].sum() > 1.25 * before["reneged"][20:].sum()


def test_patience_changes_need_a_patience() -> None:
    with pytest.raises(ScenarioError) as refused:
        queue_scenario(
            servers=1,
            load=0.5,
            commodity={"patience_changes": [{"from": "2024-01-01", "factor": 0.5}]},
        )
    assert "'patience_changes' need a 'patience'" in refused.value.render("en")
    assert "cần có 'patience'" in refused.value.render("vi")
