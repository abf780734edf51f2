"""Replications on a Dask cluster (``simulation.cluster``) and sweeps over a
grid of a scenario's parameters (``simulation.sweep``, ``cuakhau simulate-sweep``)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import typer
import yaml
from typer.testing import CliRunner

from cuakhau.simulation import cluster, parse_scenario
from cuakhau.simulation.cli import EXIT_BAD_SCENARIO, register
from cuakhau.simulation.cluster import cluster_client, simulate_on
from cuakhau.simulation.loader import ScenarioError
from cuakhau.simulation.results import SimulationResult
from cuakhau.simulation.runner import simulate
from cuakhau.simulation.sweep import MAX_POINTS, load_sweep

from .factories import zone_scenario

app = typer.Typer()
register(app)
runner = CliRunner()
ENGLISH = {"CUAKHAU_DEFAULT_LANGUAGE": "en"}


def _same(first: SimulationResult, second: SimulationResult) -> None:
    for gate, series in first.series.items():
        for metric, band in series.items():
            other = second.series[gate][metric]
            for part in ("mean", "low", "high"):
                np.testing.assert_array_equal(getattr(band, part), getattr(other, part))
    assert first.summary.keys() == second.summary.keys()


def test_a_cluster_gives_the_numbers_one_process_gives(scheduler: str) -> None:
    scenarios = [
        parse_scenario(zone_scenario(days=6)),
        parse_scenario(
            zone_scenario(days=6, name="priority", policy={"perishable_priority": True})
        ),
    ]
    ticks = []
    with cluster_client(scheduler) as client:
        results = simulate_on(client, scenarios, 3, seed=7, on_replication=lambda: ticks.append(1))
    assert len(ticks) == 6
    for scenario, result in zip(scenarios, results, strict=True):
        assert result.scenario.name == scenario.name
        _same(result, simulate(scenario, replications=3, seed=7, workers=1))
    # Another seed, other numbers: the comparison above could fail.
    other = simulate(scenarios[0], replications=3, seed=8, workers=1)
    assert not np.array_equal(
        other.series["all"]["crossed"].mean, results[0].series["all"]["crossed"].mean
    )


def _sweep_file(tmp_path: Path, grid: object, **changes: object) -> Path:
    (tmp_path / "zone.yaml").write_text(yaml.safe_dump(zone_scenario(days=6)), encoding="utf-8")
    path = tmp_path / "sweep.yaml"
    path.write_text(
        yaml.safe_dump({"extends": "zone.yaml", "name": "officers", "sweep": grid, **changes}),
        encoding="utf-8",
    )
    return path


GRID = {"gates.north.customs.servers": [12, 24], "gates.south.quarantine.servers": [1, 3]}


def test_a_sweep_is_every_combination_of_its_values(tmp_path: Path) -> None:
    sweep = load_sweep(_sweep_file(tmp_path, GRID))
    assert sweep.name == "officers"
    officers = [
        (p.scenario.gates["north"].customs.servers, p.scenario.gates["south"].quarantine.servers)
        for p in sweep.points
    ]
    assert officers == [(12, 1), (12, 3), (24, 1), (24, 3)]
    assert sweep.points[1].label == "customs.servers=12, quarantine.servers=3"
    assert sweep.points[1].scenario.name == f"officers [{sweep.points[1].label}]"


def test_simulate_sweep_runs_the_grid_on_the_cluster_and_writes_a_table(
    tmp_path: Path, scheduler: str
) -> None:
    out = tmp_path / "out"
    path = _sweep_file(tmp_path, GRID)
    result = runner.invoke(
        app,
        ["simulate-sweep", str(path), "-n", "2", "--scheduler", scheduler, "--out", str(out)],
        env={**ENGLISH, "COLUMNS": "250"},
    )
    assert result.exit_code == 0, result.output
    assert "quarantine.servers=3" in result.output
    with (out / "sweep.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    values = [(r["gates.north.customs.servers"], r["gates.south.quarantine.servers"]) for r in rows]
    assert values == [("12", "1"), ("12", "3"), ("24", "1"), ("24", "3")]
    # Each point's figures are its own scenario's, run alone with the same seed.
    alone = simulate(load_sweep(path).points[2].scenario, replications=2, seed=1, workers=1)
    band = alone.summary["all"]["wait_mean_hours"]
    assert float(rows[2]["wait_mean_hours"]) == pytest.approx(float(band.mean[0]), rel=1e-12)
    assert float(rows[2]["wait_mean_hours_low"]) <= float(rows[2]["wait_mean_hours"])
    assert (out / "comparison.png").read_bytes().startswith(b"\x89PNG")


def test_simulate_compare_runs_on_a_local_cluster_by_default(tmp_path: Path) -> None:
    first = tmp_path / "zone.yaml"
    first.write_text(yaml.safe_dump(zone_scenario(days=4)), encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "simulate-compare",
            str(first),
            str(first),
            "-n",
            "2",
            "-w",
            "1",
            "--out",
            str(tmp_path / "c"),
        ],
        env=ENGLISH,
    )
    assert result.exit_code == 0, result.output
    assert "Scenarios compared (2 replications each, 95% CI)" in result.output


@pytest.mark.parametrize(
    ("grid", "said"),
    [
        (None, "has no `sweep:` grid"),
        (["gates.north.customs.servers"], "must map key paths to lists of values"),
        ({"gates.north.customs.servers": []}, "must be a list of at least one value"),
        ({"gates.north.customs.servers": 12}, "must be a list of at least one value"),
        ({"gates.nowhere.customs.servers": [1]}, "it has no `nowhere` there"),
        (
            {"gates.north.customs.servers": [-1]},
            "sweep.yaml [servers=-1]: the scenario has 1 problem",
        ),
        (
            {"gates.north.customs.servers": list(range(1, 30)), "days": list(range(1, 30))},
            f"makes 841 scenarios; a sweep may make at most {MAX_POINTS}",
        ),
    ],
)
def test_a_bad_sweep_is_refused_with_a_message_and_exit_2(
    tmp_path: Path, grid: object, said: str
) -> None:
    path = _sweep_file(tmp_path, grid) if grid is not None else _sweep_file(tmp_path, {})
    if grid is None:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        del raw["sweep"]
        path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    result = runner.invoke(app, ["simulate-sweep", str(path), "-n", "2"], env=ENGLISH)
    assert result.exit_code == EXIT_BAD_SCENARIO, result.output
    assert said in result.output
    assert "Traceback" not in result.output
    with pytest.raises(ScenarioError):
        load_sweep(path)


def test_an_unreachable_scheduler_is_a_message_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Dask tries a refused address again until the timeout: one second will do.
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1)
    path = _sweep_file(tmp_path, {"gates.north.customs.servers": [12]})
    # A port nobody listens on: refused at once.
    result = runner.invoke(
        app,
        ["simulate-sweep", str(path), "-n", "1", "--scheduler", "tcp://127.0.0.1:9"],
        env=ENGLISH,
    )
    assert result.exit_code == EXIT_BAD_SCENARIO, result.output
    assert "No Dask scheduler answered at tcp://127.0.0.1:9" in result.output
    assert "Traceback" not in result.output
