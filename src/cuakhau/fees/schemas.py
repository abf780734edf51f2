from datetime import date, datetime
from typing import Annotated, Self

from pydantic import Field, model_validator

from cuakhau.core.schemas import (
    Code,
    Day,
    Id,
    InputSchema,
    ListQuery,
    MultiLine,
    OutputSchema,
    ReasonText,
)
from cuakhau.models.enums import FeeKind, Regime, VehicleClass

Vnd = Annotated[int, Field(ge=0, le=10**12)]
Kg = Annotated[int, Field(ge=0, le=200_000)]
Hours = Annotated[int, Field(ge=1, le=24 * 31)]
# Fees counted in units of ``per_hours``: a truck's dwell, cargo kept in a yard.
PER_HOURS_KINDS = frozenset({FeeKind.yard, FeeKind.storage})
Description = Annotated[str, Field(min_length=1, max_length=300), MultiLine()]


class TariffFields(InputSchema):
    description: Description
    vehicle_class: VehicleClass | None = None
    regime: Regime | None = None
    min_payload_kg: Kg | None = None
    max_payload_kg: Kg | None = None
    amount_vnd: Vnd
    per_hours: Hours | None = None
    effective_from: Day
    effective_to: Day | None = None
    is_illustrative: bool = False


class TariffCreate(TariffFields):
    code: Code
    kind: FeeKind

    @model_validator(mode="after")
    def _per_hours_for_yards(self) -> Self:
        # Yard and storage fees are counted in units of time; the others are not.
        if (self.kind in PER_HOURS_KINDS) != (self.per_hours is not None):
            raise ValueError("per_hours is required for yard and storage fees and only for them")
        return self


class TariffUpdate(InputSchema):
    description: Description | None = None
    amount_vnd: Vnd | None = None
    per_hours: Hours | None = None
    min_payload_kg: Kg | None = None
    max_payload_kg: Kg | None = None
    effective_from: Day | None = None
    effective_to: Day | None = None
    is_illustrative: bool | None = None


class TariffFilters(ListQuery):
    kind: FeeKind | None = None
    code: str | None = None
    # The lines in force on this day.
    on: Day | None = None


class TariffRead(OutputSchema):
    id: int
    code: str
    kind: FeeKind
    description: str
    vehicle_class: VehicleClass | None
    regime: Regime | None
    min_payload_kg: int | None
    max_payload_kg: int | None
    amount_vnd: int
    per_hours: int | None
    effective_from: date
    effective_to: date | None
    is_illustrative: bool


class FeeRead(OutputSchema):
    tariff_id: int
    kind: FeeKind
    quantity: int
    amount_vnd: int


class ReceiptRead(OutputSchema):
    id: int
    number: str
    # A crossing's, or a transload's that has no crossing of ours.
    crossing_id: int | None
    transload_id: int | None = None
    enterprise_id: int
    total_vnd: int
    issued_at: datetime
    vehicle_class: VehicleClass
    voided_at: datetime | None = None
    void_reason: str | None = None
    fees: list[FeeRead]


class ReceiptVoid(InputSchema):
    reason: ReasonText


class PeriodQuery(InputSchema):
    """Local (Asia/Ho_Chi_Minh) days of issue, both inclusive."""

    from_: Day | None = Field(None, alias="from")
    to: Day | None = None
    enterprise_id: Id | None = None


class ReceiptFilters(ListQuery, PeriodQuery):
    crossing_id: Id | None = None
    transload_id: Id | None = None


class EnterpriseTotal(OutputSchema):
    enterprise_id: int
    receipts: int
    infrastructure_vnd: int
    yard_vnd: int
    total_vnd: int


class FeeTotals(OutputSchema):
    from_: date | None = Field(serialization_alias="from")
    to: date | None
    enterprises: list[EnterpriseTotal]
    total_vnd: int
