from datetime import datetime, time
from decimal import Decimal
from typing import Annotated, Any, Self

from pydantic import AfterValidator, Field, model_validator

from cuakhau.core.identifiers import Identifier
from cuakhau.core.schemas import (
    Code,
    CountryCode,
    Id,
    InputSchema,
    ListQuery,
    Moment,
    MultiLine,
    Name,
    OutputSchema,
    ReasonText,
    TimeOfDay,
)
from cuakhau.models.enums import (
    CrossingState,
    CustomsChannel,
    Direction,
    HandoverMode,
    LaneKind,
    PriorityMatch,
    Regime,
)
from cuakhau.vehicles.schemas import PlateText

HsCode = Annotated[str, Identifier, Field(pattern=r"^[0-9]{4,10}$")]


CENT = Decimal("0.01")


CargoDescription = Annotated[str, Field(min_length=1, max_length=300), MultiLine()]
Packages = Annotated[int, Field(ge=0, le=1_000_000)]
WeightKg = Annotated[int, Field(gt=0, le=100_000)]
# In cents, as stored: "12000" is 12000.00 from the start, in the booking's
# answer and its audit entry alike, not only once read back.
ValueUsd = Annotated[
    Decimal,
    Field(ge=0, le=100_000_000, decimal_places=2),
    AfterValidator(lambda value: value.quantize(CENT)),
]


class CargoLineIn(InputSchema):
    hs_code: HsCode
    description: CargoDescription
    packages: Packages
    weight_kg: WeightKg
    value_usd: ValueUsd
    perishable: bool = False
    # Left out: the goods are Vietnam's going out, or the neighbour's coming in
    # (``with_countries``).
    origin_country: CountryCode | None = None
    destination_country: CountryCode | None = None


# The countries a line that names none is taken to go between.
HOME_COUNTRY = "VN"
NEIGHBOUR_COUNTRY = "CN"


def with_countries(cargo: list[CargoLineIn], direction: Direction) -> list[CargoLineIn]:
    """Each line with its origin and destination, the direction's when it gives none."""
    origin, destination = (
        (HOME_COUNTRY, NEIGHBOUR_COUNTRY)
        if direction is Direction.export
        else (NEIGHBOUR_COUNTRY, HOME_COUNTRY)
    )
    return [
        line.model_copy(
            update={
                "origin_country": line.origin_country or origin,
                "destination_country": line.destination_country or destination,
            }
        )
        for line in cargo
    ]


class CargoLineMend(InputSchema):
    """A cargo line's figures mended after the fact (a customs correction); what
    is left out stays. The statistics of the day it crossed change with it."""

    hs_code: HsCode | None = None
    description: CargoDescription | None = None
    packages: Packages | None = None
    weight_kg: WeightKg | None = None
    value_usd: ValueUsd | None = None
    perishable: bool | None = None
    origin_country: CountryCode | None = None
    destination_country: CountryCode | None = None

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.model_fields_set or any(
            getattr(self, name) is None for name in self.model_fields_set
        ):
            raise ValueError("name at least one field to mend, none of them null")
        return self


class CargoLineRead(OutputSchema):
    hs_code: str
    description: str
    packages: int
    weight_kg: int
    value_usd: Decimal
    perishable: bool
    origin_country: str
    destination_country: str


class BookingRequest(InputSchema):
    enterprise_id: Id | None = None
    vehicle_id: Id
    driver_id: Id | None = None
    gate_id: Id
    direction: Direction
    regime: Regime
    handover_mode: HandoverMode = HandoverMode.drive_through
    # The lane asked for; without one, the lane of the window chosen.
    lane: LaneKind | None = None
    cargo: Annotated[list[CargoLineIn], Field(max_length=50, default_factory=list)]
    # A chosen window; without one, the earliest free window after ``not_before``.
    window_id: Id | None = None
    not_before: Moment | None = None

    @model_validator(mode="after")
    def _countries(self) -> Self:
        self.cargo = with_countries(self.cargo, self.direction)
        return self


class WalkInRequest(InputSchema):
    plate: PlateText
    driver_id: Id | None = None
    gate_id: Id
    direction: Direction
    regime: Regime
    handover_mode: HandoverMode = HandoverMode.drive_through
    lane: LaneKind | None = None
    cargo: Annotated[list[CargoLineIn], Field(max_length=50, default_factory=list)]
    yard_id: Id | None = None

    @model_validator(mode="after")
    def _countries(self) -> Self:
        self.cargo = with_countries(self.cargo, self.direction)
        return self


class MoveRead(OutputSchema):
    from_state: CrossingState | None
    to_state: CrossingState
    at: datetime
    actor_label: str
    # Where it happened, when in a yard (the gate is the crossing's).
    yard_id: int | None = None
    # A person's words, or the system's reason in English; the system's reason
    # also as its code and values, for programs (``crossings.reasons``).
    reason: str | None
    reason_code: str | None = None
    reason_params: dict[str, Any] | None = None


class CrossingRead(OutputSchema):
    id: int
    enterprise_id: int
    vehicle_id: int
    plate: str
    trailer_plate: str | None
    driver_id: int | None
    gate_id: int
    direction: Direction
    regime: Regime
    handover_mode: HandoverMode = HandoverMode.drive_through
    outbound_plate: str | None = None
    priority_class_id: int
    state: CrossingState
    window_id: int | None
    lane: LaneKind = LaneKind.ordinary
    queued_at: datetime
    is_walk_in: bool
    yard_id: int | None
    declaration_no: str | None
    channel: CustomsChannel | None
    needs_quarantine: bool
    hold_reason: str | None
    hold_grounds: list[str] | None = None
    arrived_at: datetime | None
    called_at: datetime | None
    crossed_at: datetime | None
    returned_at: datetime | None
    cargo: list[CargoLineRead]


class CrossingFilters(ListQuery):
    state: CrossingState | None = None
    gate_id: Id | None = None
    direction: Direction | None = None
    plate: Annotated[str | None, Field(max_length=32)] = None
    enterprise_id: Id | None = None


class ManualMove(InputSchema):
    to_state: CrossingState
    reason: ReasonText


class Position(OutputSchema):
    crossing_id: int
    plate: str
    state: CrossingState
    position: int | None
    window_starts_at: datetime | None
    estimated_crossing_at: datetime | None


class ReplanMove(OutputSchema):
    crossing_id: int
    plate: str
    priority_class: str
    from_window_id: int | None
    from_starts_at: datetime | None
    to_window_id: int | None
    to_starts_at: datetime | None
    # Why it moves (a cut, a rise), as a window change records it.
    reason: str
    reason_code: str | None = None
    reason_params: dict[str, Any] | None = None


class WindowChangeRead(OutputSchema):
    """A truck moved to another window (a re-plan, lateness, a walk-in); None:
    no window, waiting for one."""

    at: datetime
    from_window_starts_at: datetime | None
    to_window_starts_at: datetime | None
    reason: str
    reason_code: str | None = None
    reason_params: dict[str, Any] | None = None


class CrossingDetail(CrossingRead):
    window_starts_at: datetime | None = None
    window_ends_at: datetime | None = None
    moves: list[MoveRead] = Field(default_factory=list)
    window_changes: list[WindowChangeRead] = Field(default_factory=list)


class QueueEntryRead(OutputSchema):
    position: int
    crossing_id: int
    plate: str
    enterprise_id: int
    state: CrossingState
    priority_class_id: int
    window_id: int | None
    window_starts_at: datetime | None
    estimated_crossing_at: datetime | None
    is_walk_in: bool


class QueueQuery(InputSchema):
    gate_id: Id
    direction: Direction


class EstimateAccuracyRead(OutputSchema):
    gate_id: int
    estimates: int
    mean_error_minutes: float | None
    mean_absolute_error_minutes: float | None
    p90_absolute_error_minutes: float | None


Minutes = Annotated[int, Field(ge=0, le=7 * 24 * 60)]
Share = Annotated[Decimal, Field(gt=0, le=1, decimal_places=3)]
Trucks = Annotated[int, Field(ge=1, le=1_000_000)]


class PolicyRead(OutputSchema):
    cancel_cutoff_minutes: int
    late_grace_minutes: int
    no_show_after_minutes: int
    no_show_rate_threshold: Decimal
    no_show_min_bookings: int
    no_show_period_days: int
    peak_share_cap: Decimal
    peak_starts_at: time
    peak_ends_at: time
    max_open_bookings_per_vehicle: int
    booking_horizon_days: int
    warning_yellow: int
    warning_orange: int
    warning_red: int


class PolicyUpdate(InputSchema):
    cancel_cutoff_minutes: Minutes | None = None
    late_grace_minutes: Minutes | None = None
    no_show_after_minutes: Minutes | None = None
    no_show_rate_threshold: Share | None = None
    no_show_min_bookings: Annotated[int | None, Field(ge=1, le=10_000)] = None
    no_show_period_days: Annotated[int | None, Field(ge=1, le=365)] = None
    peak_share_cap: Share | None = None
    peak_starts_at: TimeOfDay | None = None
    peak_ends_at: TimeOfDay | None = None
    max_open_bookings_per_vehicle: Annotated[int | None, Field(ge=1, le=100)] = None
    booking_horizon_days: Annotated[int | None, Field(ge=1, le=60)] = None
    warning_yellow: Trucks | None = None
    warning_orange: Trucks | None = None
    warning_red: Trucks | None = None


class PriorityClassIn(InputSchema):
    code: Code
    name_vi: Name
    name_en: Name
    rank: Annotated[int, Field(ge=1, le=100)]
    match: PriorityMatch
    window_share: Share | None = None


class PriorityClassUpdate(InputSchema):
    name_vi: Name | None = None
    name_en: Name | None = None
    rank: Annotated[int | None, Field(ge=1, le=100)] = None
    window_share: Share | None = None


class PriorityClassRead(OutputSchema):
    id: int
    code: str
    name_vi: str
    name_en: str
    rank: int
    match: PriorityMatch
    window_share: Decimal | None
