from typing import Annotated

from pydantic import Field, field_validator

from cuakhau.core.schemas import Code, Id, InputSchema, ListQuery, Name, OutputSchema
from cuakhau.models.enums import VehicleClass

SpaceCount = Annotated[int, Field(ge=0, le=100_000)]
Spaces = Annotated[dict[VehicleClass, SpaceCount], Field(min_length=1)]


class YardBase(InputSchema):
    code: Code
    name_vi: Name
    name_en: Name | None = None
    spaces: Spaces
    cold_spaces: SpaceCount = 0
    is_illustrative: bool = False
    offers_drive_through: bool = True
    offers_trailer_swap: bool = False
    offers_transload: bool = False


class YardCreate(YardBase):
    gate_id: Id
    operator_id: Id


class YardUpdate(InputSchema):
    name_vi: Name | None = None
    name_en: Name | None = None
    operator_id: Id | None = None
    spaces: Spaces | None = None
    cold_spaces: SpaceCount | None = None
    offers_drive_through: bool | None = None
    offers_trailer_swap: bool | None = None
    offers_transload: bool | None = None


class YardFilters(ListQuery):
    gate_id: Id | None = None
    operator_id: Id | None = None
    active: bool | None = None


class YardRead(OutputSchema):
    id: int
    code: str
    name_vi: str
    name_en: str | None
    gate_id: int
    operator_id: int
    spaces: dict[VehicleClass, int]
    cold_spaces: int
    is_illustrative: bool
    offers_drive_through: bool
    offers_trailer_swap: bool
    offers_transload: bool
    is_active: bool

    @field_validator("spaces", mode="before")
    @classmethod
    def _as_mapping(cls, spaces: object) -> object:
        if isinstance(spaces, list):
            return {space.vehicle_class: space.spaces for space in spaces}
        return spaces
