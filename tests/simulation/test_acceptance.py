"""The other side's acceptance across the zone, shared among gates by a stated rule."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from cuakhau.simulation import parse_scenario, simulate
from cuakhau.simulation.capacity import hourly_capacity
from cuakhau.simulation.engine import GateSimulation
from cuakhau.simulation.loader import ScenarioError


def _two_gates(acceptance: dict[str, Any] | None, per_hour: tuple[float, float]) -> dict[str, Any]:
    """Two gates crossing round the clock, far more exports arriving than can cross."""
    service = {"distribution": "exponential", "mean_hours": 0.01}
    raw: dict[str, Any] = {
        "name": "two-gates",
        "start": "2024-01-01",
        "days": 6,
        "commodities": {"goods": {}},
        "gates": {
            gate_id: {
                "name": gate_id,
                "customs": {"servers": 50, "channels": {"green": {"share": 1, "service": service}}},
                "crossing": {"export": {"per_hour": rate}},
            }
            for gate_id, rate in zip(("a", "b"), per_hour, strict=True)
        },
        "arrivals": [
            {
                "commodity": "goods",
                "direction": "export",
                "per_day": 1200,
                "gates": {"a": 0.5, "b": 0.5},
            }
        ],
    }
    if acceptance is not None:
        raw["acceptance"] = {"export": acceptance}
    return raw


def _crossed(raw: dict[str, Any]) -> dict[str, np.ndarray]:
    result = simulate(parse_scenario(raw), replications=2, seed=1, workers=1)
    return {gate: result.series[gate]["crossed"].mean for gate in ("a", "b", "all")}


def test_zone_acceptance_is_shared_by_each_gates_capacity() -> None:
    """300 a day across the zone; gate a offers 3× b's capacity, so takes 225 to b's 75.
    From day 4 the other side takes half (a dated change)."""
    crossed = _crossed(
        _two_gates({"per_day": 300, "changes": [{"from": "2024-01-04", "factor": 0.5}]}, (30, 10))
    )
    np.testing.assert_allclose(crossed["all"][1:3], 300, atol=1)
    np.testing.assert_allclose(crossed["a"][1:3], 225, atol=1)
    np.testing.assert_allclose(crossed["b"][1:3], 75, atol=1)
    np.testing.assert_allclose(crossed["all"][4:], 150, atol=1)


def test_zone_acceptance_by_stated_shares() -> None:
    crossed = _crossed(_two_gates({"per_day": 200, "shares": {"a": 0.2, "b": 0.8}}, (30, 30)))
    np.testing.assert_allclose(crossed["a"][1:], 40, atol=1)
    np.testing.assert_allclose(crossed["b"][1:], 160, atol=1)


def test_acceptance_above_the_gates_capacity_changes_nothing() -> None:
    plain, accepted = (
        parse_scenario(_two_gates(acceptance, (30, 10)))
        for acceptance in (None, {"per_day": 10_000})
    )
    for gate in ("a", "b"):
        first, second = (
            GateSimulation(scenario, gate).run(np.random.default_rng(2))
            for scenario in (plain, accepted)
        )
        np.testing.assert_array_equal(first.counts["crossed"], second.counts["crossed"])
        np.testing.assert_array_equal(first.wait_histogram, second.wait_histogram)


@pytest.mark.parametrize(
    ("acceptance", "expected"),
    [
        ({"per_day": 100, "shares": {"a": 0.5, "c": 0.5}}, "'c'"),
        ({"per_day": 100, "shares": {"a": 0.5, "b": 0.4}}, "0.9"),
        ({"per_day": -1}, "acceptance.export.per_day"),
    ],
)
def test_a_wrong_acceptance_is_refused_with_where(
    acceptance: dict[str, Any], expected: str
) -> None:
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(_two_gates(acceptance, (30, 10)))
    assert expected in refused.value.render("en")


def test_acceptance_needs_a_gate_with_capacity_that_way() -> None:
    raw = _two_gates(None, (30, 10))
    raw["acceptance"] = {"import": {"per_day": 100}}
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(raw)
    assert "acceptance.import" in refused.value.render("en")
    assert "không cửa khẩu nào" in refused.value.render("vi")


def test_zone_acceptance_per_hour_is_shared_hour_by_hour() -> None:
    """The other side takes 20 an hour across the zone in the morning and nothing
    after noon: gate a (3× b's capacity) gets 15 of each morning hour, b 5."""
    per_hour = [20.0] * 12 + [0.0] * 12
    scenario = parse_scenario(_two_gates({"per_hour": per_hour}, (30, 10)))
    first_day = {gate: hourly_capacity(scenario, gate, "export")[:24] for gate in ("a", "b")}
    np.testing.assert_allclose(first_day["a"], [15.0] * 12 + [0.0] * 12)
    np.testing.assert_allclose(first_day["b"], [5.0] * 12 + [0.0] * 12)
    crossed = _crossed(_two_gates({"per_hour": per_hour}, (30, 10)))
    np.testing.assert_allclose(crossed["all"][1:], 240, atol=1)
    np.testing.assert_allclose(crossed["a"][1:], 180, atol=1)


def test_zone_acceptance_per_hour_never_raises_a_gate_and_per_day_still_holds() -> None:
    """An hour's part above the gate's own capacity leaves the gate as it is; a
    per-day number given beside the hours caps the day as well."""
    raw = _two_gates(
        {"per_hour": [100.0] * 24, "per_day": 480, "shares": {"a": 0.5, "b": 0.5}}, (30, 10)
    )
    scenario = parse_scenario(raw)
    b_day = hourly_capacity(scenario, "b", "export")[:24]
    np.testing.assert_allclose(b_day, [10.0] * 24)  # its part, 50 an hour, is above its 10
    a_day = hourly_capacity(scenario, "a", "export")[:24]
    np.testing.assert_allclose(sum(a_day), 240)  # 30 × 24 = 720 held to half of 480


def test_acceptance_needs_a_number() -> None:
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(_two_gates({"shares": "capacity"}, (30, 10)))
    assert "acceptance.export" in str(refused.value)
