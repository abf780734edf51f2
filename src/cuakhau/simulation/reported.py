"""What the press reported, against what the model says for the same date and gates.

A scenario's reported figures live beside the shipped scenarios, under `observed/`,
each with its source and a split: `calibrate` (the scenario's assumed numbers were
chosen to meet it) or `held_out` (nothing in the scenario was chosen to meet it, so
it tests the model). A figure that counts several gates is compared with the sum of
their series in each replication, so its interval is that of the sum.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import yaml
from pydantic import Field

from cuakhau.simulation.loader import ScenarioError, invalid, validated
from cuakhau.simulation.messages import Problem
from cuakhau.simulation.results import Band, ReplicationResult
from cuakhau.simulation.scenario import Metric, Scenario, Strict

REPORTED = Path(__file__).parent / "observed"
ZONE = "all"
# A held-out point is met when the model's mean is within this fraction of it.
TOLERANCE = 0.25

Split = Literal["calibrate", "held_out"]
REFUSED = "sim_reported_invalid"


class ReportSource(Strict):
    url: str
    outlet: str
    published: str  # YYYY-MM or YYYY-MM-DD: some stored pages show only the month
    figure: str  # what the page said, paraphrased


class ReportedPoint(Strict):
    id: str
    date: dt.date
    metric: Metric
    gates: Annotated[list[str], Field(min_length=1)] | Literal["all"]
    value: Annotated[float, Field(gt=0)]
    fruit: Annotated[float, Field(ge=0)] | None = None
    split: Split
    source: ReportSource


class ReportedFigures(Strict):
    scenario: str
    split_rule: str
    points: Annotated[list[ReportedPoint], Field(min_length=1)]


@dataclass(frozen=True)
class PointCheck:
    """One reported figure beside the model's; `model` is None outside the horizon."""

    point: ReportedPoint
    model: Band | None

    @property
    def ratio(self) -> float | None:
        return None if self.model is None else float(self.model.mean[0]) / self.point.value

    @property
    def met(self) -> bool | None:
        ratio = self.ratio
        return None if ratio is None else abs(ratio - 1) <= TOLERANCE


def load_reported(name: str | Path) -> ReportedFigures:
    """A reported-figures file, or the shipped one for a scenario of that name."""
    path = Path(name)
    if not path.is_file():
        path = REPORTED / f"{Path(name).stem}.yaml"
    if not path.is_file():
        raise ScenarioError("sim_reported_not_found", name=str(name))
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return validated(ReportedFigures, raw, str(path), REFUSED)


def point_problems(scenario: Scenario, figures: ReportedFigures) -> list[Problem]:
    """Every gate a figure counts must be one of the scenario's."""
    known = ", ".join(scenario.gates)
    return [
        Problem(f"points[{index}].gates", "sim_unknown_gate", {"name": gate, "known": known})
        for index, point in enumerate(figures.points)
        for gate in (point.gates if isinstance(point.gates, list) else [])
        if gate not in scenario.gates
    ]


def check_points(
    scenario: Scenario, figures: ReportedFigures, replications: list[ReplicationResult]
) -> list[PointCheck]:
    """Each figure beside the model's mean and 95% interval on its date and gates."""
    problems = point_problems(scenario, figures)
    if problems:
        raise invalid(figures.scenario, problems, REFUSED)
    first = scenario.date_of(scenario.warmup_days)
    checks = []
    for point in figures.points:
        day = (point.date - first).days
        if not 0 <= day < scenario.days - scenario.warmup_days:
            checks.append(PointCheck(point, None))
            continue
        gates = [ZONE] if point.gates == "all" else point.gates
        samples = np.array(
            [
                [sum(result.series[gate][point.metric][day] for gate in gates)]
                for result in replications
            ]
        )
        checks.append(PointCheck(point, Band.across(samples, lowest=0.0)))
    return checks
