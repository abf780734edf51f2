"""A sweep: one scenario run over a grid of its parameters ("what if Hữu Nghị
had 20, 30 or 40 customs officers, and 5 or 10 quarantine officers?").

A sweep file is a scenario file (``extends`` and all) with a ``sweep:``
mapping from a key path in the scenario to the values it takes:

    extends: langson-baseline
    name: huu-nghi-officers
    sweep:
      gates.huu_nghi.customs.servers: [20, 30, 40]
      gates.huu_nghi.quarantine.servers: [5, 10]

Every combination is a scenario of its own (six here), checked as any
scenario is before anything runs.
"""

from __future__ import annotations

import copy
import csv
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cuakhau.core.spreadsheet import csv_row
from cuakhau.simulation.loader import ScenarioError, load_raw, parse_scenario
from cuakhau.simulation.outputs import compared
from cuakhau.simulation.results import SimulationResult
from cuakhau.simulation.scenario import Scenario

# A grid beyond this is more likely a mistake than a study: each point is a
# whole set of replications.
MAX_POINTS = 500


@dataclass(frozen=True)
class SweepPoint:
    scenario: Scenario
    label: str  # the values it takes, short: "customs.servers=20, quarantine.servers=5"
    values: dict[str, Any]  # key path -> the value it takes here


@dataclass(frozen=True)
class Sweep:
    name: str
    paths: list[str]
    points: list[SweepPoint]


def load_sweep(name: str | Path) -> Sweep:
    raw = load_raw(name)
    grid = raw.pop("sweep", None)
    if grid is None:
        raise ScenarioError("sim_sweep_missing", path=str(name))
    if not isinstance(grid, dict) or not grid:
        raise ScenarioError("sim_sweep_not_mapping", path=str(name))
    for path, values in grid.items():
        if not isinstance(values, list) or not values:
            raise ScenarioError("sim_sweep_values", path=str(name), entry=str(path))
        _settable(raw, str(path), str(name))
    paths = [str(path) for path in grid]
    count = 1
    for values in grid.values():
        count *= len(values)
    if count > MAX_POINTS:
        raise ScenarioError("sim_sweep_too_many", path=str(name), count=count, most=MAX_POINTS)
    base_name = str(raw.get("name", Path(name).stem))
    labels = _short_labels(paths)
    points = []
    for combination in itertools.product(*grid.values()):
        values = dict(zip(paths, combination, strict=True))
        label = ", ".join(f"{labels[path]}={value}" for path, value in values.items())
        point = copy.deepcopy(raw)
        for path, value in values.items():
            parent, key = _settable(point, path, str(name))
            parent[key] = value
        point["name"] = f"{base_name} [{label}]"
        points.append(SweepPoint(parse_scenario(point, label=f"{name} [{label}]"), label, values))
    return Sweep(base_name, paths, points)


def _settable(raw: dict[str, Any], path: str, source: str) -> tuple[Any, Any]:
    """The mapping (or list) holding the path's last key, and that key. Every
    key before the last must be in the scenario; the last may be new (the
    scenario's own checks refuse a key it does not know)."""
    parts = path.split(".")
    here: Any = raw
    for part in parts[:-1]:
        here = _step(here, part)
        if here is None:
            raise ScenarioError("sim_sweep_path", path=source, entry=path, part=part)
    last: Any = parts[-1]
    if isinstance(here, list):
        if not last.isdigit() or int(last) >= len(here):
            raise ScenarioError("sim_sweep_path", path=source, entry=path, part=last)
        last = int(last)
    elif not isinstance(here, dict) or not last:
        raise ScenarioError("sim_sweep_path", path=source, entry=path, part=last)
    return here, last


def _step(here: Any, part: str) -> Any:
    if isinstance(here, dict):
        return here.get(part)
    if isinstance(here, list) and part.isdigit() and int(part) < len(here):
        return here[int(part)]
    return None


def _short_labels(paths: list[str]) -> dict[str, str]:
    """Each path by its shortest ending that no other path shares."""
    labels = {}
    for path in paths:
        parts = path.split(".")
        for size in range(1, len(parts) + 1):
            ending = ".".join(parts[-size:])
            if not any(
                other.endswith("." + ending) or other == ending for other in paths if other != path
            ):
                break
        labels[path] = ending
    return labels


def write_sweep_csv(sweep: Sweep, results: list[SimulationResult], path: Path) -> Path:
    """One row a point: its values, then each compared figure's mean and 95% band
    for the zone."""
    header = ["scenario", *sweep.paths]
    names = compared(results)
    for name in names:
        header += [name, f"{name}_low", f"{name}_high"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(csv_row(header))
        for point, result in zip(sweep.points, results, strict=True):
            row: list[Any] = [point.scenario.name, *(point.values[p] for p in sweep.paths)]
            for name in names:
                band = result.summary["all"][name]
                row += [float(band.mean[0]), float(band.low[0]), float(band.high[0])]
            writer.writerow(csv_row(row))
    return path
