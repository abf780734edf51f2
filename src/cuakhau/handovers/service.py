"""A crossing's handover (docs/handovers.md): the mode chosen at booking and
changed by the yard operator with a reason, and the handover's steps, each a
move of the crossing's one state machine (``crossings.states``).

``record_step`` is what people (the API, the pages) and the counterpart's
answers call; it adds to ``states.move`` what a step says besides its state:
the yard where it happened, whether a returned trailer is loaded, and a
transload's outbound vehicle. Other callers (the transload yard's bay slots)
call ``states.move`` with the target state directly."""

from datetime import datetime

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from cuakhau.core.errors import Conflict, InvalidInput
from cuakhau.crossings.reasons import Reason
from cuakhau.crossings.rules import offers
from cuakhau.crossings.states import MODE_CHANGEABLE, move, refuse_illegal
from cuakhau.models import Crossing, CrossingMove, Gate, TrailerStay, Yard
from cuakhau.models.enums import CrossingState, HandoverMode
from cuakhau.statistics.rollups import recounting

# The steps that happen in a yard: the crossing's yard unless one is named.
_IN_A_YARD = frozenset(
    {
        CrossingState.trailer_dropped,
        CrossingState.returned,
        CrossingState.handed_back,
        CrossingState.at_bay,
        CrossingState.unloaded,
        CrossingState.loaded,
        CrossingState.turned_back,
    }
)


def offered(
    session: Session, place: type[Gate] | type[Yard], place_id: int, mode: HandoverMode
) -> bool:
    """Whether a gate or a yard offers the mode (the booking rule's condition)."""
    found = session.scalar(select(offers(place, literal(mode.name))).where(place.id == place_id))
    return bool(found)


def change_mode(
    session: Session, crossing: Crossing, mode: HandoverMode, *, reason: str
) -> Crossing:
    """The yard operator's change of a crossing's mode, with the reason (both
    in the crossing's audit entry). Refused once a step of its handover is
    taken, or when the gate or the crossing's yard does not offer the mode."""
    if crossing.state not in MODE_CHANGEABLE:
        raise Conflict("handover_mode_fixed", state=crossing.state.value)
    places: list[tuple[type[Gate] | type[Yard], int | None]] = [
        (Gate, crossing.gate_id),
        (Yard, crossing.yard_id),
    ]
    for place, place_id in places:
        if place_id is not None and not offered(session, place, place_id, mode):
            raise InvalidInput("handover_not_offered", field="handover_mode", mode=mode.value)
    # The rollups count by mode: a crossing counted when its mode changes
    # (none is, today: MODE_CHANGEABLE) would move to the new mode's cells.
    with recounting(session, crossing.id):
        crossing.handover_mode = mode
        crossing.handover_reason = reason
    return crossing


def record_step(
    session: Session,
    crossing: Crossing,
    to_state: CrossingState,
    *,
    at: datetime,
    reason: Reason | str,
    yard_id: int | None = None,
    loaded: bool | None = None,
    outbound_plate: str | None = None,
) -> CrossingMove:
    """One step of the crossing's handover, as a person or the other side says
    it happened. A refused step changes nothing: its checks come first."""
    if yard_id is not None and session.get(Yard, yard_id) is None:
        raise InvalidInput("referenced_missing", field="yard_id", entity="yard", id=yard_id)
    where = yard_id if yard_id is not None else crossing.yard_id
    handed_over = crossing.handover_mode is not HandoverMode.drive_through
    if to_state in _IN_A_YARD and handed_over and where is None:
        raise InvalidInput("handover_yard_needed", field="yard_id", state=to_state.value)
    if to_state is CrossingState.loaded and outbound_plate is None:
        raise InvalidInput("outbound_plate_needed", field="outbound_plate")
    refuse_illegal(crossing, to_state)
    if crossing.state is CrossingState.turned_back and isinstance(reason, str):
        # Handed back after the other side's refusal: the crossing ends refused
        # for the other side's reason, with the words of whoever handed it back.
        reason = Reason(
            "handed_back_refused", {"refusal": _refusal(session, crossing), "note": reason}
        )
    if where is not None and handed_over:
        # The trailer (or the cargo) is where the step took it.
        crossing.yard_id = where
    record = move(session, crossing, to_state, at=at, reason=reason, yard_id=where)
    if to_state is CrossingState.loaded:
        crossing.outbound_plate = outbound_plate
    if loaded is not None:
        for stay in session.scalars(
            select(TrailerStay).where(
                TrailerStay.crossing_id == crossing.id, TrailerStay.left_at.is_(None)
            )
        ):
            stay.is_loaded = loaded
    session.flush()
    return record


def _refusal(session: Session, crossing: Crossing) -> str:
    """Why the other side turned the crossing back, as its move recorded it."""
    said = session.scalar(
        select(CrossingMove.reason)
        .where(
            CrossingMove.crossing_id == crossing.id,
            CrossingMove.to_state == CrossingState.turned_back,
        )
        .order_by(CrossingMove.id.desc())
        .limit(1)
    )
    return said or "—"
