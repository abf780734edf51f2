"""Trucks arriving at one gate, one day at a time.

Each stream's rate is constant within an hour (daily profile × month × dated
changes), so a non-homogeneous Poisson stream is drawn exactly: a Poisson count per
hour, then uniform times inside the hour. Drawing a day at a time keeps memory to
a day's trucks however long the horizon.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from itertools import starmap
from typing import NamedTuple

import numpy as np

from cuakhau.simulation.distributions import draw
from cuakhau.simulation.scenario import (
    ArrivalStream,
    BookedArrivals,
    Commodity,
    Customs,
    Scenario,
    Station,
    change_factor,
    way_shares,
)

DIRECTIONS = ("export", "import")
FLAT_DAY = (1.0,) * 24
BATCH_TRUCKS = 4096
MAX_BATCH_DAYS = 28


class Truck(NamedTuple):
    arrival: float
    customs_hours: float
    quarantine_hours: float
    direction: int
    shelf_deadline: float
    perishable: bool
    patience: float  # hours it will wait before giving up; inf: never
    balk_at: float  # turns back on arrival if this many are in the zone; inf: never
    bears: float  # goes to another gate if the wait expected here is longer; inf: never
    route: int  # its way's number: 0 customs (and quarantine), else a declared way
    ident: int  # unique within its gate and replication
    booked_slot: int = 0
    served_hours: float = 0.0  # service at stations of its own route beyond the built-in


@dataclass(frozen=True)
class ArrivalBatch:
    """A few days' trucks at one gate, as columns, in order of arrival."""

    arrival: np.ndarray
    customs_hours: np.ndarray
    quarantine_hours: np.ndarray
    direction: np.ndarray
    shelf_deadline: np.ndarray
    perishable: np.ndarray
    patience: np.ndarray
    balk_at: np.ndarray
    bears: np.ndarray
    route: np.ndarray
    ident: np.ndarray

    def where(self, chosen: np.ndarray) -> ArrivalBatch:
        """The trucks picked by a boolean mask."""
        return ArrivalBatch(*(getattr(self, name)[chosen] for name in self.__dataclass_fields__))

    def trucks(self) -> list[Truck]:
        columns = (getattr(self, name).tolist() for name in self.__dataclass_fields__)
        return list(starmap(Truck, zip(*columns, strict=True)))


@dataclass(frozen=True)
class GateStream:
    """One arrival stream as seen by one gate."""

    stream: ArrivalStream
    commodity: Commodity
    share: float
    hourly_shape: tuple[float, ...]

    @classmethod
    def of(cls, stream: ArrivalStream, scenario: Scenario, gate_id: str) -> GateStream:
        profile = stream.daily_profile or FLAT_DAY
        total = sum(profile)
        return cls(
            stream=stream,
            commodity=scenario.commodities[stream.commodity],
            share=stream.gates[gate_id],
            hourly_shape=tuple(weight / total for weight in profile),
        )

    def per_day(self, scenario: Scenario, day: int) -> float:
        date = scenario.date_of(day)
        per_day = self.stream.per_day * self.share * self.stream.monthly.get(date.month, 1.0)
        return per_day * change_factor(self.stream.changes, date)

    def hourly_rates(self, scenario: Scenario, days: range) -> np.ndarray:
        daily = np.array([self.per_day(scenario, day) for day in days])
        return np.outer(daily, self.hourly_shape).ravel()


def _bears(commodity: Commodity) -> float:
    """The longest wait a truck of `commodity` expects to bear before going elsewhere:
    inf if it never does; the largest float if only a closed gate sends it."""
    if commodity.reroute is None:
        return math.inf
    limit = commodity.reroute.wait_over_hours
    return sys.float_info.max if limit is None else limit


class GateArrivals:
    def __init__(self, scenario: Scenario, gate_id: str) -> None:
        gate = scenario.gates[gate_id]
        self.scenario = scenario
        self.customs: Customs = gate.customs
        self.quarantine: Station | None = gate.quarantine
        self.streams = [
            GateStream.of(stream, scenario, gate_id)
            for stream in scenario.arrivals
            if stream.gates.get(gate_id, 0) > 0
        ]
        self.trucks_drawn = 0
        self.ways_of = way_shares(scenario)
        self.start_hour = scenario.initial.hour  # nothing arrives before the run starts
        self.bookings = [booked for booked in scenario.bookings if booked.gate == gate_id]
        self.initial_trucks = [
            trucks for trucks in scenario.initial.trucks if trucks.gate == gate_id
        ]
        # Whether any truck here may give up; if not the engine skips that bookkeeping.
        commodities = [stream.commodity for stream in self.streams] + [
            scenario.commodities[placed.commodity]
            for placed in (*self.bookings, *self.initial_trucks)
        ]
        self.may_give_up = any(
            commodity.patience is not None or commodity.balk_at is not None
            for commodity in commodities
        )
        expected = sum(stream.per_day(scenario, 0) for stream in self.streams)
        # Batches of a few thousand trucks keep numpy's per-call cost small per truck.
        self.batch_days = max(1, min(MAX_BATCH_DAYS, math.ceil(BATCH_TRUCKS / max(expected, 1))))

    def batch(self, days: range, rng: np.random.Generator) -> ArrivalBatch:
        """The trucks arriving on `days`."""
        parts = [self._stream_batch(stream, days, rng) for stream in self.streams]
        parts += [
            self._booked_batch(booked, rng)
            for booked in self.bookings
            if (booked.date - self.scenario.start).days in days
        ]
        if not parts:
            return ArrivalBatch(*(np.empty(0) for _ in ArrivalBatch.__dataclass_fields__))
        columns = [np.concatenate(column) for column in zip(*parts, strict=True)]
        if days.start == 0 and self.start_hour > 0:
            started = columns[0] >= self.start_hour
            columns = [column[started] for column in columns]
        order = np.argsort(columns[0], kind="stable")
        count = len(order)
        ident = np.arange(self.trucks_drawn, self.trucks_drawn + count)
        self.trucks_drawn += count
        return ArrivalBatch(*(column[order] for column in columns), ident)

    def _stream_batch(
        self, stream: GateStream, days: range, rng: np.random.Generator
    ) -> tuple[np.ndarray, ...]:
        counts = rng.poisson(stream.hourly_rates(self.scenario, days))
        count = int(counts.sum())
        hours = np.arange(days.start * 24, days.stop * 24, dtype=float)
        arrival = np.repeat(hours, counts) + rng.random(count)
        return self._columns(stream.stream.commodity, stream.stream.direction, arrival, rng)

    def _booked_batch(
        self, booked: BookedArrivals, rng: np.random.Generator
    ) -> tuple[np.ndarray, ...]:
        hour = (booked.date - self.scenario.start).days * 24 + booked.hour
        arrival = hour + rng.random(booked.count)
        return self._columns(booked.commodity, booked.direction, arrival, rng, may_reroute=False)

    def initial(self, rng: np.random.Generator) -> list[tuple[Truck, bool]]:
        """The trucks in the zone when the run starts, longest waiting first, each with
        whether it has cleared customs and quarantine already."""
        parts: list[tuple[np.ndarray, ...]] = []
        cleared: list[np.ndarray] = []
        for trucks in self.initial_trucks:
            arrival = np.full(trucks.count, self.start_hour - trucks.waited_hours)
            columns = self._columns(trucks.commodity, trucks.direction, arrival, rng)
            if trucks.stage == "cleared":  # its customs and quarantine are behind it
                columns = (arrival, np.zeros(trucks.count), np.zeros(trucks.count), *columns[3:])
            parts.append(columns)
            cleared.append(np.full(trucks.count, trucks.stage == "cleared"))
        if not parts:
            return []
        columns = [np.concatenate(column) for column in zip(*parts, strict=True)]
        order = np.argsort(columns[0], kind="stable")
        ident = np.arange(self.trucks_drawn, self.trucks_drawn + len(order))
        self.trucks_drawn += len(order)
        batch = ArrivalBatch(*(column[order] for column in columns), ident)
        return list(zip(batch.trucks(), np.concatenate(cleared)[order].tolist(), strict=True))

    def _columns(
        self,
        commodity_id: str,
        direction: str,
        arrival: np.ndarray,
        rng: np.random.Generator,
        may_reroute: bool = True,
    ) -> tuple[np.ndarray, ...]:
        """Every column of a batch but `ident`: trucks of one commodity arriving at `arrival`."""
        commodity = self.scenario.commodities[commodity_id]
        count = len(arrival)
        customs = self._customs_hours(rng, count)
        if commodity.quarantine and self.quarantine is not None:
            quarantine = draw(self.quarantine.service, rng, count)
        else:
            quarantine = np.zeros(count)
        shelf_life = commodity.shelf_life_hours if commodity.perishable else None
        deadline = arrival + (shelf_life if shelf_life is not None else math.inf)
        # Drawn last, so a scenario without patience keeps every other number.
        if commodity.patience is not None:
            patience = draw(commodity.patience, rng, count)
            if commodity.patience_changes:
                patience *= self._patience_factors(commodity, arrival)
        else:
            patience = np.full(count, math.inf)
        balk_at = np.full(count, math.inf if commodity.balk_at is None else commodity.balk_at)
        bears = np.full(count, _bears(commodity) if may_reroute else math.inf)
        numbers, shares = self.ways_of[commodity_id]
        if len(numbers) == 1:
            way = np.full(count, numbers[0])
        else:  # its handover mode, drawn after all else so the rest keep their numbers
            way = rng.choice(np.asarray(numbers), size=count, p=shares)
        return (
            arrival,
            customs,
            quarantine,
            np.full(count, DIRECTIONS.index(direction)),
            deadline,
            np.full(count, commodity.perishable),
            patience,
            balk_at,
            bears,
            way,
        )

    def _patience_factors(self, commodity: Commodity, arrival: np.ndarray) -> np.ndarray:
        """Each truck's patience factor, from the date it arrived."""
        days, each = np.unique(np.floor_divide(arrival, 24).astype(np.int64), return_inverse=True)
        dates = (self.scenario.date_of(day) for day in days.tolist())
        factors = np.array([change_factor(commodity.patience_changes, date) for date in dates])
        return factors[each]

    def _customs_hours(self, rng: np.random.Generator, count: int) -> np.ndarray:
        channels = list(self.customs.channels.values())
        picked = rng.choice(len(channels), size=count, p=[channel.share for channel in channels])
        hours = np.empty(count)
        for index, channel in enumerate(channels):
            chosen = picked == index
            hours[chosen] = draw(channel.service, rng, int(chosen.sum()))
        return hours
