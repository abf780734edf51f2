from typing import Annotated, Self

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from cuakhau.core.schemas import Id, InputSchema, ListQuery, OutputSchema
from cuakhau.models.enums import VehicleKind
from cuakhau.vehicles.plate import PlateError, normalise_plate, parse_plate


def _plate(value: str) -> str:
    try:
        return normalise_plate(value)
    except PlateError:
        raise PydanticCustomError(
            "plate_invalid", "Plate '{plate}' is not valid", {"plate": value}
        ) from None


# A plate as a person or a camera wrote it, read into its canonical form.
PlateText = Annotated[str, Field(max_length=32), AfterValidator(_plate)]

Axles = Annotated[int, Field(ge=2, le=10)]
PayloadKg = Annotated[int, Field(gt=0, le=100_000)]


class VehicleBase(InputSchema):
    plate: PlateText
    kind: VehicleKind
    axles: Axles
    payload_kg: PayloadKg
    trailer_plate: PlateText | None = None
    # Driven by no one aboard: may take a gate's unmanned windows.
    is_unmanned: bool = False

    @model_validator(mode="after")
    def _trailer_differs(self) -> Self:
        if self.trailer_plate is not None and self.trailer_plate == self.plate:
            raise PydanticCustomError(
                "trailer_same_as_plate",
                "Trailer plate equals the plate",
                {"field": "trailer_plate"},
            )
        return self


class VehicleCreate(VehicleBase):
    enterprise_id: Id | None = None


class VehicleUpdate(InputSchema):
    kind: VehicleKind | None = None
    axles: Axles | None = None
    payload_kg: PayloadKg | None = None
    trailer_plate: PlateText | None = None
    is_unmanned: bool | None = None


class VehicleFilters(ListQuery):
    enterprise_id: Id | None = None
    kind: VehicleKind | None = None
    active: bool | None = None
    plate: Annotated[str | None, Field(max_length=32)] = None


class VehicleRead(OutputSchema):
    id: int
    enterprise_id: int
    plate: str
    plate_country: str
    kind: VehicleKind
    axles: int
    payload_kg: int
    trailer_plate: str | None
    is_unmanned: bool = False
    is_active: bool


def plate_country(plate: str) -> str:
    return parse_plate(plate).country
