"""Trailers standing in yards without their tractors (a trailer swap's): which
trailers a yard holds, whose, since when, loaded or empty, and what each waits
for (docs/handovers.md).

The crossing's state machine (``crossings.states.move``) keeps them: a trailer
left in a yard waits for a transfer driver, one taken across leaves, one back
from across waits to be handed back, one handed back leaves. Every path that
moves a crossing (the API, the counterpart's answers, an officer by hand)
therefore keeps the yard's list true."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.live.changes import yard_changed
from cuakhau.models import Crossing, TrailerStay
from cuakhau.models.enums import CrossingState, HandoverMode, TrailerWait

# A swap's trailer stands in a yard from these states, waiting for this: a
# trailer the other side turned back waits, still loaded, for its hand-back.
_WAITS_FROM: dict[CrossingState, TrailerWait] = {
    CrossingState.trailer_dropped: TrailerWait.transfer_driver,
    CrossingState.returned: TrailerWait.hand_back,
    CrossingState.turned_back: TrailerWait.hand_back,
}
# And leaves it on these (a dropped trailer turned back stops waiting for a
# driver; handed back after the refusal, its crossing ends rejected).
_LEAVES_ON = frozenset(
    {
        CrossingState.trailer_taken,
        CrossingState.handed_back,
        CrossingState.turned_back,
        CrossingState.rejected,
    }
)
# Left, or turned back, loaded with the cargo it was booked with; back from
# across empty until whoever records its return says otherwise.
_LOADED_ON = frozenset({CrossingState.trailer_dropped, CrossingState.turned_back})


def trailer_plate_of(crossing: Crossing) -> str:
    """The trailer's own plate; a truck booked without one pulls a trailer
    (or container) known by the truck's plate."""
    return crossing.trailer_plate or crossing.plate


def follow_trailer(
    session: Session, crossing: Crossing, to_state: CrossingState, at: datetime
) -> None:
    """Keep the yard's trailers as the crossing moves to ``to_state`` at ``at``."""
    if crossing.handover_mode is not HandoverMode.trailer_swap:
        return
    if to_state in _LEAVES_ON:
        for stay in session.scalars(
            select(TrailerStay).where(
                TrailerStay.crossing_id == crossing.id, TrailerStay.left_at.is_(None)
            )
        ):
            stay.left_at = max(at, stay.since)
        yard_changed(session, crossing.gate_id)
    waits_for = _WAITS_FROM.get(to_state)
    if waits_for is None or crossing.yard_id is None:
        return
    session.add(
        TrailerStay(
            trailer_plate=trailer_plate_of(crossing),
            crossing_id=crossing.id,
            enterprise_id=crossing.enterprise_id,
            yard_id=crossing.yard_id,
            waits_for=waits_for,
            is_loaded=bool(crossing.cargo) and to_state in _LOADED_ON,
            since=at,
        )
    )
    yard_changed(session, crossing.gate_id)
