"""Reported figures beside the model: the table `cuakhau simulate-validate` prints."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import typer
import yaml
from typer.testing import CliRunner

from cuakhau.simulation.cli import EXIT_BAD_SCENARIO, register
from cuakhau.simulation.loader import ScenarioError, load_scenario
from cuakhau.simulation.reported import check_points, load_reported, point_problems
from cuakhau.simulation.results import ReplicationResult

from .factories import zone_scenario

app = typer.Typer()
register(app)
runner = CliRunner()
ENGLISH = {"CUAKHAU_DEFAULT_LANGUAGE": "en"}
SOURCE = {"url": "https://example.org/a", "outlet": "Test", "published": "2021-12", "figure": "x"}


def _point(point_id: str, date: str, gates: object, value: float, **more: Any) -> dict[str, Any]:
    return {
        "id": point_id,
        "date": date,
        "metric": "arrived",
        "gates": gates,
        "value": value,
        "split": "held_out",
        "source": SOURCE,
        **more,
    }


def test_every_shipped_figure_names_the_scenarios_gates_and_a_source() -> None:
    scenario = load_scenario("langson-2021-12")
    figures = load_reported("langson-2021-12")
    assert point_problems(scenario, figures) == []
    assert {point.split for point in figures.points} == {"calibrate", "held_out"}
    # The split rule as the file states it: December calibrates, later dates are held out.
    for point in figures.points:
        assert (point.split == "calibrate") == (point.date < dt.date(2022, 1, 1)), point.id
        assert point.source.url.startswith("https://")


def test_each_figure_reads_its_own_date_and_the_sum_of_its_gates() -> None:
    scenario = load_scenario("langson-2021-12")
    figures = load_reported("langson-2021-12")
    # Replication r, gate g, day d holds 1000·d + 10·g + r: every cell says where it is.
    gate_ids = [*scenario.gates, "all"]
    replications = [
        ReplicationResult(
            series={
                gate: {
                    metric: 1000.0 * np.arange(scenario.days) + 10 * index + copy
                    for metric in ("trucks_waiting", "crossed")
                }
                for index, gate in enumerate(gate_ids)
            },
            summary={},
        )
        for copy in (0, 2)
    ]
    checks = check_points(scenario, figures, replications)
    assert [check.point.id for check in checks] == [point.id for point in figures.points]
    for check in checks:
        point = check.point
        day = (point.date - scenario.start).days
        if day >= scenario.days:
            assert check.model is None
            assert check.ratio is None
            assert check.met is None
            continue
        gates = ["all"] if point.gates == "all" else point.gates
        expected = sum(1000 * day + 10 * gate_ids.index(gate) + 1 for gate in gates)
        assert check.model is not None
        assert check.model.mean[0] == expected
        assert check.model.low[0] < expected < check.model.high[0]
        assert check.ratio == expected / point.value


def test_the_command_prints_the_table_and_a_wrong_figure_shows_off_one(tmp_path: Path) -> None:
    scenario = tmp_path / "zone.yaml"
    scenario.write_text(yaml.safe_dump(zone_scenario(days=8)), encoding="utf-8")
    # 420 trucks a day reach the zone (240 fruit + 60 fruit + 120 imports).
    points = [
        _point("zone", "2021-12-03", "all", 420, split="calibrate"),
        _point("both", "2021-12-04", ["north", "south"], 420),
        _point("wrong", "2021-12-04", ["north"], 3600),
        _point("later", "2022-05-26", "all", 1000),
    ]
    reported = tmp_path / "reported.yaml"
    reported.write_text(
        yaml.safe_dump({"scenario": "small-zone", "split_rule": "test", "points": points}),
        encoding="utf-8",
    )
    out = tmp_path / "table.csv"
    result = runner.invoke(
        app,
        ["simulate-validate", str(scenario), "--reported", str(reported), "-n", "3", "-w", "1",
         "--out", str(out)],
        env=ENGLISH,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Reported figures beside the model (3 replications" in result.output
    assert "outside the run" in result.output
    assert "Held-out figures the model meets within ±25%: 1 of 2" in result.output
    rows = {row["id"]: row for row in csv.DictReader(out.open(encoding="utf-8"))}
    assert list(rows) == ["zone", "both", "wrong", "later"]
    assert rows["both"]["gates"] == "north+south"
    for name in ("zone", "both"):
        ratio = float(rows[name]["ratio"])
        assert 0.85 < ratio < 1.15, rows[name]
        low, high = float(rows[name]["ci95_low"]), float(rows[name]["ci95_high"])
        assert low <= float(rows[name]["model"]) <= high
    assert float(rows["wrong"]["ratio"]) < 0.15  # the north gate gets ~360, not 3,600
    assert rows["later"]["ratio"] == rows["later"]["model"] == ""


def test_a_figure_at_a_gate_the_scenario_lacks_is_refused(tmp_path: Path) -> None:
    scenario = tmp_path / "zone.yaml"
    scenario.write_text(yaml.safe_dump(zone_scenario(days=8)), encoding="utf-8")
    reported = tmp_path / "reported.yaml"
    points = [_point("x", "2021-12-03", ["nowhere"], 10)]
    reported.write_text(
        yaml.safe_dump({"scenario": "small-zone", "split_rule": "t", "points": points}),
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["simulate-validate", str(scenario), "--reported", str(reported), "-n", "2"],
        env=ENGLISH,
    )  # fmt: skip
    assert result.exit_code == EXIT_BAD_SCENARIO
    assert "small-zone: the reported figures have 1 problem(s):" in result.output
    assert "no gate 'nowhere' under 'gates'" in result.output
    assert "points[0].gates" in result.output


def test_missing_reported_figures_are_refused_by_name() -> None:
    with pytest.raises(ScenarioError) as refused:
        load_reported("nosuch")
    assert "No reported figures 'nosuch'" in refused.value.render("en")


def test_a_figure_without_its_source_is_refused_naming_the_key(tmp_path: Path) -> None:
    reported = tmp_path / "reported.yaml"
    point = _point("x", "2021-12-03", "all", 10)
    del point["source"]
    reported.write_text(
        yaml.safe_dump({"scenario": "s", "split_rule": "t", "points": [point]}), encoding="utf-8"
    )
    with pytest.raises(ScenarioError) as refused:
        load_reported(reported)
    said = refused.value.render("en")
    assert "the reported figures have 1 problem(s)" in said
    assert "points[0].source" in said
