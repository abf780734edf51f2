"""Field rules a plate read needs so that no value it carries can fail in the
database: ids that fit an INTEGER column, text with no control characters,
moments both databases (and Python's own date range) can hold.

They are schema-wide rules (issue #17) kept here until ``core/schemas.py`` has
its own; then they move there unchanged and reads imports them from core.
"""

import unicodedata
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field
from pydantic_core import PydanticCustomError

# PostgreSQL's INTEGER, the type of every id column.
INT32_MAX = 2**31 - 1

DatabaseId = Annotated[int, Field(ge=1, le=INT32_MAX)]

# NUL above all, which PostgreSQL's text refuses. (Pydantic refuses lone
# surrogates itself: ``string_unicode``.)


def _refuse_control_characters(value: str) -> str:
    for character in value:
        if unicodedata.category(character) == "Cc":
            raise PydanticCustomError(
                "text_control_character",
                "Text must not contain control characters ({character})",
                {"character": f"U+{ord(character):04X}"},
            )
    return value


NoControlCharacters = AfterValidator(_refuse_control_characters)

# Far enough either side for any record of the zone; near enough that a moment
# given with any offset still has a UTC date.
EARLIEST_MOMENT = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_MOMENT = datetime(2100, 1, 1, tzinfo=UTC)


def _in_range_as_utc(value: datetime) -> datetime:
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        # Year 1 at +13:00 is in year 0 in UTC: no date Python or a database has.
        moment = None
    if moment is None or not EARLIEST_MOMENT <= moment < LATEST_MOMENT:
        raise PydanticCustomError(
            "datetime_out_of_range",
            "Must be from {earliest} and before {latest}",
            {"earliest": EARLIEST_MOMENT.isoformat(), "latest": LATEST_MOMENT.isoformat()},
        )
    return moment


# A zoned moment within the zone's range, given back in UTC.
Moment = Annotated[AwareDatetime, AfterValidator(_in_range_as_utc)]
