"""The commands end to end, through a Typer app of our own."""

from __future__ import annotations

import json
from pathlib import Path

import typer
import yaml
from typer.testing import CliRunner

from cuakhau.simulation.cli import EXIT_BAD_SCENARIO, register

from .factories import zone_scenario

app = typer.Typer()
register(app)
runner = CliRunner()


def _scenario_file(tmp_path: Path, **changes: object) -> Path:
    path = tmp_path / "zone.yaml"
    path.write_text(yaml.safe_dump(zone_scenario(**{"days": 8, **changes})), encoding="utf-8")
    return path


def test_simulate_writes_json_csv_png_and_html(tmp_path: Path) -> None:
    out = tmp_path / "out"
    scenario = _scenario_file(tmp_path)
    result = runner.invoke(
        app, ["simulate", str(scenario), "-n", "3", "-w", "2", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["replications"] == 3
    assert len(data["dates"]) == 8
    assert set(data["series"]) == {"north", "south", "all"}
    band = data["series"]["all"]["crossed"]
    assert all(
        low <= mean <= high
        for low, mean, high in zip(band["low"], band["mean"], band["high"], strict=True)
    )
    assert (out / "results.csv").read_text(encoding="utf-8").startswith("date,gate,metric")
    assert (out / "results.png").read_bytes().startswith(b"\x89PNG")
    page = (out / "results.html").read_text(encoding="utf-8")
    assert '<script src="http' not in page  # plotly.js inline: works with no internet
    assert "plotly.js v" in page
    assert "observed: reported" in page


def test_bad_scenario_exits_2_with_a_message_and_no_traceback(tmp_path: Path) -> None:
    scenario = _scenario_file(tmp_path, days="soon")
    result = runner.invoke(app, ["simulate", str(scenario)])
    assert result.exit_code == EXIT_BAD_SCENARIO
    assert "days:" in result.stderr
    assert "Traceback" not in result.output


def test_compare_prints_a_table_and_draws_one_chart(tmp_path: Path) -> None:
    first = _scenario_file(tmp_path)
    second = tmp_path / "priority.yaml"
    second.write_text(
        "extends: zone.yaml\nname: priority\npolicy: {perishable_priority: true}\n",
        encoding="utf-8",
    )
    out = tmp_path / "cmp"
    result = runner.invoke(
        app, ["simulate-compare", str(first), str(second), "-n", "2", "-w", "1", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "priority" in result.output
    assert "crossed past shelf life" in result.output
    assert (out / "comparison.png").exists()
    table = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    assert set(table) == {"small-zone", "priority"}
