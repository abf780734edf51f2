"""The commands end to end, through a Typer app of our own."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from cuakhau.simulation.cli import EXIT_BAD_SCENARIO, register

from .factories import zone_scenario

app = typer.Typer()
register(app)
runner = CliRunner()
ENGLISH = {"CUAKHAU_DEFAULT_LANGUAGE": "en"}
VIETNAMESE = {"CUAKHAU_DEFAULT_LANGUAGE": "vi"}


def _scenario_file(tmp_path: Path, **changes: object) -> Path:
    path = tmp_path / "zone.yaml"
    path.write_text(yaml.safe_dump(zone_scenario(**{"days": 8, **changes})), encoding="utf-8")
    return path


def test_simulate_writes_json_csv_png_and_html(tmp_path: Path) -> None:
    out = tmp_path / "out"
    scenario = _scenario_file(tmp_path)
    result = runner.invoke(
        app, ["simulate", str(scenario), "-n", "3", "-w", "2", "--out", str(out)], env=ENGLISH
    )
    assert result.exit_code == 0, result.output
    assert "Results written to" in result.output
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["replications"] == 3
    assert data["metrics"]["crossed"] == "trucks crossed per day (throughput)"
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
    assert "small-zone: 3 replications, 95% bands" in page


def test_simulate_hourly_adds_the_hours_to_the_json_only(tmp_path: Path) -> None:
    out = tmp_path / "out"
    scenario = _scenario_file(tmp_path, days=3)
    command = ["simulate", str(scenario), "-n", "2", "-w", "1", "--hourly", "--out", str(out)]
    result = runner.invoke(app, command, env=ENGLISH)
    assert result.exit_code == 0, result.output
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["hourly"]["hours"][:2] == ["2021-12-01T00:00:00", "2021-12-01T01:00:00"]
    assert len(data["hourly"]["hours"]) == 3 * 24
    queue = data["hourly"]["series"]["all"]["trucks_waiting"]
    assert len(queue["mean"]) == 3 * 24
    assert all(low >= 0 for low in queue["low"] if low is not None)
    assert set(data["hourly"]["series"]["north"]) == {"trucks_waiting", "wait_mean_hours"}
    # The CSV stays daily: one row per day, gate and metric.
    rows = (out / "results.csv").read_text(encoding="utf-8").splitlines()
    assert {row.split(",")[0] for row in rows[1:]} == {"2021-12-01", "2021-12-02", "2021-12-03"}


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({}, ["kịch bản có 1 lỗi:", "  - days: Phải là số nguyên. (giá trị nhận được: 'soon')"]),
        (VIETNAMESE, ["kịch bản có 1 lỗi:", "  - days: Phải là số nguyên."]),
        (ENGLISH, ["the scenario has 1 problem(s):", "  - days: Must be a whole number."]),
    ],
    ids=["default", "vi", "en"],
)
def test_bad_scenario_exits_2_with_a_message_and_no_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], said: list[str]
) -> None:
    monkeypatch.delenv("CUAKHAU_DEFAULT_LANGUAGE", raising=False)
    # A path longer than a narrow terminal is wide: the message names it whole,
    # on one line, whatever the terminal (a wrapped path cannot be copied).
    folder = tmp_path / ("a-folder-with-a-long-name-" * 3)
    folder.mkdir()
    scenario = _scenario_file(folder, days="soon")
    result = runner.invoke(app, ["simulate", str(scenario)], env={**env, "COLUMNS": "40"})
    assert result.exit_code == EXIT_BAD_SCENARIO
    assert result.stderr.splitlines()[0] == f"{scenario}: {said[0]}"
    for text in said:
        assert text in result.stderr
    assert "Traceback" not in result.output


def test_an_unknown_scenario_is_named_in_each_language(tmp_path: Path) -> None:
    vietnamese = runner.invoke(app, ["simulate", "nosuch"], env=VIETNAMESE)
    assert "Không tìm thấy kịch bản 'nosuch'" in vietnamese.stderr
    english = runner.invoke(app, ["simulate", "nosuch"], env=ENGLISH)
    assert "Scenario 'nosuch' not found" in english.stderr


def _compare(tmp_path: Path, env: dict[str, str], scheduler: str) -> tuple[str, Path]:
    """``simulate-compare`` of a zone and its variant with priority, on the
    tests' Dask cluster: its output and folder."""
    first = _scenario_file(tmp_path)
    second = tmp_path / "priority.yaml"
    second.write_text(
        "extends: zone.yaml\nname: priority\npolicy: {perishable_priority: true}\n",
        encoding="utf-8",
    )
    out = tmp_path / "cmp"
    result = runner.invoke(
        app,
        [
            "simulate-compare",
            *(str(first), str(second)),
            *("-n", "2", "--scheduler", scheduler, "--out", str(out)),
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    return result.output, out


def test_compare_prints_a_table_and_draws_one_chart(tmp_path: Path, scheduler: str) -> None:
    output, out = _compare(tmp_path, VIETNAMESE, scheduler)
    assert "priority" in output
    assert "So sánh kịch bản (mỗi kịch bản 2 lần lặp, khoảng tin cậy 95%)" in output
    assert "qua cửa khẩu khi đã quá hạn bảo quản" in output
    # Numbers as Vietnamese writes them: a decimal comma, never a decimal point.
    assert re.search(r"\d,\d ±\d+,\d", output)
    assert not re.search(r"\d\.\d ±", output)
    assert (out / "comparison.png").exists()
    page = (out / "comparison.html").read_text(encoding="utf-8")
    # The figure is JSON inside the page, its letters written as \u escapes.
    assert json.dumps("So sánh kịch bản: small-zone, priority") in page
    assert json.dumps("xe tải qua cửa khẩu mỗi ngày (năng lực thông quan thực tế)") in page
    table = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    assert set(table) == {"small-zone", "priority"}


def test_compare_writes_numbers_the_english_way_in_english(tmp_path: Path, scheduler: str) -> None:
    output, _ = _compare(tmp_path, ENGLISH, scheduler)
    assert re.search(r"\d\.\d ±\d+\.\d", output)
    assert not re.search(r"\d,\d ±", output)


def test_results_csv_keeps_a_formula_like_gate_name_as_text(tmp_path: Path) -> None:
    raw = zone_scenario(days=8)
    raw["gates"]["=1+cmd"] = raw["gates"].pop("south")
    raw["arrivals"][0]["gates"] = {"north": 0.75, "=1+cmd": 0.25}
    scenario = tmp_path / "zone.yaml"
    scenario.write_text(yaml.safe_dump(raw), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["simulate", str(scenario), "-n", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with (out / "results.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["gate"] for row in rows} == {"north", "'=1+cmd", "all"}
    assert all(row["mean"] == "" or float(row["mean"]) >= 0 for row in rows)
