"""Every kind of bad scenario is refused with the key and the reason, never a traceback."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cuakhau.simulation import ScenarioError, load_scenario

from .factories import zone_scenario

Raw = dict[str, Any]


def _set(path: str, value: Any) -> Callable[[Raw], None]:
    def change(raw: Raw) -> None:
        *parents, last = path.split(".")
        target: Any = raw
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        target[int(last) if last.isdigit() else last] = value

    return change


def _drop(path: str) -> Callable[[Raw], None]:
    def change(raw: Raw) -> None:
        *parents, last = path.split(".")
        target: Any = raw
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        del target[last]

    return change


GREEN = "gates.north.customs.channels.green"
CASES = {
    "missing key": (_drop("start"), "start", "Field required"),
    "wrong type": (_set("days", "a month"), "days", "valid integer"),
    "negative capacity": (
        _set("gates.north.crossing.export.per_hour", -5),
        "gates.north.crossing.export.per_hour",
        "greater than or equal to 0",
    ),
    "channel shares": (_set(f"{GREEN}.share", 0.9), "gates.north.customs.channels", "add up to 1"),
    "gate shares": (_set("arrivals.0.gates.north", 0.5), "arrivals[0].gates", "add up to 1"),
    "unknown commodity": (
        _set("arrivals.1.commodity", "durian"),
        "arrivals[1].commodity",
        "durian",
    ),
    "unknown gate": (_set("arrivals.2.gates", {"west": 1.0}), "arrivals[2].gates.west", "west"),
    "unknown key": (_set("gates.north.lanes", 4), "gates.north.lanes", "Extra inputs"),
    "bad distribution": (
        _set(f"{GREEN}.service", {"distribution": "weibull", "mean_hours": 1}),
        f"{GREEN}.service",
        "weibull",
    ),
    "exponential without mean": (
        _set(f"{GREEN}.service", {"distribution": "exponential"}),
        f"{GREEN}.service.mean_hours",
        "Field required",
    ),
    "triangular out of order": (
        _set(
            f"{GREEN}.service",
            {"distribution": "triangular", "low_hours": 3, "mode_hours": 1, "high_hours": 4},
        ),
        f"{GREEN}.service",
        "low_hours <= mode_hours",
    ),
    "opening hours": (
        _set("gates.north.crossing.export.hours", "19:00-07:00"),
        "gates.north.crossing.export.hours",
        "07:00-19:00",
    ),
    "weekday name": (
        _set("gates.north.crossing.export.weekdays", {"sunday": 0}),
        "gates.north.crossing.export.weekdays.sunday",
        "mon",
    ),
    "change ends first": (
        _set(
            "gates.north.crossing.export.changes",
            [{"from": "2021-12-20", "to": "2021-12-10", "factor": 0.5}],
        ),
        "gates.north.crossing.export.changes[0]",
        "before 'from'",
    ),
    "perishable without shelf life": (
        _drop("commodities.dragon_fruit.shelf_life_hours"),
        "commodities.dragon_fruit",
        "shelf_life_hours",
    ),
    "patience without a distribution": (
        _set("commodities.goods.patience", 48),
        "commodities.goods.patience",
        "valid dictionary",
    ),
    "patience distribution unknown": (
        _set("commodities.goods.patience", {"distribution": "forever", "mean_hours": 48}),
        "commodities.goods.patience",
        "forever",
    ),
    "balk at zero": (
        _set("commodities.goods.balk_at", 0),
        "commodities.goods.balk_at",
        "greater than or equal to 1",
    ),
    "profile length": (
        _set("arrivals.0.daily_profile", [1, 2, 3]),
        "arrivals[0].daily_profile",
        "at least 24",
    ),
    "month out of range": (_set("arrivals.0.monthly", {13: 2}), "arrivals[0].monthly[13]", "12"),
    "warm-up too long": (_set("warmup_days", 30), "(top level)", "warmup_days"),
    "no crossing for a direction": (
        _drop("gates.north.crossing.import"),
        "gates.north.crossing",
        "'import'",
    ),
    "no quarantine station": (
        _drop("gates.south.quarantine"),
        "gates.south.quarantine",
        "needs quarantine",
    ),
    "booking without capacity": (
        lambda raw: (
            (
                raw["policy"].update(admission="booked_windows"),
                raw["gates"]["north"].pop("crossing"),
            )
            if "policy" in raw
            else (
                raw.update(policy={"admission": "booked_windows"}),
                raw["gates"]["north"].pop("crossing"),
            )
        ),
        "policy.admission",
        "booked_windows",
    ),
    "unknown policy": (_set("policy", {"admission": "lottery"}), "policy.admission", "lottery"),
    "observed gate": (_set("observed.0.gate", "west"), "observed[0].gate", "west"),
    "observed metric": (_set("observed.0.metric", "mood"), "observed[0].metric", "mood"),
}


@pytest.mark.parametrize("case", CASES.keys())
def test_bad_scenario_names_the_key_and_the_problem(case: str, tmp_path: Path) -> None:
    change, where, what = CASES[case]
    raw = copy.deepcopy(zone_scenario())
    change(raw)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ScenarioError) as refused:
        load_scenario(path)
    message = str(refused.value)
    assert f"- {where}:" in message, message
    assert what in message, message


def test_the_good_scenario_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(yaml.safe_dump(zone_scenario(), allow_unicode=True), encoding="utf-8")
    assert load_scenario(path).gates["north"].name == "North"


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("name: [unclosed", "not valid YAML"),
        ("- just\n- a list\n", "must be a mapping"),
    ],
)
def test_unreadable_files_are_refused(tmp_path: Path, text: str, what: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=what):
        load_scenario(path)


def test_missing_scenario_is_refused() -> None:
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario("no-such-scenario")


def test_extends_changes_only_what_it_names_and_refuses_loops(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(zone_scenario()), encoding="utf-8")
    (tmp_path / "child.yaml").write_text(
        "extends: base\nname: child\npolicy: {perishable_priority: true}\n", encoding="utf-8"
    )
    child = load_scenario(tmp_path / "child.yaml")
    assert child.name == "child"
    assert child.policy.perishable_priority
    assert child.gates["north"].customs.servers == 24
    (tmp_path / "loop.yaml").write_text("extends: loop\nname: x\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="circle"):
        load_scenario(tmp_path / "loop.yaml")
