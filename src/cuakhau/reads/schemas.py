from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, Field

from cuakhau.core.schemas import InputSchema, ListQuery, OutputSchema
from cuakhau.models.enums import CrossingState, ReadPoint

MAX_BATCH = 1000


class ReadOutcome(StrEnum):
    applied = "applied"
    no_change = "no_change"
    duplicate = "duplicate"
    alert = "alert"


class AlertKind(StrEnum):
    unreadable = "unreadable"
    low_confidence = "low_confidence"
    unknown_plate = "unknown_plate"
    no_open_crossing = "no_open_crossing"
    illegal_move = "illegal_move"
    out_of_order = "out_of_order"


class PlateReadIn(InputSchema):
    read_id: Annotated[str, Field(min_length=1, max_length=64)]
    # As the camera read it: normalised here, kept as sent.
    plate: Annotated[str, Field(min_length=1, max_length=32)]
    point: ReadPoint
    read_at: AwareDatetime
    confidence: Annotated[float, Field(ge=0, le=1)]
    gate_id: int | None = None
    yard_id: int | None = None


class PlateReadBatch(InputSchema):
    reads: Annotated[list[PlateReadIn], Field(min_length=1, max_length=MAX_BATCH)]


class ReadResult(OutputSchema):
    read_id: str
    outcome: ReadOutcome
    crossing_id: int | None = None
    alert_id: int | None = None
    alert_kind: AlertKind | None = None


class BatchResult(OutputSchema):
    results: list[ReadResult]
    counts: dict[ReadOutcome, int]


class AlertFilters(ListQuery):
    open: bool | None = None
    gate_id: int | None = None
    kind: AlertKind | None = None


class AlertRead(OutputSchema):
    id: int
    kind: AlertKind
    detail: str
    created_at: datetime
    resolved_at: datetime | None
    resolved_by_user_id: int | None
    resolution: str | None
    plate_read_id: int
    read_id: str
    plate_as_read: str
    plate: str | None
    point: ReadPoint
    read_at: datetime
    confidence: Decimal
    gate_id: int | None
    yard_id: int | None
    crossing_id: int | None


class AlertResolve(InputSchema):
    resolution: Annotated[str, Field(min_length=3, max_length=300)]
    # Optionally the move the camera should have caused, recorded by hand.
    crossing_id: int | None = None
    to_state: CrossingState | None = None
