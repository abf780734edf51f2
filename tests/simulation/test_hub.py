"""The transshipment hub in the simulator: transfer-driver pools and transload bays
checked against Erlang C and the utilisation law, trucks and trailers conserved over
random small hubs, the loader's refusals, and the board's what-if on cold bays."""

from __future__ import annotations

import copy
import json
import math
from typing import Any, get_args

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cuakhau.models.enums import HandoverMode
from cuakhau.simulation import parse_scenario, simulate
from cuakhau.simulation.engine import GateSimulation, Visit
from cuakhau.simulation.hub import HubStation, ReturningTrailer
from cuakhau.simulation.loader import ScenarioError, load_raw
from cuakhau.simulation.runner import replicate
from cuakhau.simulation.scenario import HandoverMode as ScenarioHandoverMode
from cuakhau.simulation.scenario import Station, ways
from cuakhau.simulation.theory import erlang_c_wait
from cuakhau.simulation.whatif import WhatIf

from .test_cli import ENGLISH, app

INSTANT = {"distribution": "deterministic", "mean_hours": 0.0}
HOUR = {"distribution": "exponential", "mean_hours": 1.0}
NEVER_BACK = {"distribution": "deterministic", "mean_hours": 1e9}
T_975_DF19, T_995_DF19 = 2.093, 2.861


def _hub(
    stations: dict[str, Any],
    handover: dict[str, Any],
    per_day: float,
    days: int = 200,
    perishable: bool = False,
    crossing: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One gate, customs that takes no time, the given hub stations and handovers."""
    goods: dict[str, Any] = {"handover": handover}
    if perishable:
        goods.update(perishable=True, shelf_life_hours=1000)
    gate: dict[str, Any] = {
        "name": "gate",
        "customs": {"servers": 1, "channels": {"green": {"share": 1, "service": INSTANT}}},
        "stations": stations,
    }
    if crossing is not None:
        gate["crossing"] = crossing
    return {
        "name": "hub",
        "start": "2024-01-01",
        "days": days,
        "warmup_days": 10,
        "commodities": {"goods": goods},
        "gates": {"gate": gate},
        "arrivals": [
            {"commodity": "goods", "direction": "export", "per_day": per_day, "gates": {"gate": 1}}
        ],
    }


def _pool(servers: int, **changes: Any) -> dict[str, Any]:
    return {
        "kind": "transfer_drivers",
        "servers": servers,
        "service": HOUR,
        "trailer_return": {"away": NEVER_BACK, "back": HOUR, "hand_back": HOUR},
        **changes,
    }


def _means(result: Any, metric: str) -> tuple[float, float]:
    """The metric's mean across replications and the half-width of its 99% interval."""
    band = result.summary["all"][metric]
    return float(band.mean[0]), float(band.high[0] - band.mean[0]) / T_975_DF19 * T_995_DF19


def test_the_handover_modes_are_the_crossings_own() -> None:
    assert set(get_args(ScenarioHandoverMode)) == {mode.value for mode in HandoverMode}


def test_a_transfer_driver_pool_is_an_mmc_queue() -> None:
    """Trailers taken across by 3 drivers, an hour each, at 80% load (none back in the
    run): the wait for a driver is Erlang C's, and the trailers waiting obey Little."""
    raw = _hub({"drivers": _pool(3)}, {"trailer_swap": {"share": 1, "via": "drivers"}}, 0.8 * 72)
    result = simulate(parse_scenario(raw), replications=20, seed=2, workers=1)
    mean, half = _means(result, "driver_wait_hours")
    expected = erlang_c_wait(0.8 * 3, 1.0, 3)
    assert abs(mean - expected) <= half, (mean, expected, half)
    assert half < 0.1 * expected
    queue, _ = _means(result, "driver_queue")
    assert queue == pytest.approx(0.8 * 72 / 24 * expected, rel=0.08)
    utilisation, _ = _means(result, "driver_utilisation")
    assert utilisation == pytest.approx(0.8, abs=0.02)


def test_trailers_coming_back_load_the_pool_and_wait_as_little_says() -> None:
    """One trailer an hour through a pool of 4 (an hour to take it, an hour to bring
    it back): the pool is busy half the time; back in our yard a trailer waits 3 hours
    for its owner, so 3 wait at any time (Little's law), and 1 · (5 + the wait for a
    driver + 1) are across."""
    way_back = {
        "away": {"distribution": "deterministic", "mean_hours": 5.0},
        "back": HOUR,
        "hand_back": {"distribution": "exponential", "mean_hours": 3.0},
    }
    pool = _pool(4, trailer_return=way_back)
    raw = _hub({"drivers": pool}, {"trailer_swap": {"share": 1, "via": "drivers"}}, 24)
    result = simulate(parse_scenario(raw), replications=10, seed=6, workers=1)
    zone = {name: float(band.mean[0]) for name, band in result.summary["all"].items()}
    assert zone["driver_utilisation"] == pytest.approx(0.5, rel=0.03)
    assert zone["trailers_awaiting_hand_back"] == pytest.approx(3.0, rel=0.05)
    across = 5 + zone["driver_wait_hours"] + 1.0
    assert zone["trailers_across"] == pytest.approx(across, rel=0.05)
    assert zone["trailers_dropped"] == pytest.approx(zone["trailers_handed_back"], rel=0.01)


def test_cold_bays_whose_teams_are_always_on_duty_are_an_mmc_queue() -> None:
    """Shifts that always staff every bay (one past midnight) leave an M/M/c queue."""
    bays = {
        "cold": {
            "kind": "cold_bay",
            "servers": 4,
            "service": HOUR,
            "shifts": [{"hours": "06:00-18:00", "crews": 4}, {"hours": "18:00-06:00", "crews": 5}],
        }
    }
    raw = _hub(bays, {"transload": {"share": 1, "via": "cold"}}, 0.85 * 96, perishable=True)
    result = simulate(parse_scenario(raw), replications=20, seed=3, workers=1)
    mean, half = _means(result, "cold_bay_wait_hours")
    expected = erlang_c_wait(0.85 * 4, 1.0, 4)
    assert abs(mean - expected) <= half, (mean, expected, half)
    # Nothing else holds a truck up: its wait is the bay's.
    assert result.summary["all"]["wait_mean_hours"].mean[0] == pytest.approx(mean, rel=0.01)


def test_a_bay_works_only_while_a_team_is_on_duty() -> None:
    """One bay, a team 06:00-14:00: a truck joining at 15:00 starts at 06:00 the next
    day; one joining at 13:30 starts at once and its team finishes past 14:00."""
    station = Station.model_validate(
        {
            "kind": "transload_bay",
            "servers": 1,
            "service": HOUR,
            "shifts": [{"hours": "06:00-14:00", "crews": 1}],
        }
    )
    bay = HubStation(station)
    assert bay.finish(13.5, 1.0) == 14.5
    assert bay.finish(15.0, 2.0) == 24 + 6 + 2.0
    assert bay.finish_or_give_up(31.0, 1.0, give_up_at=31.5) is None  # the bay is busy to 32
    assert [entry[:3] for entry in bay.log[:2]] == [(13.5, 13.5, 14.5), (15.0, 30.0, 32.0)]


def test_bays_staffed_part_of_the_day_are_busy_as_the_load_says() -> None:
    """Two bays, two teams by day and one at night (36 staffed bay-hours a day), 20
    trucks of an hour a day: busy 20 hours a day, a utilisation of 20/36."""
    bays = {
        "bay": {
            "kind": "transload_bay",
            "servers": 2,
            "service": HOUR,
            "shifts": [{"hours": "06:00-18:00", "crews": 2}, {"hours": "18:00-06:00", "crews": 1}],
        }
    }
    raw = _hub(bays, {"transload": {"share": 1, "via": "bay"}}, 20)
    result = simulate(parse_scenario(raw), replications=10, seed=4, workers=1)
    assert result.summary["all"]["bay_utilisation"].mean[0] == pytest.approx(20 / 36, rel=0.03)


@st.composite
def _random_hub(draw: st.DrawFn) -> dict[str, Any]:
    """A gate with a transfer-driver pool, cold and ordinary bays, random crews by shift,
    random shares by handover mode, crossing limits, yards and patience."""
    crews = st.integers(0, 4)
    shifts = [
        {"hours": "06:00-18:00", "crews": draw(crews)},
        {"hours": "18:00-06:00", "crews": draw(crews)},
    ]
    service = st.sampled_from([HOUR, {"distribution": "lognormal", "mean_hours": 2, "cv": 0.5}])
    way_back = {
        "away": draw(service),
        "back": draw(service),
        "hand_back": draw(st.sampled_from([HOUR, INSTANT])),
    }
    stations = {
        "drivers": {**_pool(draw(st.integers(1, 4)), shifts=shifts), "trailer_return": way_back},
        "cold": {"kind": "cold_bay", "servers": draw(st.integers(1, 3)), "service": draw(service)},
        # A plain station with shifts, on the goods' route before the handover.
        "checks": {"servers": 2, "service": HOUR, "shifts": [{"hours": "06:00-18:00", "crews": 1}]},
    }
    swap, transload = draw(st.sampled_from([(0.5, 0.3), (1.0, 0.0), (0.2, 0.8)]))
    handover: dict[str, Any] = {"trailer_swap": {"share": swap, "via": "drivers"}}
    if transload:
        handover["transload"] = {"share": transload, "via": "cold"}
    if swap + transload < 1:
        handover["drive_through"] = {"share": round(1 - swap - transload, 6)}
    crossing = draw(st.sampled_from([None, {"export": {"per_hour": 2, "hours": "07:00-19:00"}}]))
    raw = _hub(stations, handover, draw(st.sampled_from([10, 40, 120])), 6, True, crossing)
    raw["warmup_days"] = 0
    goods = raw["commodities"]["goods"]
    goods["route"] = draw(st.sampled_from([None, ["customs", "checks"]]))
    if draw(st.booleans()):
        goods["patience"] = {"distribution": "exponential", "mean_hours": 8}
    raw["gates"]["gate"]["yards"] = {"export": {"spaces": draw(st.sampled_from([5, 500]))}}
    return raw


def _trailers_in_model(gate: GateSimulation, swaps: set[int]) -> tuple[int, int]:
    """Swapped trailers still in the model at the end, counted from the engine's own
    queues: those dropped and not yet across, and those across not yet handed back."""
    not_across = sum(
        1
        for crossing in gate.crossings
        if crossing is not None
        for *_, truck in crossing.ready
        if truck.route in swaps and truck.ident not in gate.gone
    )
    returning = 0
    for *_, subject in gate.events:
        if isinstance(subject, ReturningTrailer):
            returning += 1
        elif isinstance(subject, Visit) and subject.truck.route in swaps:
            # A visit due at the stop past its last has been through the pool.
            not_across += subject.stop == len(gate.routes[subject.truck.route])
    return not_across, returning


@settings(
    max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(raw=_random_hub(), seed=st.integers(0, 1000))
def test_no_truck_or_trailer_is_lost_or_counted_twice(raw: dict[str, Any], seed: int) -> None:
    """Trucks: arrived = crossed + gave up + still in the zone. Trailers: every one
    dropped is across or still waiting to cross (a trailer without its tractor never
    gives up), and every one across is handed back or still on its way back."""
    scenario = parse_scenario(raw)
    gate = GateSimulation(scenario, "gate")
    result = gate.run(np.random.default_rng(seed))
    counts = {name: values.sum() for name, values in result.counts.items()}
    gone = counts["crossed"] + counts["balked"] + counts["reneged"]
    assert counts["arrived"] == gone + gate.left_in_zone
    swaps = {number for number, way in ways(scenario).items() if way.mode == "trailer_swap"}
    assert gate.hub is not None
    dropped = result.hub["trailers_dropped"].sum()
    across = gate.hub.tally.trailer_hourly["crossed"].sum()
    handed_back = result.hub["trailers_handed_back"].sum()
    not_across, returning = _trailers_in_model(gate, swaps)
    assert dropped == across + not_across
    assert across == handed_back + returning
    assert dropped > 0


def test_the_shipped_hub_hands_back_what_it_takes() -> None:
    """In the shipped hub every trailer is accounted for, and the figures are sane."""
    scenario = parse_scenario(load_raw("huu-nghi-hub"))
    gate = GateSimulation(scenario, "huu_nghi")
    result = gate.run(np.random.default_rng(1))
    swaps = {number for number, way in ways(scenario).items() if way.mode == "trailer_swap"}
    assert gate.hub is not None
    across = gate.hub.tally.trailer_hourly["crossed"].sum()
    not_across, returning = _trailers_in_model(gate, swaps)
    assert result.hub["trailers_dropped"].sum() == across + not_across
    assert across == result.hub["trailers_handed_back"].sum() + returning
    series = result.series(scenario.warmup_days)
    for kind in ("driver", "bay", "cold_bay"):
        assert 0.3 < np.nanmean(series[f"{kind}_utilisation"]) < 1.05, kind
        assert np.all(series[f"{kind}_queue"] >= 0), kind


def test_four_more_cold_bays_shorten_the_wait_for_one_on_the_same_seeds() -> None:
    base = parse_scenario(load_raw("huu-nghi-hub"))
    more = parse_scenario(load_raw("huu-nghi-hub-cold-bays"))
    assert more.gates["huu_nghi"].stations["cold_bay"].servers == 10
    before, after = (replicate(s, replications=6, seed=11, workers=1) for s in (base, more))
    for one, other in zip(before, after, strict=True):
        waited, waits = one.summary["all"], other.summary["all"]
        assert waits["cold_bay_wait_hours"] < waited["cold_bay_wait_hours"]
        assert waits["cold_bay_utilisation"] < waited["cold_bay_utilisation"]


def test_the_other_side_taking_300_a_day_builds_a_backlog() -> None:
    base, held = (
        simulate(parse_scenario(load_raw(name)), replications=3, seed=5, workers=1)
        for name in ("huu-nghi-hub", "huu-nghi-hub-accept-300")
    )
    last = {
        name: result.series["all"]["trucks_waiting"].mean[-1]
        for name, result in (("base", base), ("held", held))
    }
    assert last["held"] > 5 * last["base"]
    # The last week: about 300 out and 200 in a day, against about 400 and 200.
    week = {
        name: result.series["all"]["crossed"].mean[-7:].mean()
        for name, result in (("base", base), ("held", held))
    }
    assert week["held"] < 520 < week["base"]


def test_scenarios_without_hub_stations_report_no_hub_figures() -> None:
    raw = _hub({}, {"drive_through": {"share": 1}}, 24, days=12)
    result = simulate(parse_scenario(raw), replications=2, seed=1, workers=1)
    assert "driver_queue" not in result.series["all"]
    assert not any(name.startswith("trailers_") for name in result.summary["all"])


def _refused(raw: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(raw)
    return [(problem.where, problem.code) for problem in refused.value.problems]


def _good() -> dict[str, Any]:
    stations = {
        "drivers": _pool(2),
        "cold": {"kind": "cold_bay", "servers": 2, "service": HOUR},
        "bay": {"kind": "transload_bay", "servers": 2, "service": HOUR},
    }
    handover = {
        "drive_through": {"share": 0.2},
        "trailer_swap": {"share": 0.4, "via": "drivers"},
        "transload": {"share": 0.4, "via": "cold"},
    }
    return _hub(stations, handover, 24, days=12, perishable=True)


def _with(change: str, value: Any) -> dict[str, Any]:
    raw = copy.deepcopy(_good())
    *path, last = change.split(".")
    place = raw
    for key in path:
        place = place[key]
    place[last] = value
    return raw


@pytest.mark.parametrize(
    ("change", "value", "where", "code"),
    [
        (
            "commodities.goods.handover.drive_through.share",
            0.1,
            "commodities.goods.handover",
            "sim_shares_not_one",
        ),
        (
            "commodities.goods.handover.drive_through.via",
            "cold",
            "commodities.goods.handover",
            "sim_handover_via",
        ),
        (
            "commodities.goods.handover.trailer_swap.via",
            None,
            "commodities.goods.handover",
            "sim_handover_via",
        ),
        (
            "commodities.goods.handover.trailer_swap.via",
            "cold",
            "commodities.goods.handover.trailer_swap.via",
            "sim_handover_wrong_kind",
        ),
        (
            "commodities.goods.handover.transload.via",
            "bay",  # perishable goods go to cold bays
            "commodities.goods.handover.transload.via",
            "sim_handover_wrong_kind",
        ),
        (
            "commodities.goods.handover.transload.via",
            "nowhere",
            "gates.gate.stations",
            "sim_unknown_station",
        ),
        (
            "commodities.goods.route",
            ["customs", "bay"],
            "commodities.goods.route",
            "sim_station_handover_only",
        ),
        (
            "commodities.goods.route",
            ["customs", "cold"],
            "commodities.goods",
            "sim_handover_via_in_route",
        ),
        (
            "gates.gate.stations.drivers.trailer_return",
            None,
            "gates.gate.stations.drivers",
            "sim_trailer_return_for_pools",
        ),
        (
            "gates.gate.stations.cold.trailer_return",
            {"away": HOUR, "back": HOUR, "hand_back": HOUR},
            "gates.gate.stations.cold",
            "sim_trailer_return_for_pools",
        ),
        (
            "gates.gate.stations.bay.shifts",
            [{"hours": "06:30-14:00", "crews": 1}],
            "gates.gate.stations.bay.shifts[0].hours",
            "sim_bad_shift_hours",
        ),
        (
            "gates.gate.stations.bay.shifts",
            [{"hours": "06:00-06:00", "crews": 1}],
            "gates.gate.stations.bay.shifts[0].hours",
            "sim_bad_shift_hours",
        ),
        (
            "gates.gate.stations.bay.kind",
            "forklift",
            "gates.gate.stations.bay.kind",
            "literal_error",
        ),
    ],
)
def test_a_bad_hub_is_refused_naming_the_key(
    change: str, value: Any, where: str, code: str
) -> None:
    assert (where, code) in _refused(_with(change, value))


def test_the_good_hub_is_accepted_and_its_ways_are_numbered() -> None:
    scenario = parse_scenario(_good())
    assert sorted((way.mode, way.stops) for way in ways(scenario).values()) == [
        ("trailer_swap", ("customs", "drivers")),
        ("transload", ("customs", "cold")),
    ]


def test_shift_hours_past_midnight_staff_the_night() -> None:
    station = Station.model_validate(
        {
            "servers": 3,
            "service": HOUR,
            "kind": "cold_bay",
            "shifts": [{"hours": "22:00-06:00", "crews": 2}, {"hours": "06:00-22:00", "crews": 5}],
        }
    )
    at_work = station.places_at_work()
    assert at_work[23] == at_work[0] == at_work[5] == 2
    assert at_work[6] == at_work[21] == 3  # five teams, three bays
    assert sum(at_work) == 8 * 2 + 16 * 3
    assert math.isclose(
        sum(Station.model_validate({"servers": 2, "service": HOUR}).places_at_work()), 48
    )


def test_simulate_prints_the_hub_and_a_bad_hub_exits_2(tmp_path: Any) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    done = runner.invoke(
        app, ["simulate", "huu-nghi-hub", "-n", "2", "-w", "1", "--out", str(out)], env=ENGLISH
    )
    assert done.exit_code == 0, done.output
    assert "The transshipment hub, whole zone (2 replications" in done.output
    assert "trailers back in our yard waiting to be handed back" in done.output
    assert "cold bays' utilisation" in done.output
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert "cold_bay_wait_hours" in data["metrics"]
    assert len(data["series"]["huu_nghi"]["driver_queue"]["mean"]) == 25
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "extends: huu-nghi-hub\nname: bad\n"
        "gates: {huu_nghi: {stations: {cold_bay: {kind: transload_bay}}}}\n",
        encoding="utf-8",
    )
    refused = runner.invoke(app, ["simulate", str(bad), "-n", "1"], env=ENGLISH)
    assert refused.exit_code == 2
    assert "perishable goods are transloaded in cold bays" in refused.output
    assert "Traceback" not in refused.output


def test_the_what_if_knobs_are_the_shipped_variants() -> None:
    """ "Four more cold bays" and "the other side takes 300 a day" as what-if knobs
    give the shipped variants' scenarios (the acceptance over the whole horizon)."""
    raw = load_raw("huu-nghi-hub")
    more = parse_scenario(WhatIf(added_places={"cold_bay": 4}).apply(raw))
    shipped = parse_scenario(load_raw("huu-nghi-hub-cold-bays"))
    assert more.gates == shipped.gates
    assert more.name == "huu-nghi-hub-what-if"
    held = parse_scenario(WhatIf(direction="export", acceptance_per_day=300).apply(raw))
    assert held.acceptance["export"].per_day == 300
    assert "import" not in held.acceptance
    assert raw["gates"]["huu_nghi"]["stations"]["cold_bay"]["servers"] == 6  # left alone
    elsewhere = parse_scenario(WhatIf(gate="nowhere", added_places={"cold_bay": 4}).apply(raw))
    assert elsewhere.gates["huu_nghi"].stations["cold_bay"].servers == 6
    both = parse_scenario(WhatIf(acceptance_per_day=250).apply(raw))
    assert {d: a.per_day for d, a in both.acceptance.items()} == {"export": 250, "import": 250}
