"""The transshipment hub's resources: transfer-driver pools and transload bays.

Both are declared stations (`gates.<id>.stations`) of a hub kind, worked first come,
first served like any station, with two differences. Their places (a pool's
tractors, a yard's bays) work only while a crew is on duty (transfer drivers,
stevedore teams, by shift), so a truck's turn comes at the first moment a place is
both free and staffed; a crew finishes the truck it has started past the end of its
shift. And they keep a log of every truck for the results: when it joined, when
its service started (or it gave up), when it ended.

Joins still come in time order, so a truck's finishing time is known when it joins,
as at customs: the earliest staffed start among the places is the one first come,
first served gives it (a later truck can never start earlier, since it sees the
same places, one of them now busier).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from cuakhau.simulation.scenario import Scenario, Station, TrailerReturn, ways

INF = math.inf
# Each hub kind's name in the results: its queue, wait and utilisation.
KIND_METRIC = {"transfer_drivers": "driver", "transload_bay": "bay", "cold_bay": "cold_bay"}
NOT_STARTED = math.nan


def _hours_to_duty(on_duty: list[bool]) -> tuple[float, ...]:
    """For each hour of the day, the hours from its start to the first hour on duty
    (0 if on duty then; inf if never)."""
    if not any(on_duty):
        return (INF,) * 24
    return tuple(
        float(next(ahead for ahead in range(24) if on_duty[(hour + ahead) % 24]))
        for hour in range(24)
    )


class HubStation:
    """A station whose places each work only while a crew is on duty: a hub kind's,
    or a plain station's that has shifts."""

    def __init__(self, station: Station) -> None:
        self.kind = station.kind
        self.drops_trailer = station.kind == "transfer_drivers"
        at_work = station.places_at_work()
        # Place k works in the hours with more than k places at work.
        self.to_duty = [
            _hours_to_duty([working > place for working in at_work])
            for place in range(station.servers)
        ]
        self.free_at = [0.0] * station.servers
        # (joined, started or gave up, ended or NaN if it gave up, whether the trailer
        # or truck was on its way out rather than back); kept for the hub's figures,
        # so not by a plain station that has shifts.
        self.log: list[tuple[float, float, float, bool]] = []
        self.keeps_log = station.kind in KIND_METRIC

    def _start(self, now: float) -> tuple[float, int]:
        """The earliest start a truck joining at `now` can have, and the place."""
        best, chosen = INF, -1
        for place, free in enumerate(self.free_at):
            start = now if now > free else free
            ahead = self.to_duty[place][int(start) % 24] if start < INF else 0.0
            if ahead:
                start = math.floor(start) + ahead
            if start < best:
                best, chosen = start, place
        return best, chosen

    def finish(self, now: float, hours: float, outbound: bool = True) -> float:
        start, place = self._start(now)
        end = start + hours
        if place >= 0:  # else never staffed: it waits past any horizon
            self.free_at[place] = end
        if self.keeps_log:
            self.log.append((now, start, end, outbound))
        return end

    def finish_or_give_up(self, now: float, hours: float, give_up_at: float) -> float | None:
        start, _ = self._start(now)
        if start > give_up_at:
            if self.keeps_log:
                self.log.append((now, max(now, give_up_at), NOT_STARTED, True))
            return None
        return self.finish(now, hours)


class ReturningTrailer(NamedTuple):
    """A swapped trailer on its way back: the way it came by, and its truck's number."""

    route: int
    ident: int


# A swapped trailer's moves after a driver takes it: crossed, brought back to our
# yard, handed back to its owner.
TRAILER_MOVES = ("crossed", "returned", "handed_back")


@dataclass
class HubTally:
    """A gate's hub figures, folded from its stations' logs and its trailers' moves
    hour by hour and day by day, as GateTally does for trucks."""

    hours: int
    stations: list[HubStation]
    kinds: tuple[str, ...]
    staffed: dict[str, np.ndarray]  # per kind: places staffed in each hour of the day
    trailers: dict[str, list[float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.days = self.hours // 24
        size = self.hours + 1
        self.hourly = {
            f"{kind}_{name}": np.zeros(size)
            for kind in self.kinds
            for name in ("joined", "left_queue", "busy_runs", "busy_parts")
        }
        self.per_day = {
            f"{kind}_{name}": np.zeros(self.days)
            for kind in self.kinds
            for name in ("wait_total", "served", "dropped")
        }
        self.trailers = {name: [] for name in TRAILER_MOVES}
        self.trailer_hourly = {name: np.zeros(size) for name in TRAILER_MOVES}

    def flush(self) -> None:
        for station in self.stations:
            if station.log:
                self._fold(station.kind, np.asarray(station.log, dtype=float))
                station.log.clear()
        for name, moments in self.trailers.items():
            if moments:
                _count(self.trailer_hourly[name], np.asarray(moments), self.hours)
                moments.clear()

    def _fold(self, kind: str, log: np.ndarray) -> None:
        joined, started, ended, outbound = log.T
        hours = self.hours
        _count(self.hourly[f"{kind}_joined"], joined, hours)
        _count(self.hourly[f"{kind}_left_queue"], started, hours)
        dropped = (outbound > 0) & (joined < hours)
        np.add.at(self.per_day[f"{kind}_dropped"], (joined[dropped] // 24).astype(np.int64), 1.0)
        served = ~np.isnan(ended) & (started < hours)
        start, end = started[served], np.minimum(ended[served], hours)
        day = (start // 24).astype(np.int64)
        np.add.at(self.per_day[f"{kind}_wait_total"], day, start - joined[served])
        np.add.at(self.per_day[f"{kind}_served"], day, 1.0)
        # Hour h's busy hours: a run of whole hours from each start's hour to its end's
        # (a running count), less the part of the first hour before the start, plus
        # the part of the last hour before the end.
        first, last = start.astype(np.int64), end.astype(np.int64)
        size = hours + 1
        runs = self.hourly[f"{kind}_busy_runs"]
        runs += np.bincount(first, minlength=size) - np.bincount(last, minlength=size)
        parts = self.hourly[f"{kind}_busy_parts"]
        parts -= np.bincount(first, weights=start - first, minlength=size)
        parts += np.bincount(last, weights=end - last, minlength=size)

    def result(self, covered: np.ndarray) -> dict[str, np.ndarray]:
        """Per-day figures that add up across gates: stocks as daily means of hourly
        counts over the hours `covered`, the rest as totals."""
        self.flush()
        days, hours = self.days, self.hours
        hours_per_day = covered.reshape(days, 24).sum(axis=1)

        def daily_mean(hourly: np.ndarray) -> np.ndarray:
            counts = np.where(covered, hourly[:hours], 0)
            return counts.reshape(days, 24).sum(axis=1) / hours_per_day

        def daily_sum(hourly: np.ndarray) -> np.ndarray:
            return np.where(covered, hourly[:hours], 0).reshape(days, 24).sum(axis=1)

        figures: dict[str, np.ndarray] = {}
        for kind in self.kinds:
            hourly = {name: self.hourly[f"{kind}_{name}"] for name in ("joined", "left_queue")}
            figures[f"{kind}_queue"] = daily_mean(
                np.cumsum(hourly["joined"]) - np.cumsum(hourly["left_queue"])
            )
            for name in ("wait_total", "served"):
                figures[f"{kind}_{name}"] = self.per_day[f"{kind}_{name}"].copy()
            busy = np.cumsum(self.hourly[f"{kind}_busy_runs"]) + self.hourly[f"{kind}_busy_parts"]
            figures[f"{kind}_busy"] = daily_sum(busy)
            figures[f"{kind}_staffed"] = daily_sum(np.tile(self.staffed[kind], days + 1))
        if "transfer_drivers" in self.kinds:
            moved = {name: np.cumsum(self.trailer_hourly[name]) for name in TRAILER_MOVES}
            figures["trailers_dropped"] = self.per_day["transfer_drivers_dropped"].copy()
            figures["trailers_across"] = daily_mean(moved["crossed"] - moved["returned"])
            figures["trailers_awaiting_hand_back"] = daily_mean(
                moved["returned"] - moved["handed_back"]
            )
            figures["trailers_handed_back"] = daily_sum(self.trailer_hourly["handed_back"])
        return figures


def _count(hourly: np.ndarray, times: np.ndarray, hours: int) -> None:
    """hourly[h] += how many of `times` fall in hour h (at or past the horizon: the last)."""
    index = np.minimum(times, hours).astype(np.int64)
    hourly += np.bincount(index, minlength=hours + 1)


def hub_kinds(scenario: Scenario) -> tuple[str, ...]:
    """The hub kinds some gate declares, in a fixed order (none: no hub figures)."""
    declared = {
        station.kind for gate in scenario.gates.values() for station in gate.stations.values()
    }
    return tuple(kind for kind in KIND_METRIC if kind in declared)


def staffed(scenario: Scenario, gate_id: str, kinds: tuple[str, ...]) -> dict[str, np.ndarray]:
    """For each hub kind, the gate's places of that kind staffed in each hour of the day."""
    totals = {kind: np.zeros(24) for kind in kinds}
    for station in scenario.gates[gate_id].stations.values():
        if station.kind in totals:
            totals[station.kind] += station.places_at_work()
    return totals


@dataclass
class Hub:
    """A gate's hub: its figures, and for each trailer-swap way (by number) the pool
    that takes its trailers and how they come back."""

    tally: HubTally
    returns: dict[int, tuple[HubStation, TrailerReturn]]


def hub_of(scenario: Scenario, gate_id: str, declared: dict[int, tuple[Any, ...]]) -> Hub | None:
    """The gate's hub, given its declared ways' stops (station, service); None when
    the scenario declares no hub station at all (then it reports no hub figures)."""
    kinds = hub_kinds(scenario)
    if not kinds:
        return None
    gate = scenario.gates[gate_id]
    returns: dict[int, tuple[HubStation, TrailerReturn]] = {}
    for number, way in ways(scenario).items():
        if number in declared and way.mode == "trailer_swap":
            pool = declared[number][-1][0]
            trailer_return = gate.stations[way.stops[-1]].trailer_return
            assert trailer_return is not None, "validation gives every pool its way back"
            returns[number] = (pool, trailer_return)
    stations = {
        id(stop[0]): stop[0]
        for stops in declared.values()
        for stop in stops
        if isinstance(stop[0], HubStation) and stop[0].keeps_log
    }
    tally = HubTally(
        scenario.hours, list(stations.values()), kinds, staffed(scenario, gate_id, kinds)
    )
    return Hub(tally, returns)
