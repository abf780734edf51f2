"""Results across replications: a mean and a 95% confidence interval for every number."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cuakhau.core.messages import translate
from cuakhau.core.spreadsheet import csv_row
from cuakhau.simulation.scenario import Scenario

# Two-sided 95% Student-t quantiles for 1..30 degrees of freedom; beyond, the
# Cornish–Fisher expansion around the normal quantile is good to 1e-4.
T_975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip
Z_975 = 1.959964

# The numbers of a result; what each means is the catalogues' sim_metric_<name>.
METRICS = (
    "trucks_waiting",
    "held_inland",
    "waiting_on_road",
    "waiting_in_yard",
    "travelling",
    "overdue_perishable",
    "arrived",
    "crossed",
    "yard_overflow",
    "crossed_past_shelf_life",
    "gave_up",
    "balked",
    "reneged",
    "rerouted_out",
    "rerouted_in",
    "wait_mean_hours",
    "wait_p50_hours",
    "wait_p90_hours",
    "wait_p99_hours",
)


# The transshipment hub's numbers, in results only when a gate declares hub stations
# (hub.py): per kind of station its queue, wait and utilisation; the trailers'.
HUB_METRICS = (
    *(
        f"{kind}_{figure}"
        for kind in ("driver", "bay", "cold_bay")
        for figure in ("queue", "wait_hours", "utilisation")
    ),
    "trailers_dropped",
    "trailers_across",
    "trailers_awaiting_hand_back",
    "trailers_handed_back",
)


def metric_label(name: str, language: str) -> str:
    return translate(f"sim_metric_{name}", language)


def t_quantile_975(degrees: int) -> float:
    if degrees <= len(T_975):
        return T_975[degrees - 1]
    z, v = Z_975, degrees
    return z + (z**3 + z) / (4 * v) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)


@dataclass(frozen=True)
class Band:
    """Mean and 95% CI across replications, day by day (or a single number)."""

    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray

    @classmethod
    def across(cls, samples: np.ndarray, lowest: float = -math.inf) -> Band:
        """`samples` has one row per replication; NaN (a day nobody crossed) is left out.

        The interval is cut at `lowest`, the least value the quantity can take.
        """
        # Only the columns with numbers go to numpy, which warns of the others: a
        # filter set to silence it would not be thread-safe (the app's forecast
        # runs in a thread beside others).
        count = np.sum(~np.isnan(samples), axis=0)
        mean = np.full(count.shape, np.nan)
        spread = np.full(count.shape, np.nan)
        some, several = count > 0, count > 1
        mean[some] = np.nanmean(samples[:, some], axis=0)
        spread[several] = np.nanstd(samples[:, several], axis=0, ddof=1)
        quantile = np.vectorize(t_quantile_975, otypes=[float])(np.maximum(count - 1, 1))
        half = np.where(count > 1, quantile * spread / np.sqrt(np.maximum(count, 1)), np.nan)
        return cls(mean, np.maximum(mean - half, lowest), mean + half)

    def as_dict(self) -> dict[str, object]:
        return {name: _plain(getattr(self, name)) for name in ("mean", "low", "high")}


@dataclass(frozen=True)
class ReplicationResult:
    series: dict[str, dict[str, np.ndarray]]  # gate -> metric -> per day
    summary: dict[str, dict[str, float]]  # gate -> metric -> number
    # gate -> trucks_waiting / wait_mean_hours -> per hour, when the run asked for it
    hourly: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)


@dataclass(frozen=True)
class SimulationResult:
    scenario: Scenario
    replications: int
    seed: int
    dates: list[dt.date]
    series: dict[str, dict[str, Band]]
    summary: dict[str, dict[str, Band]]
    # Per hour from the first day's midnight (zone time), when the run asked for it.
    hourly: dict[str, dict[str, Band]] = field(default_factory=dict)

    def hour_of(self, index: int) -> dt.datetime:
        """The start of the hourly series' `index`-th hour, local to the scenario."""
        return dt.datetime.combine(self.dates[0], dt.time(0)) + dt.timedelta(hours=index)

    def as_dict(self, language: str) -> dict[str, object]:
        """Everything as JSON holds it; what each metric means in `language`."""
        return {
            "scenario": self.scenario.name,
            "description": self.scenario.description,
            "policy": self.scenario.policy.model_dump(),
            "replications": self.replications,
            "seed": self.seed,
            "confidence": 0.95,
            "language": language,
            "metrics": {
                name: metric_label(name, language)
                for name in (*METRICS, *HUB_METRICS)
                if name in self.series["all"]
            },
            "dates": [date.isoformat() for date in self.dates],
            "summary": {
                gate: {name: band.as_dict() for name, band in metrics.items()}
                for gate, metrics in self.summary.items()
            },
            "series": {
                gate: {name: band.as_dict() for name, band in metrics.items()}
                for gate, metrics in self.series.items()
            },
            **({"hourly": self._hourly_dict()} if self.hourly else {}),
        }

    def _hourly_dict(self) -> dict[str, object]:
        first = self.hourly["all"]["trucks_waiting"]
        return {
            "hours": [self.hour_of(index).isoformat() for index in range(len(first.mean))],
            "series": {
                gate: {name: band.as_dict() for name, band in metrics.items()}
                for gate, metrics in self.hourly.items()
            },
        }

    def write_json(self, path: Path, language: str) -> None:
        text = json.dumps(self.as_dict(language), ensure_ascii=False, indent=1)
        path.write_text(text, encoding="utf-8")

    def write_csv(self, path: Path) -> None:
        """Long format: one row per date, gate and metric."""
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["date", "gate", "metric", "mean", "ci95_low", "ci95_high"])
            for gate, metrics in self.series.items():
                for name, band in metrics.items():
                    for index, date in enumerate(self.dates):
                        values = (band.mean[index], band.low[index], band.high[index])
                        row = [date.isoformat(), gate, name, *map(_cell, values)]
                        writer.writerow(csv_row(row))


def summarise(
    scenario: Scenario, replications: list[ReplicationResult], seed: int
) -> SimulationResult:
    first = replications[0]
    # Every number a run reports is a count, a stock, a duration or a ratio of them:
    # an interval reaching below zero would show what cannot happen.
    series = _bands(replications, "series")
    summary = {
        gate: {
            name: Band.across(
                np.array([[result.summary[gate][name]] for result in replications]), lowest=0.0
            )
            for name in metrics
        }
        for gate, metrics in first.summary.items()
    }
    dates = [scenario.date_of(day) for day in range(scenario.warmup_days, scenario.days)]
    hourly = _bands(replications, "hourly")
    return SimulationResult(scenario, len(replications), seed, dates, series, summary, hourly)


def _bands(replications: list[ReplicationResult], kind: str) -> dict[str, dict[str, Band]]:
    """Every gate's series of `kind` (daily or hourly) across the replications."""
    return {
        gate: {
            name: Band.across(
                np.array([getattr(result, kind)[gate][name] for result in replications]),
                lowest=0.0,
            )
            for name in metrics
        }
        for gate, metrics in getattr(replications[0], kind).items()
    }


def _cell(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.6g}"


def _plain(values: np.ndarray) -> object:
    """JSON has no NaN: days without a number become null."""
    items = [None if math.isnan(value) else round(float(value), 6) for value in values.ravel()]
    return items[0] if values.size == 1 else items
