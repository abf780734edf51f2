from datetime import date, datetime, time
from decimal import Decimal
from itertools import pairwise, product
from typing import Annotated, Self

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from cuakhau.core.schemas import Day, InputSchema, OutputSchema, ReasonText, TimeOfDay
from cuakhau.crossings.schemas import ReplanMove
from cuakhau.models.enums import Direction, LaneKind, OverrideKind

Weekday = Annotated[int, Field(ge=0, le=6)]
Reason = ReasonText


class PatternWindow(InputSchema):
    lane: LaneKind = LaneKind.ordinary
    weekdays: Annotated[list[Weekday], Field(min_length=1, max_length=7)]
    starts_at: TimeOfDay
    ends_at: TimeOfDay
    capacity: Annotated[int, Field(ge=0, le=10_000)]

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.starts_at >= self.ends_at:
            raise PydanticCustomError("hours_order", "Opening time must be before closing time")
        return self


class PatternReplace(InputSchema):
    """The whole weekly pattern of one direction, every lane's; windows of a day
    in one lane must not overlap."""

    direction: Direction
    windows: Annotated[list[PatternWindow], Field(max_length=24 * 7)]

    @model_validator(mode="after")
    def _no_overlap(self) -> Self:
        for lane, weekday in product(LaneKind, range(7)):
            spans = sorted(
                (w.starts_at, w.ends_at)
                for w in self.windows
                if weekday in w.weekdays and w.lane is lane
            )
            for (_, end), (start, _) in pairwise(spans):
                if start < end:
                    raise PydanticCustomError(
                        "windows_overlap",
                        "Windows overlap on weekday {weekday}",
                        {"weekday": weekday},
                    )
        return self


class PatternWindowRead(OutputSchema):
    direction: Direction
    lane: LaneKind
    weekday: int
    starts_at: time
    ends_at: time
    capacity: int


class OverrideCreate(InputSchema):
    direction: Direction | None = None
    # None: every lane; a ceiling on every lane caps the lanes together, per hour.
    lane: LaneKind | None = None
    kind: OverrideKind
    starts_on: Day
    ends_on: Day
    from_time: TimeOfDay | None = None
    to_time: TimeOfDay | None = None
    value: Annotated[Decimal | None, Field(ge=0, le=10_000, decimal_places=3)] = None
    reason: Reason

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.starts_on > self.ends_on:
            raise PydanticCustomError("date_order", "The first day must not be after the last")
        if self.kind is not OverrideKind.closure and self.value is None:
            raise PydanticCustomError("override_value", "A factor or capacity needs a value")
        if self.from_time and self.to_time and self.from_time >= self.to_time:
            raise PydanticCustomError("hours_order", "Opening time must be before closing time")
        return self


class OverrideRead(OutputSchema):
    id: int
    gate_id: int
    direction: Direction | None
    lane: LaneKind | None
    kind: OverrideKind
    starts_on: date
    ends_on: date
    from_time: time | None
    to_time: time | None
    value: Decimal | None
    reason: str
    is_active: bool
    created_at: datetime


class CapacityChangeResult(OutputSchema):
    """What a capacity change did (or, in a preview, would do) to the queue."""

    preview: bool
    changed_windows: int
    moves: list[ReplanMove]


class OverrideResult(CapacityChangeResult):
    override: OverrideRead


class WindowsQuery(InputSchema):
    direction: Direction
    start: Day | None = Field(None, alias="from")
    end: Day | None = Field(None, alias="to")


class WindowAvailability(OutputSchema):
    id: int
    lane: LaneKind
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int
    free: int
    open: bool
    note: str | None
