"""Base classes and field types shared by every API schema."""

from typing import Annotated, Generic, TypeVar

import phonenumbers
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from cuakhau.drivers.identity import normalise_phone
from cuakhau.enterprises.tax_code import TaxCodeError, normalise_tax_code
from cuakhau.vehicles.plate import PlateError, normalise_plate

T = TypeVar("T")


class InputSchema(BaseModel):
    """What a client sends: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OutputSchema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ListQuery(InputSchema):
    """Query parameters of a list: paging, plus each list's own filters in a subclass.
    Unknown parameters are refused, so a misspelt filter is not silently ignored."""

    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def _plate(value: str) -> str:
    try:
        return normalise_plate(value)
    except PlateError:
        raise PydanticCustomError(
            "plate_invalid", "Plate '{plate}' is not valid", {"plate": value}
        ) from None


def _tax_code(value: str) -> str:
    try:
        return normalise_tax_code(value)
    except TaxCodeError as error:
        raise PydanticCustomError(
            error.code, "Tax code '{tax_code}' is not valid", {"tax_code": value}
        ) from None


def _phone(value: str) -> str:
    try:
        return normalise_phone(value)
    except ValueError:
        raise PydanticCustomError(
            "phone_invalid", "Phone number '{phone}' is not valid", {"phone": value}
        ) from None


def _country(value: str) -> str:
    code = value.upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise PydanticCustomError(
            "country_invalid", "Country code '{country}' is not valid", {"country": value}
        )
    return code


PlateText = Annotated[str, Field(max_length=32), AfterValidator(_plate)]
TaxCode = Annotated[str, Field(max_length=20), AfterValidator(_tax_code)]
PhoneNumber = Annotated[str, Field(max_length=32), AfterValidator(_phone)]
CountryCode = Annotated[str, Field(min_length=2, max_length=2), AfterValidator(_country)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_\-]+$")]
