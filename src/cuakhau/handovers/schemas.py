from datetime import datetime

from cuakhau.core.schemas import Count, Id, InputSchema, Moment, OutputSchema, ReasonText
from cuakhau.models.enums import CrossingState, Direction, HandoverMode, Side, TrailerWait
from cuakhau.vehicles.schemas import PlateText

Reason = ReasonText


class HandoverModeChange(InputSchema):
    handover_mode: HandoverMode
    reason: Reason


class HandoverStep(InputSchema):
    """One step of a crossing's handover, as it happened."""

    to_state: CrossingState
    reason: Reason
    # Where it happened: the crossing's yard unless another is named.
    yard_id: Id | None = None
    # A returned trailer: loaded or empty.
    loaded: bool | None = None
    # A transload's outbound vehicle, which may be the other side's.
    outbound_plate: PlateText | None = None


class TrailerRead(OutputSchema):
    """A trailer standing in a yard without its tractor."""

    trailer_plate: str
    crossing_id: int
    enterprise_id: int
    enterprise_name: str
    yard_id: int
    yard_name: str
    gate_id: int
    direction: Direction
    waits_for: TrailerWait
    is_loaded: bool
    since: datetime
    hours: int
    overdue: bool


class TransferShiftIn(InputSchema):
    side: Side
    starts_at: Moment
    ends_at: Moment
    drivers: Count


class TransferShiftRead(OutputSchema):
    id: int
    gate_id: int
    side: Side
    starts_at: datetime
    ends_at: datetime
    drivers: int


class TransferQueue(OutputSchema):
    """Trailers waiting for a transfer driver, against the drivers on duty now."""

    gate_id: int
    drivers_on_duty: dict[Side, int]
    waiting: list[TrailerRead]
    # Trailers waiting beyond the drivers on duty.
    short_by: int
