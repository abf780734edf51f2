"""What clients send and receive about transshipment yards and transloads."""

from datetime import datetime, time
from typing import Annotated

from pydantic import Field

from cuakhau.core.schemas import (
    Code,
    Count,
    Id,
    InputSchema,
    ListQuery,
    Moment,
    Name,
    OutputSchema,
    TimeOfDay,
)
from cuakhau.models.enums import BayKind, RateUnit, TransloadState
from cuakhau.vehicles.schemas import PlateText

BayCapacity = Annotated[int, Field(ge=1, le=50)]
Rate = Annotated[int, Field(ge=1, le=10_000)]
Teams = Annotated[int, Field(ge=0, le=1_000)]
Kg = Annotated[int, Field(ge=1, le=200_000)]
Containers = Annotated[int, Field(ge=1, le=20)]
Reason = Annotated[str, Field(min_length=1, max_length=300)]
# A plate of either side; the other side's vehicle is not in our registry.
AnyPlate = Annotated[str, Field(min_length=2, max_length=32)]


class YardSetup(InputSchema):
    is_transshipment: bool


class BayCreate(InputSchema):
    code: Code
    kind: BayKind
    capacity: BayCapacity = 1
    rate: Rate
    rate_unit: RateUnit


class BayUpdate(InputSchema):
    kind: BayKind | None = None
    capacity: BayCapacity | None = None
    rate: Rate | None = None
    rate_unit: RateUnit | None = None
    is_active: bool | None = None


class BayRead(OutputSchema):
    id: int
    yard_id: int
    code: str
    kind: BayKind
    capacity: int
    rate: int
    rate_unit: RateUnit
    is_active: bool


class ShiftIn(InputSchema):
    starts_at: TimeOfDay
    ends_at: TimeOfDay
    teams: Teams


class Shifts(InputSchema):
    """A yard's whole shift pattern; it replaces the one before."""

    shifts: Annotated[list[ShiftIn], Field(max_length=24)]


class ShiftRead(OutputSchema):
    starts_at: time
    ends_at: time
    teams: int


class TransloadBooking(InputSchema):
    bay_id: Id
    # On the hour; the slot lasts as many hours as the bay's rate needs.
    starts_at: Moment
    # For whom; an enterprise books for itself.
    enterprise_id: Id | None = None
    crossing_id: Id | None = None
    inbound_plate: PlateText
    outbound_plate: AnyPlate | None = None
    cargo: Name
    perishable: bool = False
    weight_kg: Kg
    containers: Containers | None = None


class Unloaded(InputSchema):
    packages: Count
    weight_kg: Count


class LoadedOut(Unloaded):
    outbound_plate: AnyPlate | None = None


class WithReason(InputSchema):
    reason: Reason


class TransloadFilters(ListQuery):
    state: TransloadState | None = None
    held: bool | None = None


class Gap(OutputSchema):
    """A time the perishable cargo spent out of a cold bay."""

    starts_at: datetime
    ends_at: datetime
    minutes: int


class TransloadRead(OutputSchema):
    id: int
    yard_id: int
    bay_id: int
    crossing_id: int | None
    enterprise_id: int
    inbound_plate: str
    outbound_plate: str | None
    cargo: str
    perishable: bool
    weight_kg: int
    containers: int | None
    state: TransloadState
    starts_at: datetime
    ends_at: datetime
    arrived_at: datetime | None
    started_at: datetime | None
    unloaded_at: datetime | None
    finished_at: datetime | None
    packages_in: int | None
    weight_in_kg: int | None
    packages_out: int | None
    weight_out_kg: int | None
    held: bool
    held_at: datetime | None
    hold_released_at: datetime | None
    hours_in_zone: float | None
    cold_chain_gaps: list[Gap]


class BayNow(OutputSchema):
    """A bay on the yard operator's board: what is at it now, and what is next."""

    bay: BayRead
    now: list[TransloadRead]
    next: list[TransloadRead]


class Board(OutputSchema):
    yard_id: int
    at: datetime
    bays: list[BayNow]
    held: list[TransloadRead]
