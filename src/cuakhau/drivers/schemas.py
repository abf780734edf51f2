from typing import Annotated, Self

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from cuakhau.core.schemas import CountryCode, Id, InputSchema, ListQuery, Name, OutputSchema
from cuakhau.drivers.identity import normalise_id_number, normalise_phone


def _phone(value: str) -> str:
    try:
        return normalise_phone(value)
    except ValueError:
        raise PydanticCustomError(
            "phone_invalid", "Phone number '{phone}' is not valid", {"phone": value}
        ) from None


PhoneNumber = Annotated[str, Field(max_length=32), AfterValidator(_phone)]
IdNumber = Annotated[str, Field(min_length=5, max_length=20)]


def checked_id_number(id_number: str, nationality: str) -> str:
    try:
        return normalise_id_number(id_number, nationality)
    except ValueError:
        raise PydanticCustomError(
            "id_number_invalid",
            "ID number '{id_number}' is not valid for nationality {nationality}",
            {"id_number": id_number, "nationality": nationality, "field": "id_number"},
        ) from None


class DriverBase(InputSchema):
    full_name: Name
    id_number: IdNumber
    nationality: CountryCode
    phone: PhoneNumber

    @model_validator(mode="after")
    def _id_fits_nationality(self) -> Self:
        self.id_number = checked_id_number(self.id_number, self.nationality)
        return self


class DriverCreate(DriverBase):
    enterprise_id: Id | None = None


class DriverUpdate(InputSchema):
    full_name: Name | None = None
    phone: PhoneNumber | None = None


class DriverFilters(ListQuery):
    enterprise_id: Id | None = None
    nationality: CountryCode | None = None
    active: bool | None = None
    q: Annotated[str | None, Field(max_length=100)] = None


class DriverRead(OutputSchema):
    id: int
    enterprise_id: int
    full_name: str
    id_number: str
    nationality: str
    phone: str
    is_active: bool
