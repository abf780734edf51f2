"""Base classes and field types shared by every API schema. Field types that
know a feature's rules (plates, tax codes, phone numbers) live in that feature."""

from typing import Annotated, Generic, TypeVar

import phonenumbers
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

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


def _country(value: str) -> str:
    code = value.upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise PydanticCustomError(
            "country_invalid", "Country code '{country}' is not valid", {"country": value}
        )
    return code


CountryCode = Annotated[str, Field(min_length=2, max_length=2), AfterValidator(_country)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_\-]+$")]
