"""Calling trucks to the gate and recording crossings by hand. Moves go through
``crossings.states.move``; two officers calling at once cannot both call the same
truck (the crossing's version refuses the second)."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cuakhau.core.errors import NotFound
from cuakhau.crossings.queue import NotCallable, ordered_queue, readiness
from cuakhau.crossings.reasons import Reason
from cuakhau.crossings.states import can_move, move
from cuakhau.models import Crossing, Gate
from cuakhau.models.enums import CrossingState, Direction


@dataclass(frozen=True)
class Skipped:
    """A truck passed over by a call: its place in the queue and why."""

    crossing: Crossing
    position: int
    why: NotCallable


@dataclass
class CallOutcome:
    called: list[Crossing] = field(default_factory=list)
    # In queue order, at most as many as were asked for.
    skipped: list[Skipped] = field(default_factory=list)


def call_next(
    session: Session, gate_id: int, direction: Direction, count: int, *, at: datetime
) -> CallOutcome:
    """The next ``count`` trucks that may be called (``queue.readiness``), in queue
    order (window, then priority class, then when they took their place), move to
    called, at ``at``. The trucks passed over on the way, or that kept the call
    short of ``count``, come back with why (not those already called), so the
    officer knows who holds the queue up."""
    gate = session.get(Gate, gate_id)
    if gate is None:
        raise NotFound("gate", gate_id)
    outcome = CallOutcome()
    for position, crossing in enumerate(ordered_queue(session, gate_id, direction), start=1):
        if len(outcome.called) == count:
            break
        why = readiness(crossing).not_callable
        if why is None:
            outcome.called.append(crossing)
        elif why is not NotCallable.already_called and len(outcome.skipped) < count:
            outcome.skipped.append(Skipped(crossing, position, why))
    for crossing in outcome.called:
        move(
            session,
            crossing,
            CrossingState.called,
            at=at,
            reason=Reason("called", {"gate": gate.code}),
        )
    return outcome


# The next move an officer records by hand at the gate, from the state the truck is in.
NEXT_BY_HAND = {
    CrossingState.called: CrossingState.crossed,
    CrossingState.crossed: CrossingState.returned,
}


def awaiting_by_hand(
    session: Session, gate_id: int, direction: Direction, limit: int = 50
) -> list[Crossing]:
    """Trucks whose next move an officer may record by hand when the cameras cannot:
    called ones (crossed next) and crossed ones (returned next), latest first;
    not those whose handover mode takes another step (a trailer swap's called
    truck leaves its trailer; nothing of a transload's comes back)."""
    found = session.scalars(
        select(Crossing)
        .where(
            Crossing.gate_id == gate_id,
            Crossing.direction == direction,
            Crossing.state.in_((CrossingState.called, CrossingState.crossed)),
        )
        .order_by(func.coalesce(Crossing.crossed_at, Crossing.called_at).desc(), Crossing.id.desc())
        .limit(limit)
    )
    return [c for c in found if can_move(c.state, NEXT_BY_HAND[c.state], c.handover_mode)]


def record_by_hand(
    session: Session, crossing: Crossing, to: CrossingState, reason: str, *, at: datetime
) -> Crossing:
    move(session, crossing, to, at=at, reason=Reason("by_hand", {"reason": reason}))
    return crossing
