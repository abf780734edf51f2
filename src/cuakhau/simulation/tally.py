"""Streaming statistics for one gate: memory grows with hours and days, not with trucks.

The engine only notes the moment each truck passes a point (arrived, reached the
gate, entered the yard, crossed). Once a day those moments are folded into hourly
counts, and the number of trucks between two points at any hour is a difference of
running totals. Waiting times go into a per-day histogram with log-spaced bins, so
quantiles of any set of days or gates are a sum of rows away.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cuakhau.simulation.arrivals import ArrivalBatch, Truck
from cuakhau.simulation.hub import KIND_METRIC, HubTally

BINS_PER_DECADE = 20
SMALLEST_WAIT_HOURS = 0.01
LONGEST_WAIT_HOURS = 10_000.0
WAIT_EDGES = np.concatenate(
    (
        [0.0],
        np.logspace(
            np.log10(SMALLEST_WAIT_HOURS),
            np.log10(LONGEST_WAIT_HOURS),
            BINS_PER_DECADE * 6 + 1,
        ),
    )
)
QUANTILES = {"wait_p50_hours": 0.5, "wait_p90_hours": 0.9, "wait_p99_hours": 0.99}

# The stocks `trucks_waiting` adds up (trucks travelling between gates are not waiting).
IN_ZONE = ("held_inland", "waiting_on_road", "waiting_in_yard")
# Where a truck was when it gave up: the moment that takes it out of that stock.
LEFT_FROM = {"inland": "left_inland", "road": "left_road", "yard": "left_yard"}


@dataclass
class GateDays:
    """Per-day results of one gate (or of several, added together) in one replication."""

    stocks: dict[str, np.ndarray]
    counts: dict[str, np.ndarray]
    wait_histogram: np.ndarray  # days × bins
    wait_total_hours: np.ndarray  # per day
    little: dict[str, float] = field(default_factory=dict)
    # The hub's per-day sums (hub.py), when the scenario declares hub stations.
    hub: dict[str, np.ndarray] = field(default_factory=dict)
    # Per hour, when the run asked for it: trucks waiting (NaN before the run
    # starts), trucks crossed and the hours they waited.
    hourly: dict[str, np.ndarray] = field(default_factory=dict)

    def __add__(self, other: GateDays) -> GateDays:
        return GateDays(
            stocks={name: self.stocks[name] + other.stocks[name] for name in self.stocks},
            counts={name: self.counts[name] + other.counts[name] for name in self.counts},
            wait_histogram=self.wait_histogram + other.wait_histogram,
            wait_total_hours=self.wait_total_hours + other.wait_total_hours,
            little={
                name: value if name == "window_hours" else value + other.little[name]
                for name, value in self.little.items()
            },
            hub={name: self.hub[name] + other.hub[name] for name in self.hub},
            hourly={name: self.hourly[name] + other.hourly[name] for name in self.hourly},
        )

    def series(self, first_day: int) -> dict[str, np.ndarray]:
        """Every daily metric from `first_day` on (the days after warm-up)."""
        days = slice(first_day, None)
        result = {name: values[days] for name, values in self.stocks.items()}
        result["trucks_waiting"] = sum(self.stocks[name][days] for name in IN_ZONE)
        result.update({name: values[days] for name, values in self.counts.items()})
        result["gave_up"] = result["balked"] + result["reneged"]
        crossed = self.counts["crossed"][days]
        with np.errstate(invalid="ignore", divide="ignore"):
            result["wait_mean_hours"] = self.wait_total_hours[days] / crossed
        for name, level in QUANTILES.items():
            result[name] = quantiles(self.wait_histogram[days], level)
        result.update(hub_figures({name: values[days] for name, values in self.hub.items()}))
        return result

    def hourly_series(self, first_day: int) -> dict[str, np.ndarray]:
        """Trucks waiting and the mean wait of the trucks crossing, hour by hour from
        `first_day` on; the day's `trucks_waiting` is the mean of its hours'."""
        hours = slice(first_day * 24, None)
        with np.errstate(invalid="ignore", divide="ignore"):
            wait = self.hourly["wait_total_hours"][hours] / self.hourly["crossed"][hours]
        return {"trucks_waiting": self.hourly["trucks_waiting"][hours], "wait_mean_hours": wait}

    def summary(self, first_day: int) -> dict[str, float]:
        """One number per metric over all days after warm-up."""
        days = slice(first_day, None)
        crossed = float(self.counts["crossed"][days].sum())
        merged = self.wait_histogram[days].sum(axis=0, keepdims=True)
        result = {
            "arrived": float(self.counts["arrived"][days].sum()),
            "crossed": crossed,
            "yard_overflow": float(self.counts["yard_overflow"][days].sum()),
            "crossed_past_shelf_life": float(self.counts["crossed_past_shelf_life"][days].sum()),
            "balked": float(self.counts["balked"][days].sum()),
            "reneged": float(self.counts["reneged"][days].sum()),
            "rerouted_out": float(self.counts["rerouted_out"][days].sum()),
            "rerouted_in": float(self.counts["rerouted_in"][days].sum()),
            "peak_trucks_waiting": float(self.series(first_day)["trucks_waiting"].max()),
            "wait_mean_hours": float(self.wait_total_hours[days].sum() / crossed)
            if crossed
            else float("nan"),
        }
        result["gave_up"] = result["balked"] + result["reneged"]
        result.update(
            {name: float(quantiles(merged, level)[0]) for name, level in QUANTILES.items()}
        )
        result.update(little_check(self.little))
        if self.hub:
            daily = hub_figures({name: values[days] for name, values in self.hub.items()})
            whole = hub_figures(
                {name: values[days].sum(keepdims=True) for name, values in self.hub.items()}
            )
            result.update({name: float(values[0]) for name, values in whole.items()})
            # Stocks over the whole horizon: their mean, as for trucks; and the peak queues.
            for name, values in daily.items():
                if name in HUB_STOCKS or name.endswith("_queue"):
                    result[name] = float(values.mean())
                if name.endswith("_queue"):
                    result[f"peak_{name}"] = float(values.max())
        return result


# Hub figures that are stocks (a daily mean of hourly counts), not totals.
HUB_STOCKS = ("trailers_across", "trailers_awaiting_hand_back")


def hub_figures(sums: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The hub's metrics from its per-day sums: for each kind of station its queue,
    the mean wait of the trucks (or trailers) it started, and its utilisation (busy
    place-hours over staffed ones); the trailers' stocks and counts as they are."""
    figures: dict[str, np.ndarray] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for kind, metric in KIND_METRIC.items():
            if f"{kind}_queue" not in sums:
                continue
            figures[f"{metric}_queue"] = sums[f"{kind}_queue"]
            figures[f"{metric}_wait_hours"] = sums[f"{kind}_wait_total"] / sums[f"{kind}_served"]
            figures[f"{metric}_utilisation"] = sums[f"{kind}_busy"] / sums[f"{kind}_staffed"]
    figures.update({name: values for name, values in sums.items() if name.startswith("trailers_")})
    return figures


def little_check(sums: dict[str, float]) -> dict[str, float]:
    """L against λW over the days after warm-up (Little's law)."""
    in_system = sums["in_system_hours"] / sums["window_hours"]
    arrival_rate = sums["arrivals"] / sums["window_hours"]
    time_in_system = sums["sojourn_hours"] / sums["sojourns"] if sums["sojourns"] else 0.0
    expected = arrival_rate * time_in_system
    gap = abs(in_system - expected) / expected if expected else 0.0
    return {"little_L": in_system, "little_lambda_W": expected, "little_gap": gap}


def quantiles(histogram: np.ndarray, level: float) -> np.ndarray:
    """Quantile of each row of a wait histogram, linear inside a bin; NaN for empty rows."""
    totals = histogram.sum(axis=1)
    cumulative = np.cumsum(histogram, axis=1)
    target = level * totals
    bins = np.minimum((cumulative < target[:, None]).sum(axis=1), histogram.shape[1] - 1)
    rows = np.arange(histogram.shape[0])
    before = np.where(bins > 0, cumulative[rows, np.maximum(bins - 1, 0)], 0)
    inside = histogram[rows, bins]
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = np.clip((target - before) / inside, 0, 1)
        low, high = WAIT_EDGES[bins], WAIT_EDGES[bins + 1]
        return np.where(totals > 0, low + fraction * (high - low), np.nan)


def _add_up(totals: np.ndarray, index: np.ndarray, weights: np.ndarray | None = None) -> None:
    """totals[index] += weights (or 1), touching only the span the batch covers.

    A day's batch covers a day or two; counting over the whole horizon each time
    would make a long run quadratic.
    """
    if len(index) == 0:
        return
    first = int(index.min())
    counts = np.bincount(index - first, weights=weights)
    totals[first : first + len(counts)] += counts


class GateTally:
    def __init__(
        self, days: int, warmup_days: int, start_hour: float = 0.0, hourly: bool = False
    ) -> None:
        self.days = days
        self.hours = days * 24
        self.warmup_hours = warmup_days * 24
        # A run from a snapshot starts mid-day: the hours before it are not zero trucks,
        # they are outside the run, and stocks average only the hours it covers.
        self.covered = np.ones(self.hours, dtype=bool)
        self.covered[: int(start_hour)] = False
        self.moments: dict[str, list[float]] = {
            name: []
            for name in (
                "arrived",
                "reached",
                "entered",
                "crossed",
                "overdue_from",
                "overdue_to",
                "yard_overflow",
                "left_inland",
                "left_road",
                "left_yard",
                "balked",
                "reneged",
                "rerouted_out",
                "rerouted_in",
                "came",
            )
        }
        self.hourly = {name: np.zeros(self.hours + 1, dtype=np.int64) for name in self.moments}
        self._crossings: list[tuple[float, float, float, bool]] = []
        self.wait_histogram = np.zeros((days, len(WAIT_EDGES) - 1), dtype=np.int64)
        self.wait_total_hours = np.zeros(days)
        self.crossed_past_shelf_life = np.zeros(days)
        self.sojourn_hours = 0.0
        self.sojourns = 0
        # Only a run asking for hours pays for their waits (the daily runs do not).
        self.wait_by_hour = np.zeros(self.hours) if hourly else None
        self.hub: HubTally | None = None  # set by a gate with hub stations

    def crossed(self, truck: Truck, time: float) -> None:
        self.moments["crossed"].append(time)
        wait = time - truck.arrival - truck.customs_hours - truck.quarantine_hours
        wait -= truck.served_hours
        late = time > truck.shelf_deadline
        if late:
            self.moments["overdue_from"].append(truck.shelf_deadline)
            self.moments["overdue_to"].append(time)
        self._crossings.append((time, wait, truck.arrival, late))

    def gave_up(self, truck: Truck, time: float, stage: str, balked: bool = False) -> None:
        """A truck turned back at `time` from `stage` (inland, road or yard).

        It balked if it turned back on arrival, seeing the queue; it reneged if it
        gave up after waiting.
        """
        self.moments[LEFT_FROM[stage]].append(time)
        self.moments["balked" if balked else "reneged"].append(time)
        if time > truck.shelf_deadline:
            self.moments["overdue_from"].append(truck.shelf_deadline)
            self.moments["overdue_to"].append(time)
        if truck.arrival >= self.warmup_hours and time < self.hours:
            self.sojourn_hours += time - truck.arrival
            self.sojourns += 1

    def rerouted(self, truck: Truck, time: float) -> None:
        """A truck arriving here went to another gate at once (its stay here: none)."""
        self.moments["rerouted_out"].append(time)
        if truck.arrival >= self.warmup_hours and time < self.hours:
            self.sojourns += 1

    def gave_up_all(
        self, trucks: ArrivalBatch, times: np.ndarray, stage: str, balked: bool
    ) -> None:
        """`gave_up` for a batch, all from one stage."""
        self.passed(LEFT_FROM[stage], times)
        self.passed("balked" if balked else "reneged", times)
        late = times > trucks.shelf_deadline
        self.passed("overdue_from", trucks.shelf_deadline[late])
        self.passed("overdue_to", times[late])
        counted = (trucks.arrival >= self.warmup_hours) & (times < self.hours)
        self.sojourn_hours += float((times[counted] - trucks.arrival[counted]).sum())
        self.sojourns += int(counted.sum())

    def unfinished(self, truck: Truck) -> None:
        """A truck still in the zone when the horizon ends."""
        if truck.shelf_deadline < self.hours:
            self.moments["overdue_from"].append(truck.shelf_deadline)

    def crossed_all(self, trucks: ArrivalBatch, times: np.ndarray) -> None:
        """A whole batch crossed at `times`: the same as calling `crossed` for each truck."""
        late = times > trucks.shelf_deadline
        self.passed("overdue_from", trucks.shelf_deadline[late])
        self.passed("overdue_to", times[late])
        self.passed("crossed", times)
        wait = times - trucks.arrival - trucks.customs_hours - trucks.quarantine_hours
        self._fold_crossings(times, wait, trucks.arrival, late)

    def passed(self, moment: str, times: np.ndarray) -> None:
        """Many trucks passed one point at `times`."""
        _add_up(self.hourly[moment], np.minimum(times, self.hours).astype(np.int64))

    def flush(self) -> None:
        for name, moments in self.moments.items():
            if moments:
                self.passed(name, np.asarray(moments))
                moments.clear()
        if self._crossings:
            columns = (np.asarray(column) for column in zip(*self._crossings, strict=True))
            self._crossings.clear()
            self._fold_crossings(*columns)
        if self.hub is not None:
            self.hub.flush()

    def _fold_crossings(
        self, time: np.ndarray, wait: np.ndarray, arrival: np.ndarray, late: np.ndarray
    ) -> None:
        inside = time < self.hours
        time, wait, arrival, late = time[inside], wait[inside], arrival[inside], late[inside]
        day = (time // 24).astype(np.int64)
        wait = np.maximum(wait, 0.0)  # rounding can leave -1e-15
        bins = np.minimum(np.searchsorted(WAIT_EDGES, wait, side="right") - 1, len(WAIT_EDGES) - 2)
        np.add.at(self.wait_histogram, (day, bins), 1)
        _add_up(self.wait_total_hours, day, wait)
        _add_up(self.crossed_past_shelf_life, day, late)
        if self.wait_by_hour is not None:
            _add_up(self.wait_by_hour, time.astype(np.int64), wait)
        counted = arrival >= self.warmup_hours
        self.sojourn_hours += float((time[counted] - arrival[counted]).sum())
        self.sojourns += int(counted.sum())

    def _per_day(self, moment: str) -> np.ndarray:
        return self.hourly[moment][: self.hours].reshape(self.days, 24).sum(axis=1).astype(float)

    def result(self) -> GateDays:
        self.flush()
        totals = {name: np.cumsum(counts)[: self.hours] for name, counts in self.hourly.items()}
        hourly_stocks = {
            # A truck sent here from another gate is travelling from when it was sent
            # (`rerouted_in`) until it comes, then as if it had arrived here.
            "held_inland": totals["arrived"]
            + totals["came"]
            - totals["reached"]
            - totals["left_inland"]
            - totals["rerouted_out"],
            "waiting_on_road": totals["reached"] - totals["entered"] - totals["left_road"],
            "waiting_in_yard": totals["entered"] - totals["crossed"] - totals["left_yard"],
            "travelling": totals["rerouted_in"] - totals["came"],
            "overdue_perishable": totals["overdue_from"] - totals["overdue_to"],
        }
        in_system = sum(hourly_stocks[name] for name in (*IN_ZONE, "travelling"))
        hourly = {}
        if self.wait_by_hour is not None:
            waiting = sum(hourly_stocks[name] for name in IN_ZONE)
            hourly = {
                "trucks_waiting": np.where(self.covered, waiting, np.nan),
                "crossed": self.hourly["crossed"][: self.hours].astype(float),
                "wait_total_hours": self.wait_by_hour,
            }
        window = self.covered.copy()
        window[: self.warmup_hours] = False
        hours_per_day = self.covered.reshape(self.days, 24).sum(axis=1)
        return GateDays(
            stocks={
                name: np.where(self.covered, values, 0).reshape(self.days, 24).sum(axis=1)
                / hours_per_day
                for name, values in hourly_stocks.items()
            },
            counts={
                "arrived": self._per_day("arrived"),
                "crossed": self.wait_histogram.sum(axis=1).astype(float),
                "yard_overflow": self._per_day("yard_overflow"),
                "crossed_past_shelf_life": self.crossed_past_shelf_life,
                "balked": self._per_day("balked"),
                "reneged": self._per_day("reneged"),
                "rerouted_out": self._per_day("rerouted_out"),
                "rerouted_in": self._per_day("rerouted_in"),
            },
            wait_histogram=self.wait_histogram,
            wait_total_hours=self.wait_total_hours,
            little={
                "in_system_hours": float(in_system[window].sum()),
                "window_hours": float(window.sum()),
                "arrivals": float(
                    (self.hourly["arrived"] + self.hourly["rerouted_in"])[: self.hours][
                        window
                    ].sum()
                ),
                "sojourn_hours": self.sojourn_hours,
                "sojourns": float(self.sojourns),
            },
            hub={} if self.hub is None else self.hub.result(self.covered),
            hourly=hourly,
        )
