from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, PlainSerializer, PlainValidator, ValidationError

from cuakhau.core.schemas import Id, InputSchema, ListQuery, Moment, OutputSchema
from cuakhau.models.enums import CrossingState, ReadPoint

MAX_BATCH = 1000


class ReadOutcome(StrEnum):
    applied = "applied"
    no_change = "no_change"
    duplicate = "duplicate"
    alert = "alert"
    # Not stored: the read breaks a rule of its own (``BatchResult.refused`` says which).
    refused = "refused"


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
    read_at: Moment
    confidence: Annotated[float, Field(ge=0, le=1)]
    gate_id: Id | None = None
    yard_id: Id | None = None


@dataclass(frozen=True)
class MalformedRead:
    """An item of a batch that is not a valid read, with Pydantic's errors
    (their ``loc`` within the item): refused alone, never the batch."""

    read_id: str | None
    errors: list[dict[str, Any]]


def _read_or_malformed(item: Any) -> PlateReadIn | MalformedRead:
    try:
        return PlateReadIn.model_validate(item)
    except ValidationError as error:
        read_id = item.get("read_id") if isinstance(item, dict) else None
        return MalformedRead(
            read_id if isinstance(read_id, str) else None,
            list(error.errors(include_url=False, include_input=False)),
        )


# Documented as a read; checked one by one so one bad read does not sink the
# batch. A batch is never sent back: the serializer only keeps Pydantic from
# documenting ``MalformedRead`` as a schema of the API.
PlateReadItem = Annotated[
    PlateReadIn | MalformedRead,
    PlainValidator(_read_or_malformed, json_schema_input_type=PlateReadIn),
    PlainSerializer(lambda item: item, return_type=Any),
]


class PlateReadBatch(InputSchema):
    reads: Annotated[list[PlateReadItem], Field(min_length=1, max_length=MAX_BATCH)]


class ReadResult(OutputSchema):
    # None when a refused item carried no read id (or not as text).
    read_id: str | None
    outcome: ReadOutcome
    crossing_id: int | None = None
    alert_id: int | None = None
    alert_kind: AlertKind | None = None


class FieldProblem(OutputSchema):
    """One reason, as in a problem response's ``errors``: ``field`` is the path
    in the request body (``reads.17.plate``), ``message`` in the caller's language."""

    field: str
    code: str
    message: str


class ReadRefusal(OutputSchema):
    index: int
    read_id: str | None
    errors: list[FieldProblem]


class BatchResult(OutputSchema):
    # Stored by this post (applied, no change or alert).
    taken: int
    # Stored before, or earlier in the same batch: nothing changed.
    already_known: int
    refused: list[ReadRefusal]
    counts: dict[ReadOutcome, int]
    # One per read, in the order sent.
    results: list[ReadResult]


class AlertFilters(ListQuery):
    open: bool | None = None
    gate_id: Id | None = None
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
    crossing_id: Id | None = None
    to_state: CrossingState | None = None
