"""Calling trucks to the gate and recording crossings by hand. Moves go through
``crossings.states.move``; two officers calling at once cannot both call the same
truck (the crossing's version refuses the second)."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cuakhau.core.errors import NotFound
from cuakhau.crossings.queue import eligible_to_call
from cuakhau.crossings.reasons import Reason
from cuakhau.crossings.states import move
from cuakhau.models import Crossing, Gate
from cuakhau.models.enums import CrossingState, Direction


def call_next(
    session: Session, gate_id: int, direction: Direction, count: int, *, at: datetime
) -> list[Crossing]:
    """The next ``count`` cleared trucks in queue order (window, then priority class,
    then when they took their place) move to called, at ``at``."""
    gate = session.get(Gate, gate_id)
    if gate is None:
        raise NotFound("gate", gate_id)
    chosen = eligible_to_call(session, gate_id, direction)[:count]
    for crossing in chosen:
        move(
            session,
            crossing,
            CrossingState.called,
            at=at,
            reason=Reason("called", {"gate": gate.code}),
        )
    return chosen


def awaiting_by_hand(
    session: Session, gate_id: int, direction: Direction, limit: int = 50
) -> list[Crossing]:
    """Trucks whose next move an officer may record by hand when the cameras cannot:
    called ones (crossed next) and crossed ones (returned next), latest first."""
    return list(
        session.scalars(
            select(Crossing)
            .where(
                Crossing.gate_id == gate_id,
                Crossing.direction == direction,
                Crossing.state.in_((CrossingState.called, CrossingState.crossed)),
            )
            .order_by(
                func.coalesce(Crossing.crossed_at, Crossing.called_at).desc(), Crossing.id.desc()
            )
            .limit(limit)
        )
    )


def record_by_hand(
    session: Session, crossing: Crossing, to: CrossingState, reason: str, *, at: datetime
) -> Crossing:
    move(session, crossing, to, at=at, reason=Reason("by_hand", {"reason": reason}))
    return crossing
