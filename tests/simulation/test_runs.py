"""Whole runs: seeds, workers, policies and the shipped scenarios."""

from __future__ import annotations

import numpy as np
import pytest

from cuakhau.simulation import load_scenario, parse_scenario, simulate
from cuakhau.simulation.loader import shipped_names
from cuakhau.simulation.results import SimulationResult

from .factories import queue_scenario, zone_scenario


def _same(first: SimulationResult, second: SimulationResult) -> None:
    for gate, metrics in first.series.items():
        for name, band in metrics.items():
            np.testing.assert_array_equal(band.mean, second.series[gate][name].mean)
            np.testing.assert_array_equal(band.high, second.series[gate][name].high)


def test_same_seed_same_numbers_whatever_the_workers() -> None:
    scenario = parse_scenario(zone_scenario())
    alone = simulate(scenario, replications=4, seed=7, workers=1)
    shared = simulate(scenario, replications=4, seed=7, workers=2)
    _same(alone, shared)
    other = simulate(scenario, replications=4, seed=8, workers=1)
    assert not np.array_equal(
        alone.series["all"]["crossed"].mean, other.series["all"]["crossed"].mean
    )


def _policy_run(**policy: object) -> SimulationResult:
    scenario = parse_scenario(zone_scenario(policy=policy))
    return simulate(scenario, replications=3, seed=2, workers=1)


def test_perishable_priority_leaves_fewer_perishables_waiting_past_shelf_life() -> None:
    first_come = _policy_run()
    priority = _policy_run(perishable_priority=True)
    # Spoiled = crossed past shelf life, plus still waiting past it (a daily stock).
    for result in (first_come, priority):
        assert result.summary["all"]["wait_mean_hours"].mean[0] > 0
    overdue = [
        result.series["all"]["overdue_perishable"].mean.sum() for result in (first_come, priority)
    ]
    assert overdue[0] > 0
    assert overdue[1] < overdue[0]


def test_holding_inland_and_booking_keep_trucks_off_the_road() -> None:
    walk_in = _policy_run()
    assert walk_in.series["all"]["waiting_on_road"].mean.max() > 0
    for admission in ("hold_inland", "booked_windows"):
        # A short lead: booked trucks wait in the yard for about `lead` hours of slots.
        held = _policy_run(admission=admission, booking_lead_hours=2)
        assert held.series["all"]["held_inland"].mean.max() > 0
        road = held.series["all"]["waiting_on_road"].mean.max()
        assert road < 0.2 * walk_in.series["all"]["waiting_on_road"].mean.max(), admission


def test_yard_never_holds_more_than_its_spaces() -> None:
    result = _policy_run()
    # The south gate's export yard has 60 spaces and it is the only yard there.
    assert result.series["south"]["waiting_in_yard"].mean.max() <= 60


@pytest.mark.parametrize("name", shipped_names())
def test_shipped_scenarios_load_and_run(name: str) -> None:
    scenario = load_scenario(name)
    assert scenario.sources or scenario.assumptions
    short = scenario.model_copy(update={"days": 12, "warmup_days": 0})
    result = simulate(short, replications=2, seed=1, workers=1)
    assert result.summary["all"]["crossed"].mean[0] > 0
    assert len(result.dates) == 12


def test_no_interval_reaches_below_zero() -> None:
    """A light load and two replications: the intervals of trucks waiting and of waits
    are wide around small means, and are cut at zero, the least either can be."""
    scenario = queue_scenario(servers=2, load=0.2, days=6, warmup_days=0)
    result = simulate(scenario, replications=2, seed=3, workers=1)
    bands = [
        *(band for metrics in result.series.values() for band in metrics.values()),
        *(band for metrics in result.summary.values() for band in metrics.values()),
    ]
    lows = np.concatenate([np.atleast_1d(band.low) for band in bands])
    assert np.nanmin(lows) == 0.0
    waiting = result.series["all"]["trucks_waiting"]
    assert np.all(waiting.low <= waiting.mean)


def test_an_hourly_run_adds_hours_and_leaves_the_days_as_they_were() -> None:
    """Asking for hours changes no daily number; each day's trucks waiting is the mean
    of its hours; intervals stay at or above zero, NaN where nobody crossed."""
    scenario = parse_scenario(zone_scenario(days=6, warmup_days=1))
    daily = simulate(scenario, replications=3, seed=5, workers=1)
    hourly = simulate(scenario, replications=3, seed=5, workers=1, hourly=True)
    assert daily.hourly == {}
    assert "hourly" not in daily.as_dict("en")
    for gate, metrics in daily.series.items():
        for name, band in metrics.items():
            again = hourly.series[gate][name]
            np.testing.assert_array_equal(band.mean, again.mean)
            np.testing.assert_array_equal(band.high, again.high)
    for gate, metrics in hourly.hourly.items():
        queue = metrics["trucks_waiting"]
        assert len(queue.mean) == 5 * 24
        np.testing.assert_allclose(
            queue.mean.reshape(5, 24).mean(axis=1), hourly.series[gate]["trucks_waiting"].mean
        )
        for band in metrics.values():
            shown = ~np.isnan(band.low)  # NaN: fewer than two replications had a number
            assert (band.low[shown] >= 0).all()
            assert (band.low[shown] <= band.mean[shown]).all()
            assert (band.mean[shown] <= band.high[shown]).all()
    assert hourly.hour_of(0).date() == hourly.dates[0]
    written = hourly.as_dict("en")["hourly"]
    assert written["hours"][25] == f"{hourly.dates[1].isoformat()}T01:00:00"
