from typing import Annotated

from pydantic import Field

from cuakhau.core.schemas import InputSchema, OutputSchema, ReasonText
from cuakhau.crossings.queue import NotCallable
from cuakhau.crossings.schemas import CrossingRead
from cuakhau.models.enums import Direction


class CallRequest(InputSchema):
    direction: Direction
    count: Annotated[int, Field(ge=1, le=100)] = 1


class SkippedRead(OutputSchema):
    """A truck a call passed over: ``why`` for programs, ``reason`` in English."""

    crossing_id: int
    plate: str
    position: int
    why: NotCallable
    reason: str


class CallResult(OutputSchema):
    gate_id: int
    direction: Direction
    # Fewer than asked when fewer were cleared.
    called: list[CrossingRead]
    # The trucks passed over, in queue order, at most ``count`` of them.
    skipped: list[SkippedRead]


class ByHand(InputSchema):
    """Why the officer records it, e.g. the camera is down."""

    reason: ReasonText
