"""Trucks that go elsewhere: a closed or slow gate sends trucks to another, at a cost
in time, and no truck is ever lost or counted twice."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cuakhau.simulation import parse_scenario, simulate
from cuakhau.simulation.loader import ScenarioError
from cuakhau.simulation.rerouting import Zone, reroutes

FAST = {"distribution": "exponential", "mean_hours": 0.05}


def _gate(crossing: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
    gate: dict[str, Any] = {
        "name": "gate",
        "customs": {"servers": 20, "channels": {"green": {"share": 1, "service": FAST}}},
        **extra,
    }
    if crossing is not None:
        gate["crossing"] = crossing
    return gate


def _zone(
    a: dict[str, Any] | None,
    b: dict[str, Any] | None,
    *,
    reroute: dict[str, Any] | None,
    travel: float = 2.0,
    shares: tuple[float, float] = (1.0, 0.0),
    per_day: float = 240,
    days: int = 6,
) -> dict[str, Any]:
    """Gates a and b, `travel` hours apart, exports arriving by `shares`."""
    commodity: dict[str, Any] = {} if reroute is None else {"reroute": reroute}
    return {
        "name": "two-gates",
        "start": "2024-01-01",
        "days": days,
        "commodities": {"goods": commodity},
        "gates": {"a": _gate(a, travel_hours={"b": travel}), "b": _gate(b)},
        "arrivals": [
            {
                "commodity": "goods",
                "direction": "export",
                "per_day": per_day,
                "gates": {"a": shares[0], "b": shares[1]},
            }
        ],
    }


def _run(raw: dict[str, Any], seed: int = 3) -> tuple[Zone, dict[str, Any]]:
    scenario = parse_scenario(raw)
    zone = Zone(scenario)
    streams = np.random.SeedSequence(seed).spawn(len(scenario.gates))
    days = zone.run(
        {gate: np.random.default_rng(s) for gate, s in zip(scenario.gates, streams, strict=True)}
    )
    return zone, days


CLOSED = {"export": {"per_hour": 10, "changes": [{"from": "2024-01-01", "factor": 0}]}}
OPEN = {"export": {"per_hour": 30}}


def test_a_closed_gate_sends_every_arrival_to_the_other() -> None:
    """Analytic: a is closed all along, so b handles what arrives at both."""
    zone, days = _run(_zone(CLOSED, OPEN, reroute={}, shares=(0.5, 0.5)))
    a, b = days["a"].counts, days["b"].counts
    assert a["arrived"].sum() > 500
    np.testing.assert_array_equal(a["rerouted_out"], a["arrived"])
    np.testing.assert_array_equal(b["rerouted_in"], a["arrived"])
    assert a["crossed"].sum() == 0
    handled = b["arrived"].sum() + b["rerouted_in"].sum()
    assert handled == a["arrived"].sum() + b["arrived"].sum()
    assert b["crossed"].sum() + zone.gates["b"].left_in_zone == handled


def test_the_drive_between_gates_costs_time() -> None:
    """b has no crossing limit and fast customs: a truck sent there waits about the
    two hours it drove, and is counted travelling meanwhile."""
    _, days = _run(_zone(CLOSED, None, reroute={}, travel=2.0))
    b = days["b"]
    waits = b.wait_total_hours.sum() / b.counts["crossed"].sum()
    assert 1.95 < waits < 2.1
    # 10 trucks an hour each on the road for 2 hours: 20 travelling on average.
    assert 18 < b.stocks["travelling"][1:].mean() < 22
    assert days["a"].stocks["held_inland"].max() == 0


def test_without_a_rule_trucks_stay_and_queue() -> None:
    raw = _zone(CLOSED, OPEN, reroute=None)
    assert not reroutes(parse_scenario(raw))
    result = simulate(parse_scenario(raw), replications=2, seed=1, workers=1)
    assert result.summary["a"]["rerouted_out"].mean[0] == 0
    assert result.series["a"]["trucks_waiting"].mean[-1] > 200


def test_trucks_go_when_the_expected_wait_is_more_than_they_bear() -> None:
    """a crosses 2 an hour against 10 arriving: its queue grows until the wait expected
    there passes 6 hours, then trucks drive to b; with no limit to what they bear, none go."""
    slow = {"export": {"per_hour": 2}}
    patient = _run(_zone(slow, OPEN, reroute={"wait_over_hours": 10_000}))[1]
    assert patient["a"].counts["rerouted_out"].sum() == 0
    impatient = _run(_zone(slow, OPEN, reroute={"wait_over_hours": 6}))[1]
    a = impatient["a"]
    assert a.counts["rerouted_out"].sum() > 100
    # The queue settles near what 6 hours at 2 an hour clear, instead of growing.
    assert a.series(0)["trucks_waiting"][2:].max() < 20


def test_a_closed_gate_elsewhere_is_no_way_out() -> None:
    """Both gates closed: nobody goes (the other is no better), everyone queues."""
    _, days = _run(_zone(CLOSED, CLOSED, reroute={}))
    assert days["a"].counts["rerouted_out"].sum() == 0


@st.composite
def _random_zone(draw: st.DrawFn) -> dict[str, Any]:
    """Two or three gates with random capacity, closures, yards, patience, rules and
    a declared station on the goods' route."""
    gates = ["a", "b", "c"][: draw(st.integers(2, 3))]
    admission = draw(st.sampled_from(["walk_in", "hold_inland", "booked_windows"]))
    raw_gates = {}
    for gate in gates:
        crossing = {
            "export": {
                "per_hour": draw(st.sampled_from([1, 3, 8])),
                "hours": draw(st.sampled_from(["00:00-24:00", "07:00-19:00"])),
                "changes": [
                    {
                        "from": f"2024-01-0{draw(st.integers(1, 4))}",
                        "to": f"2024-01-0{draw(st.integers(4, 5))}",
                        "factor": draw(st.sampled_from([0, 0.5])),
                    }
                ],
            }
        }
        others = {
            other: draw(st.sampled_from([0.5, 1.0, 3.0]))
            for other in gates
            if other != gate and draw(st.booleans())
        }
        raw_gates[gate] = _gate(
            crossing,
            yards={"export": {"spaces": draw(st.sampled_from([5, 40]))}},
            travel_hours=others,
            stations={"bay": {"servers": draw(st.integers(1, 3)), "service": FAST}},
        )
    patience = draw(st.sampled_from([None, 6.0, 30.0]))
    commodity: dict[str, Any] = {
        "reroute": {"wait_over_hours": draw(st.sampled_from([None, 2.0, 12.0]))},
        "balk_at": draw(st.sampled_from([None, 30])),
        "route": draw(st.sampled_from([None, ["customs", "bay"], ["bay", "customs"]])),
    }
    if patience is not None:
        commodity["patience"] = {"distribution": "exponential", "mean_hours": patience}
    raw = _zone(None, None, reroute=None, days=5)
    raw.update(
        commodities={"goods": commodity},
        gates=raw_gates,
        policy={"admission": admission},
        arrivals=[
            {
                "commodity": "goods",
                "direction": "export",
                "per_day": draw(st.sampled_from([20, 100, 300])),
                "gates": {gate: 1 / len(gates) for gate in gates},
            }
        ],
    )
    return raw


@settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(raw=_random_zone(), seed=st.integers(0, 1000))
def test_no_truck_is_lost_or_counted_twice(raw: dict[str, Any], seed: int) -> None:
    """At every gate: arrived + sent here = crossed + gave up + sent away + still in
    the zone at the end (counted from the engine's own queues); across the zone,
    every truck sent away was received."""
    zone, days = _run(raw, seed)
    for gate_id, result in days.items():
        counts = {name: values.sum() for name, values in result.counts.items()}
        came = counts["arrived"] + counts["rerouted_in"]
        left = counts["crossed"] + counts["balked"] + counts["reneged"] + counts["rerouted_out"]
        assert came == left + zone.gates[gate_id].left_in_zone, gate_id
    sent = sum(result.counts["rerouted_out"].sum() for result in days.values())
    received = sum(result.counts["rerouted_in"].sum() for result in days.values())
    assert sent == received


def test_rerouting_is_the_same_whatever_the_workers() -> None:
    scenario = parse_scenario(
        _zone({"export": {"per_hour": 2}}, OPEN, reroute={"wait_over_hours": 6})
    )
    one, two = (simulate(scenario, replications=2, seed=5, workers=w) for w in (1, 2))
    np.testing.assert_array_equal(
        one.series["b"]["rerouted_in"].mean, two.series["b"]["rerouted_in"].mean
    )


@pytest.mark.parametrize(
    ("travel", "where"),
    [({"nowhere": 1.0}, "gates.a.travel_hours.nowhere"), ({"a": 1.0}, "gates.a.travel_hours.a")],
)
def test_travel_to_an_unknown_gate_or_itself_is_refused(
    travel: dict[str, float], where: str
) -> None:
    raw = _zone(OPEN, OPEN, reroute={})
    raw["gates"]["a"]["travel_hours"] = travel
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(raw)
    assert where in str(refused.value)
