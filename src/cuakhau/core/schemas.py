"""Base classes and field types shared by every API schema. Field types that
know a feature's rules (plates, tax codes, phone numbers) live in that feature.

The shared rules on input (docs/api.md, "What input is refused") are here, once:
whole numbers within the database's columns (``Id``, ``Count``), dates within
``EARLIEST_DAY``..``LATEST_DAY`` (``Day``), times of day without a zone
(``TimeOfDay``), moments with a real UTC offset (``Moment``), and text without
control characters (every text field of an ``InputSchema``; ``Text`` elsewhere).
Text longer than its column is refused where rows are written (``core/columns.py``).
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Annotated, Any, Generic, TypeVar, get_args, get_origin

import pycountry
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

T = TypeVar("T")

INT32_MAX = 2**31 - 1
"""The largest value of an INTEGER column (ids and most counts) on PostgreSQL."""

Id = Annotated[int, Field(ge=1, le=INT32_MAX)]
"""A row's id, in a path, a query or a body."""
Count = Annotated[int, Field(ge=0, le=INT32_MAX)]

EARLIEST_DAY = date(1950, 1, 1)
LATEST_DAY = date(2099, 12, 31)
"""Days the zone's calendars (and the holiday calendars under them) reckon with:
wide enough for any certificate, plan or report, narrow enough that a day's
start in any zone is a moment both databases hold."""


def _plausible_day(value: date) -> date:
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise PydanticCustomError(
            "day_out_of_range",
            "Must be a day from {earliest} to {latest}",
            {"earliest": EARLIEST_DAY.isoformat(), "latest": LATEST_DAY.isoformat()},
        )
    return value


Day = Annotated[date, AfterValidator(_plausible_day)]


def _no_zone(value: time) -> time:
    # A time of day is the gate's own clock (Asia/Ho_Chi_Minh); a zone on it
    # would have to be dropped or would move the hour, so it is refused.
    if value.tzinfo is not None:
        raise PydanticCustomError(
            "time_of_day_zoned", "A time of day is the zone's local time: give it without a zone"
        )
    return value


TimeOfDay = Annotated[time, AfterValidator(_no_zone)]

LARGEST_OFFSET = timedelta(hours=14)
"""The widest UTC offset in use anywhere (Kiribati, +14:00)."""


def _real_moment(value: datetime) -> datetime:
    offset = value.utcoffset() or timedelta(0)
    if abs(offset) > LARGEST_OFFSET or offset % timedelta(minutes=15):
        raise PydanticCustomError(
            "utc_offset_invalid",
            "The UTC offset must be a real one (whole quarter hours, at most 14 hours)",
        )
    _plausible_day(value.date())
    return value.astimezone(UTC)


Moment = Annotated[AwareDatetime, AfterValidator(_real_moment)]
"""A moment with its UTC offset, as sent; kept in UTC."""

# Control characters (C0, DEL, C1) and lone surrogates: PostgreSQL refuses NUL
# and text that is not UTF-8, and none belongs in a name, a code or a filter.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Multi-line text (a description, a reason) keeps its tabs and line breaks.
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class MultiLine:
    """Marks a text field whose tabs and line breaks are kept: ``Annotated[str, MultiLine()]``."""


# A person's reason for what they change (an override, a move, a void, a
# handover's mode): a few words at least, kept as written, line breaks included.
ReasonText = Annotated[str, Field(min_length=3, max_length=300), MultiLine()]


def _refuse_control(value: str, pattern: re.Pattern[str] = _CONTROL) -> str:
    found = pattern.search(value)
    if found is not None:
        raise PydanticCustomError(
            "control_character",
            "Contains a control character (U+{code}), which text may not hold",
            {"code": f"{ord(found.group()):04X}"},
        )
    return value


Text = Annotated[str, AfterValidator(_refuse_control)]
"""Plain text outside an ``InputSchema`` (a form's field, a query parameter)."""


def _texts(value: Any) -> list[str]:
    """The text in a field's value: itself, or the items of a list or a mapping."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple | set | frozenset):
        return [text for item in value for text in _texts(item)]
    if isinstance(value, dict):
        return [text for pair in value.items() for text in _texts(list(pair))]
    return []


def _marked_multiline(annotation: Any) -> bool:
    """``MultiLine`` anywhere in a field's type, also inside ``X | None``."""
    if get_origin(annotation) is Annotated:
        _, *metadata = get_args(annotation)
        if any(isinstance(m, MultiLine) for m in metadata):
            return True
    return any(_marked_multiline(arg) for arg in get_args(annotation))


@cache
def _multiline_fields(schema: type[BaseModel]) -> frozenset[str]:
    return frozenset(
        name
        for name, field in schema.model_fields.items()
        if any(isinstance(m, MultiLine) for m in field.metadata)
        or _marked_multiline(field.annotation)
    )


class InputSchema(BaseModel):
    """What a client sends: unknown fields are refused, not ignored, and no text
    holds a control character (tabs and line breaks only in ``MultiLine`` fields)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _printable(cls, value: Any, info: ValidationInfo) -> Any:
        texts = _texts(value)
        if texts:
            lines = info.field_name in _multiline_fields(cls)
            for text in texts:
                _refuse_control(text, _CONTROL_BUT_LINES if lines else _CONTROL)
        return value


class OutputSchema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ListQuery(InputSchema):
    """Query parameters of a list: paging, plus each list's own filters in a subclass.
    Unknown parameters are refused, so a misspelt filter is not silently ignored."""

    limit: int = Field(50, ge=1, le=500)
    offset: Count = 0


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def _country(value: str) -> str:
    """An ISO 3166-1 alpha-2 code, in capitals."""
    code = value.upper()
    if not code.isascii() or not code.isalpha() or pycountry.countries.get(alpha_2=code) is None:
        raise PydanticCustomError(
            "country_invalid", "Country code '{country}' is not valid", {"country": value}
        )
    return code


CountryCode = Annotated[str, Field(min_length=2, max_length=2), AfterValidator(_country)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_\-]+$")]
