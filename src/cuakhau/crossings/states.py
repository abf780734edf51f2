"""The crossing's states and the only moves between them (docs/architecture.md,
"The crossing").

Every change of state goes through ``move``: it refuses a move that is not
allowed with a message naming both states, and records who, when, from, to and why.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cuakhau.core.actor import SYSTEM, Actor
from cuakhau.core.errors import Conflict
from cuakhau.crossings.reasons import Reason
from cuakhau.crossings.windows import release_unit
from cuakhau.fees.service import charge_crossing, void_receipts
from cuakhau.live.changes import queue_changed
from cuakhau.models import Crossing, CrossingMove, Vehicle
from cuakhau.models.enums import CrossingState as S
from cuakhau.models.enums import HandoverMode, NotificationEvent
from cuakhau.notifications.outbox import enqueue
from cuakhau.statistics.rollups import count, counted, uncount
from cuakhau.transload.slot import follow_turned_back
from cuakhau.yards.stay import end_crossing_stay
from cuakhau.yards.trailers import follow_trailer

TRANSITIONS: Mapping[S | None, frozenset[S]] = {
    # Creation: a booking, or a walk-in truck that is already in a yard.
    None: frozenset({S.booked, S.arrived}),
    S.booked: frozenset({S.arrived, S.cancelled, S.no_show}),
    S.arrived: frozenset({S.declared}),
    S.declared: frozenset({S.cleared, S.held, S.rejected}),
    S.held: frozenset({S.cleared}),
    # Refused once cleared: the other side will not take it (its answer).
    S.cleared: frozenset({S.called, S.rejected}),
    # Called to the gate, the cargo crosses by its handover mode: the truck
    # itself; its trailer behind a transfer driver; or moved in a bay.
    S.called: frozenset({S.crossed, S.trailer_dropped, S.at_bay, S.rejected}),
    # Refused by the other side once a step is taken, the trailer or the cargo
    # is turned back into our yard; handed back to its owner, the crossing ends
    # refused.
    S.trailer_dropped: frozenset({S.trailer_taken, S.turned_back}),
    S.trailer_taken: frozenset({S.crossed, S.turned_back}),
    S.at_bay: frozenset({S.unloaded, S.turned_back}),
    S.unloaded: frozenset({S.loaded, S.turned_back}),
    S.loaded: frozenset({S.released, S.turned_back}),
    S.released: frozenset({S.crossed, S.turned_back}),
    S.turned_back: frozenset({S.rejected}),
    # Back to the step before crossing: the crossing was recorded by mistake
    # (its receipt is voided, and it no longer counts in the statistics).
    S.crossed: frozenset({S.returned, S.called, S.trailer_taken, S.released}),
    # A swapped trailer back on our side is then handed back to its owner.
    S.returned: frozenset({S.handed_back}),
    S.handed_back: frozenset(),
    S.cancelled: frozenset(),
    S.no_show: frozenset(),
    S.rejected: frozenset(),
}

_SWAP, _TRANSLOAD, _DRIVE = (
    frozenset({HandoverMode.trailer_swap}),
    frozenset({HandoverMode.transload}),
    frozenset({HandoverMode.drive_through}),
)
# The moves only some handover modes take; every other move is every mode's.
MODES_OF_MOVE: Mapping[tuple[S | None, S], frozenset[HandoverMode]] = {
    (S.called, S.crossed): _DRIVE,
    (S.crossed, S.called): _DRIVE,
    (S.called, S.trailer_dropped): _SWAP,
    (S.trailer_dropped, S.trailer_taken): _SWAP,
    (S.trailer_taken, S.crossed): _SWAP,
    (S.crossed, S.trailer_taken): _SWAP,
    (S.returned, S.handed_back): _SWAP,
    (S.called, S.at_bay): _TRANSLOAD,
    (S.at_bay, S.unloaded): _TRANSLOAD,
    (S.unloaded, S.loaded): _TRANSLOAD,
    (S.loaded, S.released): _TRANSLOAD,
    (S.released, S.crossed): _TRANSLOAD,
    (S.crossed, S.released): _TRANSLOAD,
    **{(step, S.turned_back): _SWAP for step in (S.trailer_dropped, S.trailer_taken)},
    **{(step, S.turned_back): _TRANSLOAD for step in (S.at_bay, S.unloaded, S.loaded, S.released)},
    (S.turned_back, S.rejected): _SWAP | _TRANSLOAD,
    # A transload's own truck does not cross: the outbound vehicle does, and
    # nothing of ours comes back.
    (S.crossed, S.returned): _DRIVE | _SWAP,
}

# The states a crossing of each mode can reach: its handover's steps.
HANDOVER_STATES: Mapping[HandoverMode, frozenset[S]] = {
    mode: frozenset(
        to
        for source, targets in TRANSITIONS.items()
        for to in targets
        if mode in MODES_OF_MOVE.get((source, to), frozenset(HandoverMode))
    )
    for mode in HandoverMode
}
# A handover's mode may change while none of its own steps is taken.
MODE_CHANGEABLE = frozenset({S.booked, S.arrived, S.declared, S.held, S.cleared, S.called})

# Still holding (or waiting for) a place in the gate's queue.
OPEN_STATES = frozenset({S.booked, S.arrived, S.declared, S.cleared, S.held, S.called})
# Physically in the zone, waiting to cross.
WAITING_STATES = frozenset({S.arrived, S.declared, S.cleared, S.held, S.called})
# Reaching these gives the crossing's window unit back: the truck will not use it.
RELEASING_STATES = frozenset({S.cancelled, S.no_show, S.rejected})
# Reaching these, the truck leaves the zone (or, a trailer swap's, its yard
# without its trailer): its yard visit ends at that moment.
LEAVING_STATES = frozenset({S.crossed, S.rejected, S.cancelled, S.trailer_dropped})
# A handover under way on our side, before its cargo crosses: what the other
# side expects next (the counterpart's feed).
HANDING_OVER = frozenset(
    {S.trailer_dropped, S.trailer_taken, S.at_bay, S.unloaded, S.loaded, S.released}
)
# The step before crossing, by mode: where undoing a crossing goes back to.
BEFORE_CROSSING = frozenset({S.called, S.trailer_taken, S.released})

# What the enterprise is told about, by state reached.
_NOTIFY_ON: Mapping[S, NotificationEvent] = {
    S.called: NotificationEvent.called,
    S.held: NotificationEvent.held,
    S.crossed: NotificationEvent.crossed,
    S.cancelled: NotificationEvent.cancelled,
    S.rejected: NotificationEvent.rejected,
    S.turned_back: NotificationEvent.turned_back,
}


def refused_to(state: S) -> S:
    """Where the other side's refusal takes a crossing in ``state``: before
    its handover, it ends refused (cancelled while only booked); once a step is
    taken, its trailer or cargo is turned back into our yard."""
    if state is S.booked:
        return S.cancelled
    return S.turned_back if state in HANDING_OVER | {S.turned_back} else S.rejected


class IllegalMove(Conflict):
    def __init__(
        self,
        crossing_id: int,
        from_state: S | None,
        to_state: S,
        mode: HandoverMode = HandoverMode.drive_through,
    ):
        super().__init__(
            "illegal_move",
            id=crossing_id,
            from_state=from_state.value if from_state else "-",
            to_state=to_state.value,
        )
        self.from_state = from_state
        self.mode = mode

    def extra(self) -> dict[str, object]:
        allowed = sorted(s.value for s in allowed_moves(self.from_state, self.mode))
        return {
            "state": self.from_state.value if self.from_state else None,
            "handover_mode": self.mode.value,
            "allowed": allowed,
        }


def can_move(from_state: S | None, to_state: S, mode: HandoverMode) -> bool:
    """Whether the machine lets a crossing of this handover mode make the move."""
    return to_state in TRANSITIONS[from_state] and mode in MODES_OF_MOVE.get(
        (from_state, to_state), frozenset(HandoverMode)
    )


def allowed_moves(from_state: S | None, mode: HandoverMode) -> frozenset[S]:
    return frozenset(to for to in TRANSITIONS[from_state] if can_move(from_state, to, mode))


def refuse_illegal(crossing: Crossing, to_state: S) -> S | None:
    """The crossing's state (None before it is made), unless the machine does
    not let it move to ``to_state``: then ``IllegalMove``, and nothing changed."""
    from_state: S | None = crossing.state if crossing.id is not None else None
    mode = crossing.handover_mode or HandoverMode.drive_through
    if not can_move(from_state, to_state, mode):
        raise IllegalMove(crossing.id or 0, from_state, to_state, mode)
    return from_state


def move(
    session: Session,
    crossing: Crossing,
    to_state: S,
    *,
    at: datetime,
    reason: Reason | str | None = None,
    actor: Actor | None = None,
    yard_id: int | None = None,
) -> CrossingMove:
    """Move the crossing to ``to_state`` at the moment ``at`` (when it happened:
    a camera's read may reach us late), or refuse; the caller's transaction
    holds both. ``reason``: the system's (a ``Reason``) or a person's words;
    ``yard_id``: where it happened, when not the crossing's own yard."""
    from_state = refuse_illegal(crossing, to_state)
    actor = actor or session.info.get("actor", SYSTEM)
    was_released = from_state is S.held and to_state is S.cleared
    # Crossing, or undoing a crossing, changes what the statistics count.
    recount = crossing.id is not None and counted(from_state) != counted(to_state)
    uncounted = uncount(session, crossing.id) if recount else None
    crossing.state = to_state
    timestamp = STAMPED.get(to_state)
    if timestamp is not None:
        setattr(crossing, timestamp, at)
    if from_state is S.crossed and to_state in BEFORE_CROSSING:
        crossing.crossed_at = None
        void_receipts(session, crossing.id, at=at, reason=_said(reason))
    if to_state is S.crossed:
        crossing.vehicle_kind = session.get_one(Vehicle, crossing.vehicle_id).kind
    if crossing.id is None:
        session.add(crossing)
    if to_state in RELEASING_STATES and crossing.window_id is not None:
        release_unit(session, crossing.window_id)
    if to_state in LEAVING_STATES:
        end_crossing_stay(session, crossing.id, at)
    session.flush()
    follow_trailer(session, crossing, to_state, at)
    follow_turned_back(session, crossing, to_state, at)
    record = CrossingMove(
        **move_values(
            crossing_id=crossing.id,
            from_state=from_state,
            to_state=to_state,
            at=at,
            actor_user_id=actor.user_id,
            actor_label=actor.label,
            reason=reason,
            yard_id=yard_id if yard_id is not None else crossing.yard_id,
        )
    )
    session.add(record)
    if to_state is S.crossed:
        charge_crossing(session, crossing, at)
    if uncounted is not None:
        count(session, uncounted)
    event = NotificationEvent.released if was_released else _NOTIFY_ON.get(to_state)
    if event is not None:
        enqueue(
            session,
            crossing,
            event,
            at=at,
            reason=record.reason,
            reason_code=record.reason_code,
            reason_params=record.reason_params,
        )
    queue_changed(session, crossing.gate_id, crossing.direction.value)
    session.flush()
    return record


# The moment a crossing reached these states, kept on the crossing itself.
STAMPED: Mapping[S, str] = {
    S.arrived: "arrived_at",
    S.called: "called_at",
    S.crossed: "crossed_at",
    S.returned: "returned_at",
}


def move_values(
    *,
    crossing_id: Any,
    from_state: Any,
    to_state: Any,
    at: Any,
    actor_user_id: Any,
    actor_label: Any,
    reason: Reason | str | None,
    yard_id: Any = None,
) -> dict[str, Any]:
    """A move's row: here and in the booking procedure, where the crossing and
    the actor are values of the procedure (``core.procedure.Value``)."""
    return {
        "crossing_id": crossing_id,
        "from_state": from_state,
        "to_state": to_state,
        "at": at,
        "actor_user_id": actor_user_id,
        "actor_label": actor_label,
        "yard_id": yard_id,
        **recorded_reason(reason),
    }


def _said(reason: Reason | str | None) -> str | None:
    return reason.say("en") if isinstance(reason, Reason) else reason


def recorded_reason(reason: Reason | str | None) -> dict[str, Any]:
    """A reason as a move or a window change keeps it."""
    if isinstance(reason, Reason):
        return {
            "reason": _fitted(reason.say("en")),
            "reason_code": reason.code,
            "reason_params": dict(reason.params),
        }
    return {"reason": reason, "reason_code": None, "reason_params": None}


def _fitted(wording: str) -> str:
    """The English wording as the column holds it: an officer's 300 characters
    with the system's words around them may not fit, and the whole of them is
    kept in the reason's values."""
    room = CrossingMove.__table__.c.reason.type.length
    return wording if len(wording) <= room else wording[: room - 1] + "…"
