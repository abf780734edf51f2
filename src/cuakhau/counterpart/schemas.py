from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from cuakhau.core.schemas import Count, Day, Id, InputSchema, OutputSchema
from cuakhau.models.enums import CrossingState, Direction, HandoverMode, LaneKind

INT32_MAX = 2**31 - 1
# Two weeks of hours: what the other side plans ahead, and a bound on one message.
MAX_HOURS_IN_MESSAGE = 24 * 14


class HourAcceptance(InputSchema):
    """How many of our trucks the other side takes in one hour (zone time) and direction."""

    day: Day
    hour: Annotated[int, Field(ge=0, le=23)]
    direction: Direction
    trucks: Annotated[int, Field(ge=0, le=10_000)]


# The other side's answers about one of our trucks, and the step each makes
# (``counterpart.service``, docs/handovers.md).
TruckAnswerKind = Literal["accepted", "crossed", "refused", "handed_back"]
MAX_ANSWERS_IN_MESSAGE = 500


class TruckAnswer(InputSchema):
    """What the other side says of one of our crossings (its id in our feed)."""

    crossing_id: Id
    answer: TruckAnswerKind
    # A refusal says why, in the other side's words.
    reason: Annotated[str | None, Field(min_length=3, max_length=200)] = None
    # A trailer handed back: loaded or empty.
    loaded: bool | None = None

    @model_validator(mode="after")
    def _refusal_says_why(self) -> Self:
        if self.answer == "refused" and self.reason is None:
            raise PydanticCustomError("counterpart_refusal_reason", "A refusal gives its reason")
        return self


class MessageIn(InputSchema):
    """One message of the counterpart's, in its own numbering (``sequence`` from 1)."""

    message_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
    sequence: Annotated[int, Field(ge=1, le=INT32_MAX)]
    kind: Literal["acceptance", "heartbeat", "answers"]
    acceptance: Annotated[
        list[HourAcceptance], Field(default_factory=list, max_length=MAX_HOURS_IN_MESSAGE)
    ]
    answers: Annotated[
        list[TruckAnswer], Field(default_factory=list, max_length=MAX_ANSWERS_IN_MESSAGE)
    ]

    @model_validator(mode="after")
    def _content_matches_kind(self) -> Self:
        if (self.kind == "acceptance") != bool(self.acceptance) or (self.kind == "answers") != bool(
            self.answers
        ):
            raise PydanticCustomError(
                "counterpart_content",
                "An acceptance message lists its hours, an answers message its trucks;"
                " no other does",
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
    # Per-truck answers applied now, and those that could not move their crossing.
    answers_applied: int = 0
    answers_refused: list["AnswerRefused"] = Field(default_factory=list)


class AnswerRefused(OutputSchema):
    sequence: int
    crossing_id: int
    code: str


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
    handover_mode: HandoverMode
    state: CrossingState
    state_label: str
    # The lane its window is in (an unmanned truck comes in the unmanned windows).
    lane: LaneKind
    lane_label: str
    window_starts_at: datetime
    window_ends_at: datetime
    cargo: list[CargoByHeading]


class ExpectedCrossings(OutputSchema):
    gate_id: int
    language: str
    from_time: datetime
    to_time: datetime
    crossings: list[ExpectedCrossing]
