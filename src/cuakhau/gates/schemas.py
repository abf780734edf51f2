from datetime import time
from decimal import Decimal
from typing import Annotated, Self

import holidays
from pydantic import BeforeValidator, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from cuakhau.core.schemas import Code, InputSchema, ListQuery, Name, OutputSchema, TimeOfDay
from cuakhau.models.enums import GateKind, GateMode

Latitude = Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)]
Longitude = Annotated[Decimal, Field(ge=-180, le=180, max_digits=9, decimal_places=6)]
Place = Annotated[str, Field(min_length=1, max_length=100)]


def _calendars(value: object) -> str:
    """Stored as "CN,VN"; each code must be a country the ``holidays`` package knows.
    Accepts a list (the API) or a comma-separated string."""
    codes = value.split(",") if isinstance(value, str) else value
    if not isinstance(codes, list | tuple):
        raise PydanticCustomError("list_type", "Must be a list")
    known = holidays.list_supported_countries()
    cleaned = sorted({str(code).strip().upper() for code in codes if str(code).strip()})
    for code in cleaned:
        if code not in known:
            raise PydanticCustomError(
                "country_invalid", "Country code '{country}' is not valid", {"country": code}
            )
    return ",".join(cleaned)


HolidayCalendars = Annotated[str, BeforeValidator(_calendars)]


class GateFields(InputSchema):
    name_vi: Name
    name_en: Name
    kind: GateKind
    mode: GateMode
    counterpart_name: Name | None = None
    counterpart_name_zh: Name | None = None
    province: Place
    district: Place
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    opens_at: TimeOfDay
    closes_at: TimeOfDay
    handles_export: bool = True
    handles_import: bool = True
    holiday_calendars: HolidayCalendars = "CN,VN"
    offers_drive_through: bool = True
    offers_trailer_swap: bool = False
    offers_transload: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        check_gate_rules(self.opens_at, self.closes_at, self.handles_export, self.handles_import)
        return self


def check_gate_rules(opens_at: time, closes_at: time, export: bool, import_: bool) -> None:
    if opens_at >= closes_at:
        raise PydanticCustomError("hours_order", "Opening time must be before closing time")
    if not (export or import_):
        raise PydanticCustomError("no_direction", "A gate must handle at least one direction")


class GateCreate(GateFields):
    code: Code


class GateUpdate(InputSchema):
    name_vi: Name | None = None
    name_en: Name | None = None
    kind: GateKind | None = None
    mode: GateMode | None = None
    counterpart_name: Name | None = None
    counterpart_name_zh: Name | None = None
    province: Place | None = None
    district: Place | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    opens_at: TimeOfDay | None = None
    closes_at: TimeOfDay | None = None
    handles_export: bool | None = None
    handles_import: bool | None = None
    holiday_calendars: HolidayCalendars | None = None
    offers_drive_through: bool | None = None
    offers_trailer_swap: bool | None = None
    offers_transload: bool | None = None


class GateFilters(ListQuery):
    kind: GateKind | None = None
    mode: GateMode | None = None
    active: bool | None = None
    q: Annotated[str | None, Field(max_length=100)] = None


class GateRead(OutputSchema):
    id: int
    code: str
    name_vi: str
    name_en: str
    kind: GateKind
    mode: GateMode
    counterpart_name: str | None
    counterpart_name_zh: str | None
    province: str
    district: str
    latitude: Decimal | None
    longitude: Decimal | None
    opens_at: time
    closes_at: time
    handles_export: bool
    handles_import: bool
    holiday_calendars: list[str]
    offers_drive_through: bool
    offers_trailer_swap: bool
    offers_transload: bool
    is_active: bool

    @field_validator("holiday_calendars", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        return value.split(",") if isinstance(value, str) and value else value or []
