"""The scenario file: what a planner writes, validated before anything runs.

Times inside a scenario are hours from 00:00 (Vietnam time) of `start`.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cuakhau.simulation.messages import Problem, refusal

Direction = Literal["export", "import"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Hours = Annotated[float, Field(ge=0)]
Share = Annotated[float, Field(ge=0, le=1)]
Factor = Annotated[float, Field(ge=0)]

SHARE_TOLERANCE = 1e-6


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_shares(shares: dict[str, float]) -> dict[str, float]:
    total = sum(shares.values())
    if abs(total - 1) > SHARE_TOLERANCE:
        raise refusal("sim_shares_not_one", total=total)
    return shares


class Source(Strict):
    id: str
    title: str
    url: str | None = None
    note: str | None = None


# --- service times -------------------------------------------------------------------


class Exponential(Strict):
    distribution: Literal["exponential"]
    mean_hours: Annotated[float, Field(gt=0)]


class Deterministic(Strict):
    distribution: Literal["deterministic"]
    mean_hours: Hours


class Lognormal(Strict):
    distribution: Literal["lognormal"]
    mean_hours: Annotated[float, Field(gt=0)]
    cv: Annotated[float, Field(gt=0)]


class Gamma(Strict):
    distribution: Literal["gamma"]
    mean_hours: Annotated[float, Field(gt=0)]
    cv: Annotated[float, Field(gt=0)]


class Uniform(Strict):
    distribution: Literal["uniform"]
    low_hours: Hours
    high_hours: Hours

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high_hours < self.low_hours:
            raise refusal("sim_uniform_order")
        return self


class Triangular(Strict):
    distribution: Literal["triangular"]
    low_hours: Hours
    mode_hours: Hours
    high_hours: Hours

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low_hours <= self.mode_hours <= self.high_hours or (
            self.low_hours == self.high_hours
        ):
            raise refusal("sim_triangular_order")
        return self


ServiceTime = Annotated[
    Exponential | Deterministic | Lognormal | Gamma | Uniform | Triangular,
    Field(discriminator="distribution"),
]


# --- gates ---------------------------------------------------------------------------


class Change(Strict):
    """A dated multiplier: a disruption, a closure (factor 0) or a season."""

    start: dt.date = Field(alias="from")
    to: dt.date | None = None
    factor: Factor
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Change:
        if self.to is not None and self.to < self.start:
            raise refusal("sim_change_ends_before_start", to=self.to, start=self.start)
        return self

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.to is None or day <= self.to)


def change_factor(changes: tuple[Change, ...] | list[Change], day: dt.date) -> float:
    return math.prod(change.factor for change in changes if change.covers(day))


class CapacityWindow(Strict):
    """A dated window with its own capacity, as the gate's calendar has it."""

    date: dt.date
    hours: str
    trucks: Factor
    note: str | None = None

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        opening_hours(value)
        return value


class CrossingCapacity(Strict):
    per_hour: Factor
    hours: str = "00:00-24:00"
    weekdays: dict[Weekday, Factor] = {}
    changes: list[Change] = []
    # On a date with windows listed, they replace per_hour × weekdays; changes still apply.
    windows: list[CapacityWindow] = []

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        opening_hours(value)
        return value


def opening_hours(text: str) -> tuple[float, float]:
    """'07:00-19:00' -> (7.0, 19.0)."""
    try:
        start, end = (_clock(part) for part in text.split("-"))
    except ValueError:
        raise refusal("sim_bad_hours") from None
    if not 0 <= start < end <= 24:
        raise refusal("sim_bad_hours")
    return start, end


def _clock(text: str) -> float:
    hours, minutes = text.strip().split(":")
    if not (hours.isdigit() and minutes.isdigit() and int(minutes) < 60):
        raise ValueError(text)
    return int(hours) + int(minutes) / 60


class Yard(Strict):
    spaces: Annotated[int, Field(ge=1)] | None = None


class Channel(Strict):
    share: Share
    service: ServiceTime


class Customs(Strict):
    servers: Annotated[int, Field(ge=1)]
    channels: dict[Literal["green", "yellow", "red"], Channel]

    @field_validator("channels")
    @classmethod
    def _shares(cls, channels: dict[str, Channel]) -> dict[str, Channel]:
        _check_shares({name: channel.share for name, channel in channels.items()})
        return channels


class Shift(Strict):
    """Crews on duty (transfer drivers, stevedore teams) in the hours of a shift;
    `hours` may run past midnight ("22:00-06:00"), in whole hours."""

    hours: str
    crews: Annotated[int, Field(ge=0)]

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        shift_hours(value)
        return value


def shift_hours(text: str) -> tuple[int, ...]:
    """'22:00-06:00' -> the hours of the day it covers, (22, 23, 0, …, 5)."""
    try:
        start, end = (_clock(part) for part in text.split("-"))
    except ValueError:
        raise refusal("sim_bad_shift_hours") from None
    if start != int(start) or end != int(end) or not 0 <= start < 24 or not 0 < end <= 24:
        raise refusal("sim_bad_shift_hours")
    if start == end:
        raise refusal("sim_bad_shift_hours")
    length = (int(end) - int(start)) % 24
    return tuple((int(start) + hour) % 24 for hour in range(length))


class TrailerReturn(Strict):
    """A swapped trailer's way back: on the other side `away` hours, brought back by a
    driver of the same pool (`back`, the driver's time), then in our yard until its
    owner's tractor takes it (`hand_back`)."""

    away: ServiceTime
    back: ServiceTime
    hand_back: ServiceTime


# What a declared station stands for. Plain stations are any first-come station;
# the others are the transshipment hub's resources, reached only as a handover.
StationKind = Literal["station", "transfer_drivers", "transload_bay", "cold_bay"]
BAY_KINDS = ("transload_bay", "cold_bay")


class Station(Strict):
    # Places that serve: officers, lanes, tractors of a transfer-driver pool, bays.
    servers: Annotated[int, Field(ge=1)]
    service: ServiceTime
    kind: StationKind = "station"
    # A place works only with a crew on duty: left out, always staffed.
    shifts: tuple[Shift, ...] = ()
    # For a transfer-driver pool: how the trailers it takes across come back.
    trailer_return: TrailerReturn | None = None

    @model_validator(mode="after")
    def _return_for_pools(self) -> Station:
        if (self.kind == "transfer_drivers") != (self.trailer_return is not None):
            raise refusal("sim_trailer_return_for_pools")
        return self

    def places_at_work(self) -> tuple[int, ...]:
        """Places at work in each hour of the day (hour 0 first)."""
        if not self.shifts:
            return (self.servers,) * 24
        crews = [0] * 24
        for shift in self.shifts:
            for hour in shift_hours(shift.hours):
                crews[hour] += shift.crews
        return tuple(min(self.servers, count) for count in crews)


BUILT_IN_STATIONS = ("customs", "quarantine")


class Gate(Strict):
    name: str
    kind: Literal["road", "rail"] = "road"
    # Export and import trucks use separate yards; a direction left out has no limit.
    yards: dict[Direction, Yard] = {}
    customs: Customs
    quarantine: Station | None = None
    crossing: dict[Direction, CrossingCapacity] | None = None
    # Driving time to other gates, for trucks that go elsewhere; one way given is
    # taken for both.
    travel_hours: dict[str, Annotated[float, Field(gt=0)]] = {}
    # Further stations a truck class's `route` may pass (transload bays, cold bays,
    # transfer drivers…), beside the built-in customs and quarantine.
    stations: dict[str, Station] = {}

    @field_validator("stations")
    @classmethod
    def _own_names(cls, stations: dict[str, Station]) -> dict[str, Station]:
        taken = sorted(set(stations) & set(BUILT_IN_STATIONS))
        if taken:
            raise refusal("sim_station_name_taken", name=", ".join(taken))
        return stations


# --- demand --------------------------------------------------------------------------


class Reroute(Strict):
    """When a truck of this class, on arrival, drives to another gate instead.

    It goes when its gate is closed its way (no crossing in the next 24 hours), or,
    with `wait_over_hours`, when the wait it can expect there is longer than that; it
    takes the gate (among those its gate lists `travel_hours` to) where the travel
    plus the wait expected is shortest, if that beats staying.
    """

    wait_over_hours: Hours | None = None


# The names the crossings' own HandoverMode gives (crossings/states.py).
HandoverMode = Literal["drive_through", "trailer_swap", "transload"]
# The station kinds where each handover happens.
HANDOVER_KINDS: dict[str, tuple[str, ...]] = {
    "trailer_swap": ("transfer_drivers",),
    "transload": BAY_KINDS,
}


class Handover(Strict):
    """A share of the goods' trucks handed over one way, at station `via` (a
    transfer-driver pool for a trailer swap, a bay for a transload), after the route."""

    share: Share
    via: str | None = None


class Commodity(Strict):
    label: str | None = None
    perishable: bool = False
    shelf_life_hours: Annotated[float, Field(gt=0)] | None = None
    quarantine: bool = False
    # Trucks that give up. `patience`: the longest a truck waits (its own customs and
    # quarantine time not counted) before it turns back. `balk_at`: a truck that finds
    # this many trucks or more of its gate and direction in the zone turns back at once.
    patience: ServiceTime | None = None
    # Dated factors on the patience of the trucks arriving then (0.5: they give up
    # twice as soon, as drivers did once the January 2022 news spread).
    patience_changes: tuple[Change, ...] = ()
    balk_at: Annotated[int, Field(ge=1)] | None = None
    reroute: Reroute | None = None
    # The stations its trucks pass in order before the crossing; left out: customs,
    # then quarantine if the goods need it.
    route: Annotated[tuple[str, ...], Field(min_length=1)] | None = None
    # Shares of its trucks by handover mode; left out: every truck drives through.
    handover: dict[HandoverMode, Handover] | None = None

    @field_validator("handover")
    @classmethod
    def _modes(cls, modes: dict[str, Handover] | None) -> dict[str, Handover] | None:
        if modes is None:
            return modes
        _check_shares({mode: handover.share for mode, handover in modes.items()})
        for mode, handover in modes.items():
            if (handover.via is None) != (mode == "drive_through"):
                raise refusal("sim_handover_via", mode=mode)
        return modes

    @model_validator(mode="after")
    def _handover_after_route(self) -> Commodity:
        for handover in (self.handover or {}).values():
            if handover.via is not None and handover.via in self.stops:
                raise refusal("sim_handover_via_in_route", name=handover.via)
        return self

    def handovers(self) -> dict[str | None, tuple[str, ...]]:
        """Each handover mode its trucks take (None: no modes declared) and the
        stations of that mode's way, the handover's own last."""
        if self.handover is None:
            return {None: self.stops}
        return {
            mode: self.stops if handover.via is None else (*self.stops, handover.via)
            for mode, handover in self.handover.items()
        }

    @model_validator(mode="after")
    def _route(self) -> Commodity:
        if self.route is None:
            return self
        if self.route.count("customs") != 1 or len(set(self.route)) != len(self.route):
            raise refusal("sim_route_customs_once")
        if ("quarantine" in self.route) != self.quarantine:
            raise refusal("sim_route_quarantine")
        return self

    @property
    def stops(self) -> tuple[str, ...]:
        """The stations its trucks pass before the crossing."""
        if self.route is not None:
            return self.route
        return ("customs", "quarantine") if self.quarantine else ("customs",)

    @model_validator(mode="after")
    def _shelf_life(self) -> Commodity:
        if self.perishable and self.shelf_life_hours is None:
            raise refusal("sim_shelf_life_missing")
        return self

    @model_validator(mode="after")
    def _patience_to_change(self) -> Commodity:
        if self.patience_changes and self.patience is None:
            raise refusal("sim_patience_changes_without_patience")
        return self


class ArrivalStream(Strict):
    commodity: str
    direction: Direction
    per_day: Factor
    gates: dict[str, Share]
    daily_profile: Annotated[list[Factor], Field(min_length=24, max_length=24)] | None = None
    monthly: dict[Annotated[int, Field(ge=1, le=12)], Factor] = {}
    changes: list[Change] = []
    note: str | None = None

    @field_validator("gates")
    @classmethod
    def _shares(cls, gates: dict[str, float]) -> dict[str, float]:
        return _check_shares(gates)

    @field_validator("daily_profile")
    @classmethod
    def _profile(cls, profile: list[float] | None) -> list[float] | None:
        if profile is not None and sum(profile) <= 0:
            raise refusal("sim_profile_all_zero")
        return profile


# --- policy and observations ---------------------------------------------------------


class Policy(Strict):
    admission: Literal["walk_in", "booked_windows", "hold_inland"] = "walk_in"
    perishable_priority: bool = False
    booking_lead_hours: Hours = 6.0
    inland_travel_hours: Hours = 1.0


# The metrics drawn in the result charts, so an observed series always has a panel.
Metric = Literal[
    "trucks_waiting", "crossed", "wait_mean_hours", "overdue_perishable", "arrived", "gave_up"
]


class ObservedPoint(Strict):
    date: dt.date
    value: Annotated[float, Field(ge=0)]
    source: str


class ObservedSeries(Strict):
    metric: Metric
    gate: str = "all"
    label: str
    points: Annotated[list[ObservedPoint], Field(min_length=1)]


class InitialTrucks(Strict):
    """Trucks already in the zone when the run starts (a snapshot of the live queue)."""

    gate: str
    direction: Direction
    commodity: str
    # yard: still to clear customs (and quarantine); cleared: waiting for a crossing slot.
    stage: Literal["yard", "cleared"]
    count: Annotated[int, Field(ge=1)]
    waited_hours: Hours = 0.0  # in the zone this long already: counts towards waits


class Initial(Strict):
    at: str = "00:00"  # time of day on `start` (Vietnam) the run starts from
    trucks: list[InitialTrucks] = []

    @field_validator("at")
    @classmethod
    def _at(cls, value: str) -> str:
        try:
            hour = _clock(value)
        except ValueError:
            raise refusal("sim_bad_time") from None
        if not 0 <= hour < 24:
            raise refusal("sim_bad_time")
        return value

    @property
    def hour(self) -> float:
        return _clock(self.at)


class BookedArrivals(Strict):
    """Trucks holding a booked window: they reach the gate within its hour."""

    gate: str
    direction: Direction
    commodity: str
    date: dt.date
    hour: Annotated[int, Field(ge=0, le=23)]
    count: Annotated[int, Field(ge=1)]


class Acceptance(Strict):
    """What the other side takes across the whole zone in one direction, per day.

    `shares` is the rule that splits it among the gates: "capacity" gives each gate
    the part its own crossing capacity that day is of the zone's; a mapping of gate
    to share (adding up to 1) gives fixed parts. A gate never gets more than its own
    capacity; what one gate's part leaves unused is not passed to another.
    """

    per_day: Factor | None = None
    # Where the other side says what it takes hour by hour: trucks in each hour of the
    # day (hour 0 first), across the zone, shared by the same rule and `changes`.
    per_hour: Annotated[list[Factor], Field(min_length=24, max_length=24)] | None = None
    changes: list[Change] = []
    shares: Literal["capacity"] | dict[str, Share] = "capacity"

    @field_validator("shares")
    @classmethod
    def _shares(cls, shares: str | dict[str, float]) -> str | dict[str, float]:
        return shares if isinstance(shares, str) else _check_shares(shares)

    @model_validator(mode="after")
    def _some_number(self) -> Acceptance:
        if self.per_day is None and self.per_hour is None:
            raise refusal("sim_acceptance_without_number")
        return self


class Way(NamedTuple):
    """A declared way through a gate: the stations a commodity's trucks pass before
    the crossing when handed over by `mode` (None: the goods declare no modes)."""

    commodity: str
    mode: str | None
    stops: tuple[str, ...]


def ways(scenario: Scenario) -> dict[int, Way]:
    """Every declared way by number from 1; number 0 is the built-in route (customs,
    then quarantine if the goods need it), which goods without their own take."""
    declared = [
        Way(name, mode, stops)
        for name, goods in sorted(scenario.commodities.items())
        for mode, stops in goods.handovers().items()
        if goods.route or stops != goods.stops
    ]
    return dict(enumerate(declared, start=1))


def way_shares(scenario: Scenario) -> dict[str, tuple[tuple[int, ...], tuple[float, ...]]]:
    """For each commodity, the numbers of the ways its trucks take and each one's share."""
    numbers = {(way.commodity, way.mode): number for number, way in ways(scenario).items()}
    shares: dict[str, tuple[tuple[int, ...], tuple[float, ...]]] = {}
    for name, goods in scenario.commodities.items():
        modes = goods.handover or {None: Handover(share=1.0)}
        shares[name] = (
            tuple(numbers.get((name, mode), 0) for mode in modes),
            tuple(handover.share for handover in modes.values()),
        )
    return shares


class Scenario(Strict):
    name: str
    description: str = ""
    start: dt.date
    days: Annotated[int, Field(ge=1, le=36600)]
    warmup_days: Annotated[int, Field(ge=0)] = 0
    sources: list[Source] = []
    assumptions: list[str] = []
    commodities: Annotated[dict[str, Commodity], Field(min_length=1)]
    gates: Annotated[dict[str, Gate], Field(min_length=1)]
    arrivals: Annotated[list[ArrivalStream], Field(min_length=1)]
    policy: Policy = Policy()
    observed: list[ObservedSeries] = []
    initial: Initial = Initial()
    bookings: list[BookedArrivals] = []
    acceptance: dict[Direction, Acceptance] = {}

    @model_validator(mode="after")
    def _warmup(self) -> Scenario:
        if self.warmup_days >= self.days:
            raise refusal("sim_warmup_too_long", warmup=self.warmup_days, days=self.days)
        return self

    @property
    def hours(self) -> int:
        return self.days * 24

    def date_of(self, day: int) -> dt.date:
        return self.start + dt.timedelta(days=day)


def reference_problems(scenario: Scenario) -> list[Problem]:
    """Names used in one part of the file that must exist in another."""
    problems: list[Problem] = []
    gate_names = ", ".join(scenario.gates)
    for index, stream in enumerate(scenario.arrivals):
        where = f"arrivals[{index}]"
        if stream.commodity not in scenario.commodities:
            known = ", ".join(scenario.commodities)
            problems.append(
                Problem(
                    f"{where}.commodity",
                    "sim_unknown_commodity",
                    {"name": stream.commodity, "known": known},
                )
            )
        for gate_id in stream.gates:
            gate = scenario.gates.get(gate_id)
            if gate is None:
                problems.append(
                    Problem(
                        f"{where}.gates.{gate_id}",
                        "sim_unknown_gate",
                        {"name": gate_id, "known": gate_names},
                    )
                )
            elif scenario.commodities.get(stream.commodity, Commodity()).quarantine and (
                gate.quarantine is None
            ):
                problems.append(
                    Problem(
                        f"gates.{gate_id}.quarantine",
                        "sim_no_quarantine",
                        {"gate": gate_id, "commodity": stream.commodity},
                    )
                )
            elif missing := _missing_stations(scenario, stream.commodity, gate):
                problems.append(
                    Problem(
                        f"gates.{gate_id}.stations",
                        "sim_unknown_station",
                        {"gate": gate_id, "name": ", ".join(missing)},
                    )
                )
            elif wrong := _handover_problems(scenario, stream.commodity, gate_id, gate):
                problems.extend(problem for problem in wrong if problem not in problems)
            elif gate.crossing is not None and stream.direction not in gate.crossing:
                problems.append(
                    Problem(
                        f"gates.{gate_id}.crossing",
                        "sim_no_capacity_for_direction",
                        {"gate": gate_id, "direction": stream.direction},
                    )
                )
    if scenario.policy.admission == "booked_windows":
        problems.extend(
            Problem("policy.admission", "sim_booking_needs_capacity", {"gate": gate_id})
            for gate_id, gate in scenario.gates.items()
            if gate.crossing is None
        )
    placed = [
        (f"initial.trucks[{index}]", trucks) for index, trucks in enumerate(scenario.initial.trucks)
    ] + [(f"bookings[{index}]", booked) for index, booked in enumerate(scenario.bookings)]
    for where, trucks in placed:
        problems.extend(_placed_problems(scenario, where, trucks))
    for index, booked in enumerate(scenario.bookings):
        if not 0 <= (booked.date - scenario.start).days < scenario.days:
            problems.append(Problem(f"bookings[{index}].date", "sim_outside_horizon"))
    for gate_id, gate in scenario.gates.items():
        for other in gate.travel_hours:
            where = f"gates.{gate_id}.travel_hours.{other}"
            if other not in scenario.gates:
                problems.append(
                    Problem(where, "sim_unknown_gate", {"name": other, "known": gate_names})
                )
            elif other == gate_id:
                problems.append(Problem(where, "sim_travel_to_itself", {"gate": gate_id}))
    for direction, acceptance in scenario.acceptance.items():
        problems.extend(_acceptance_problems(scenario, direction, acceptance))
    for index, series in enumerate(scenario.observed):
        if series.gate != "all" and series.gate not in scenario.gates:
            problems.append(
                Problem(
                    f"observed[{index}].gate",
                    "sim_unknown_gate",
                    {"name": series.gate, "known": gate_names},
                )
            )
    return problems


def _missing_stations(scenario: Scenario, commodity_id: str, gate: Gate) -> list[str]:
    """Stations the goods' route or handovers name that the gate does not have."""
    commodity = scenario.commodities.get(commodity_id, Commodity())
    named = dict.fromkeys(stop for stops in commodity.handovers().values() for stop in stops)
    return [name for name in named if name not in BUILT_IN_STATIONS and name not in gate.stations]


def _handover_problems(
    scenario: Scenario, commodity_id: str, gate_id: str, gate: Gate
) -> list[Problem]:
    """A hub station is reached only as its goods' handover, of the kind the mode
    needs (perishables to cold bays); the gate has every station named (checked first)."""
    commodity = scenario.commodities.get(commodity_id, Commodity())
    problems = [
        Problem(
            f"commodities.{commodity_id}.route",
            "sim_station_handover_only",
            {"gate": gate_id, "name": stop, "kind": gate.stations[stop].kind},
        )
        for stop in commodity.stops
        if stop in gate.stations and gate.stations[stop].kind != "station"
    ]
    for mode, handover in (commodity.handover or {}).items():
        if handover.via is None:
            continue
        kind = gate.stations[handover.via].kind
        wanted = HANDOVER_KINDS[mode]
        if mode == "transload" and commodity.perishable:
            wanted = ("cold_bay",)
        if kind not in wanted:
            problems.append(
                Problem(
                    f"commodities.{commodity_id}.handover.{mode}.via",
                    "sim_handover_wrong_kind",
                    {
                        "gate": gate_id,
                        "name": handover.via,
                        "kind": kind,
                        "wanted": " / ".join(wanted),
                    },
                )
            )
    return problems


def _acceptance_problems(
    scenario: Scenario, direction: str, acceptance: Acceptance
) -> list[Problem]:
    """A zone's acceptance needs gates with crossing capacity that way to share it."""
    gates = acceptance.shares if isinstance(acceptance.shares, dict) else {}
    problems = [
        Problem(
            f"acceptance.{direction}.shares.{gate_id}",
            "sim_unknown_gate",
            {"name": gate_id, "known": ", ".join(scenario.gates)},
        )
        for gate_id in gates
        if gate_id not in scenario.gates
    ]
    problems += [
        Problem(
            f"acceptance.{direction}.shares.{gate_id}",
            "sim_no_capacity_for_direction",
            {"gate": gate_id, "direction": direction},
        )
        for gate_id in gates
        if gate_id in scenario.gates and direction not in (scenario.gates[gate_id].crossing or {})
    ]
    if not any(direction in (gate.crossing or {}) for gate in scenario.gates.values()):
        problems.append(Problem(f"acceptance.{direction}", "sim_acceptance_without_capacity"))
    return problems


def _placed_problems(
    scenario: Scenario, where: str, trucks: InitialTrucks | BookedArrivals
) -> list[Problem]:
    """Trucks placed at a gate by the file (initial queue, bookings) must fit the gate."""
    gate = scenario.gates.get(trucks.gate)
    if gate is None:
        known = ", ".join(scenario.gates)
        return [Problem(f"{where}.gate", "sim_unknown_gate", {"name": trucks.gate, "known": known})]
    commodity = scenario.commodities.get(trucks.commodity)
    if commodity is None:
        known = ", ".join(scenario.commodities)
        return [
            Problem(
                f"{where}.commodity",
                "sim_unknown_commodity",
                {"name": trucks.commodity, "known": known},
            )
        ]
    if commodity.quarantine and gate.quarantine is None:
        return [
            Problem(
                f"{where}.commodity",
                "sim_no_quarantine",
                {"gate": trucks.gate, "commodity": trucks.commodity},
            )
        ]
    if missing := _missing_stations(scenario, trucks.commodity, gate):
        return [
            Problem(
                f"{where}.commodity",
                "sim_unknown_station",
                {"gate": trucks.gate, "name": ", ".join(missing)},
            )
        ]
    if wrong := _handover_problems(scenario, trucks.commodity, trucks.gate, gate):
        return wrong
    if gate.crossing is not None and trucks.direction not in gate.crossing:
        return [
            Problem(
                f"{where}.direction",
                "sim_no_capacity_for_direction",
                {"gate": trucks.gate, "direction": trucks.direction},
            )
        ]
    return []
