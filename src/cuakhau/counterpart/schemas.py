from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from cuakhau.core.schemas import Count, Day, InputSchema, OutputSchema
from cuakhau.models.enums import CrossingState, Direction

INT32_MAX = 2**31 - 1
# Two weeks of hours: what the other side plans ahead, and a bound on one message.
MAX_HOURS_IN_MESSAGE = 24 * 14


class HourAcceptance(InputSchema):
    """How many of our trucks the other side takes in one hour (zone time) and direction."""

    day: Day
    hour: Annotated[int, Field(ge=0, le=23)]
    direction: Direction
    trucks: Annotated[int, Field(ge=0, le=10_000)]


class MessageIn(InputSchema):
    """One message of the counterpart's, in its own numbering (``sequence`` from 1)."""

    message_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
    sequence: Annotated[int, Field(ge=1, le=INT32_MAX)]
    kind: Literal["acceptance", "heartbeat"]
    acceptance: Annotated[
        list[HourAcceptance], Field(default_factory=list, max_length=MAX_HOURS_IN_MESSAGE)
    ]

    @model_validator(mode="after")
    def _content_matches_kind(self) -> Self:
        if (self.kind == "acceptance") != bool(self.acceptance):
            raise PydanticCustomError(
                "counterpart_content", "An acceptance message lists its hours; no other does"
            )
        hours = [(a.day, a.hour, a.direction) for a in self.acceptance]
        if len(hours) != len(set(hours)):
            raise PydanticCustomError(
                "counterpart_hour_twice", "An hour and direction appears twice in one message"
            )
        return self


class MessageResult(OutputSchema):
    """``applied``: this message and any that waited for it; ``waiting``: it came
    before its turn, and ``missing`` lists the sequence numbers to send again."""

    outcome: Literal["applied", "waiting"]
    applied_through: int
    applied: list[int]
    missing: list[int]
    hours_set: int
    trucks_moved: int


class CounterpartStatus(OutputSchema):
    """What the other side (or our officer) needs to resume: where we are."""

    name: str
    gate_id: int
    applied_through: int
    waiting: list[int]
    missing: list[int]
    last_heard_at: datetime | None
    silent: bool


class CargoByHeading(OutputSchema):
    hs_heading: str
    packages: Count
    weight_kg: Count
    value_usd: Decimal


class ExpectedCrossing(OutputSchema):
    crossing_id: int
    plate: str
    trailer_plate: str | None
    direction: Direction
    state: CrossingState
    state_label: str
    window_starts_at: datetime
    window_ends_at: datetime
    cargo: list[CargoByHeading]


class ExpectedCrossings(OutputSchema):
    gate_id: int
    language: str
    from_time: datetime
    to_time: datetime
    crossings: list[ExpectedCrossing]
