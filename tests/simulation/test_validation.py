"""Every kind of bad scenario is refused with the key and the reason, never a traceback."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cuakhau.core.messages import LANGUAGES
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
# Each case: the change, the key the refusal names, and the problem's code (a sim_ key
# of the catalogues, or Pydantic's error type).
CASES = {
    "missing key": (_drop("start"), "start", "missing"),
    "wrong type": (_set("days", "a month"), "days", "int_parsing"),
    "negative capacity": (
        _set("gates.north.crossing.export.per_hour", -5),
        "gates.north.crossing.export.per_hour",
        "greater_than_equal",
    ),
    "channel shares": (
        _set(f"{GREEN}.share", 0.9),
        "gates.north.customs.channels",
        "sim_shares_not_one",
    ),
    "gate shares": (_set("arrivals.0.gates.north", 0.5), "arrivals[0].gates", "sim_shares_not_one"),
    "unknown commodity": (
        _set("arrivals.1.commodity", "durian"),
        "arrivals[1].commodity",
        "sim_unknown_commodity",
    ),
    "unknown gate": (
        _set("arrivals.2.gates", {"west": 1.0}),
        "arrivals[2].gates.west",
        "sim_unknown_gate",
    ),
    "unknown key": (_set("gates.north.lanes", 4), "gates.north.lanes", "extra_forbidden"),
    "bad distribution": (
        _set(f"{GREEN}.service", {"distribution": "weibull", "mean_hours": 1}),
        f"{GREEN}.service",
        "union_tag_invalid",
    ),
    "exponential without mean": (
        _set(f"{GREEN}.service", {"distribution": "exponential"}),
        f"{GREEN}.service.mean_hours",
        "missing",
    ),
    "triangular out of order": (
        _set(
            f"{GREEN}.service",
            {"distribution": "triangular", "low_hours": 3, "mode_hours": 1, "high_hours": 4},
        ),
        f"{GREEN}.service",
        "sim_triangular_order",
    ),
    "opening hours": (
        _set("gates.north.crossing.export.hours", "19:00-07:00"),
        "gates.north.crossing.export.hours",
        "sim_bad_hours",
    ),
    "weekday name": (
        _set("gates.north.crossing.export.weekdays", {"sunday": 0}),
        "gates.north.crossing.export.weekdays.sunday",
        "literal_error",
    ),
    "change ends first": (
        _set(
            "gates.north.crossing.export.changes",
            [{"from": "2021-12-20", "to": "2021-12-10", "factor": 0.5}],
        ),
        "gates.north.crossing.export.changes[0]",
        "sim_change_ends_before_start",
    ),
    "perishable without shelf life": (
        _drop("commodities.dragon_fruit.shelf_life_hours"),
        "commodities.dragon_fruit",
        "sim_shelf_life_missing",
    ),
    "patience without a distribution": (
        _set("commodities.goods.patience", 48),
        "commodities.goods.patience",
        "model_attributes_type",
    ),
    "patience distribution unknown": (
        _set("commodities.goods.patience", {"distribution": "forever", "mean_hours": 48}),
        "commodities.goods.patience",
        "union_tag_invalid",
    ),
    "balk at zero": (
        _set("commodities.goods.balk_at", 0),
        "commodities.goods.balk_at",
        "greater_than_equal",
    ),
    "profile length": (
        _set("arrivals.0.daily_profile", [1, 2, 3]),
        "arrivals[0].daily_profile",
        "too_short",
    ),
    "month out of range": (
        _set("arrivals.0.monthly", {13: 2}),
        "arrivals[0].monthly[13]",
        "less_than_equal",
    ),
    "warm-up too long": (_set("warmup_days", 30), "", "sim_warmup_too_long"),
    "no crossing for a direction": (
        _drop("gates.north.crossing.import"),
        "gates.north.crossing",
        "sim_no_capacity_for_direction",
    ),
    "no quarantine station": (
        _drop("gates.south.quarantine"),
        "gates.south.quarantine",
        "sim_no_quarantine",
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
        "sim_booking_needs_capacity",
    ),
    "unknown policy": (
        _set("policy", {"admission": "lottery"}),
        "policy.admission",
        "literal_error",
    ),
    "observed gate": (_set("observed.0.gate", "west"), "observed[0].gate", "sim_unknown_gate"),
    "observed metric": (_set("observed.0.metric", "mood"), "observed[0].metric", "literal_error"),
}


def _refusal(tmp_path: Path, change: Callable[[Raw], None]) -> ScenarioError:
    raw = copy.deepcopy(zone_scenario())
    change(raw)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ScenarioError) as refused:
        load_scenario(path)
    return refused.value


@pytest.mark.parametrize("case", CASES.keys())
def test_bad_scenario_names_the_key_and_the_problem(case: str, tmp_path: Path) -> None:
    change, where, code = CASES[case]
    error = _refusal(tmp_path, change)
    assert error.code == "sim_scenario_invalid"
    assert (where, code) in [(problem.where, problem.code) for problem in error.problems]
    for language in LANGUAGES:  # every problem is said in words, never as its code
        for problem in error.problems:
            assert problem.code not in problem.render(language), language


def test_a_problem_is_said_in_vietnamese(tmp_path: Path) -> None:
    error = _refusal(tmp_path, _set("arrivals.1.commodity", "durian"))
    assert error.render("vi").splitlines() == [
        f"{tmp_path / 'bad.yaml'}: kịch bản có 1 lỗi:",
        "  - arrivals[1].commodity: không có mặt hàng 'durian' trong 'commodities' "
        "(hiện có: dragon_fruit, goods)",
    ]


def test_a_problem_is_said_in_english(tmp_path: Path) -> None:
    error = _refusal(tmp_path, _set("days", "a month"))
    assert error.render("en").splitlines() == [
        f"{tmp_path / 'bad.yaml'}: the scenario has 1 problem(s):",
        "  - days: Must be a whole number. (got 'a month')",
    ]


def test_the_good_scenario_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(yaml.safe_dump(zone_scenario(), allow_unicode=True), encoding="utf-8")
    assert load_scenario(path).gates["north"].name == "North"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("name: [unclosed", "sim_scenario_not_yaml"),
        ("- just\n- a list\n", "sim_scenario_not_mapping"),
    ],
)
def test_unreadable_files_are_refused(tmp_path: Path, text: str, code: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as refused:
        load_scenario(path)
    assert refused.value.code == code


def test_missing_scenario_is_refused() -> None:
    with pytest.raises(ScenarioError) as refused:
        load_scenario("no-such-scenario")
    assert refused.value.code == "sim_scenario_not_found"
    assert refused.value.render("vi").startswith("Không tìm thấy kịch bản 'no-such-scenario'")


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
    with pytest.raises(ScenarioError) as refused:
        load_scenario(tmp_path / "loop.yaml")
    assert refused.value.code == "sim_scenario_extends_loop"


def _child_of_zone(tmp_path: Path, export: str) -> Path:
    """A child of the small zone that writes the north gate's export crossing."""
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(zone_scenario()), encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text(
        f"extends: base\nname: child\ngates:\n  north:\n    crossing:\n      export: {export}\n",
        encoding="utf-8",
    )
    return child


def _export_changes(path: Path) -> list[tuple[str, float]]:
    crossing = load_scenario(path).gates["north"].crossing
    assert crossing is not None
    return [(str(change.start), change.factor) for change in crossing["export"].changes]


def test_extends_adds_a_childs_changes_to_its_parents(tmp_path: Path) -> None:
    """The parent closes 11–15 December to a fifth; a child's Christmas cut adds to it."""
    child = _child_of_zone(tmp_path, "{changes: [{from: 2021-12-25, to: 2021-12-25, factor: 0}]}")
    assert _export_changes(child) == [("2021-12-11", 0.2), ("2021-12-25", 0.0)]


def test_extends_replaces_the_parents_changes_only_when_told(tmp_path: Path) -> None:
    replaced = _child_of_zone(
        tmp_path, "{replace_changes: true, changes: [{from: 2021-12-25, factor: 0.5}]}"
    )
    assert _export_changes(replaced) == [("2021-12-25", 0.5)]
    cleared = _child_of_zone(tmp_path, "{replace_changes: true, changes: []}")
    assert _export_changes(cleared) == []


@pytest.mark.parametrize(
    ("export", "code"),
    [
        ("{changes: []}", "sim_scenario_changes_empty"),
        (
            "{changes: [{from: 2021-12-11, to: 2021-12-15, factor: 0.2}]}",
            "sim_scenario_change_repeated",
        ),
    ],
)
def test_extends_refuses_what_reads_as_replacing_the_parents_changes(
    tmp_path: Path, export: str, code: str
) -> None:
    """An empty list or a repeated change meant to replace the parent's: refused, with
    how to replace on purpose."""
    with pytest.raises(ScenarioError) as refused:
        load_scenario(_child_of_zone(tmp_path, export))
    assert refused.value.code == code
    for language in ("en", "vi"):
        message = refused.value.render(language)
        assert "replace_changes: true" in message
        assert "gates.north.crossing.export.changes" in message
