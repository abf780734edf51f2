"""A transload slot's own steps, on the bay's side: ``MOVES`` are the only
moves; a move it does not allow is refused (409) and changes nothing.

Kept apart from ``service`` (which moves the slot's crossing through
``handovers``) so that the crossing's state machine can end the slot of a
crossing the other side turned back without importing its caller."""

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.core.errors import Conflict
from cuakhau.models import Crossing, Transload
from cuakhau.models.enums import CrossingState, TransloadState
from cuakhau.transload.hours import give_back_hours, hour_starts

S = TransloadState
MOVES: Mapping[TransloadState, frozenset[TransloadState]] = {
    S.booked: frozenset({S.arrived, S.cancelled, S.no_show, S.turned_back}),
    S.arrived: frozenset({S.started, S.cancelled, S.turned_back}),
    S.started: frozenset({S.unloaded, S.turned_back}),
    S.unloaded: frozenset({S.finished, S.turned_back}),
}
# Holding a bay hour: booked, or at the bay.
OPEN_STATES = (S.booked, S.arrived, S.started, S.unloaded)


def move(transload: Transload, to: TransloadState) -> None:
    """The state ``to`` if ``MOVES`` allows it; else 409, and nothing changed."""
    if to not in MOVES.get(transload.state, frozenset()):
        raise Conflict(
            "transload_move_refused",
            id=transload.id,
            transload_from=transload.state.value,
            transload_to=to.value,
        )
    transload.state = to


def end_slot(session: Session, transload: Transload, to: TransloadState, at: datetime) -> None:
    """Ended at ``at``: the hours of its slot not begun then are given back."""
    move(transload, to)
    transload.ended_at = at
    give_back_from(session, transload, at)
    session.flush()


def give_back_from(session: Session, transload: Transload, at: datetime) -> None:
    """The hours of the slot that have not begun at ``at``."""
    later = [start for start in hour_starts(transload.starts_at, transload.ends_at) if start >= at]
    give_back_hours(session, transload.bay_id, transload.yard_id, later)


def follow_turned_back(
    session: Session, crossing: Crossing, to_state: CrossingState, at: datetime
) -> None:
    """A crossing turned back by the other side ends its open bay slot: the
    cargo goes back to the yard, and the bay's hours not begun are free."""
    if to_state is not CrossingState.turned_back:
        return
    for transload in session.scalars(
        select(Transload).where(
            Transload.crossing_id == crossing.id, Transload.state.in_(OPEN_STATES)
        )
    ):
        end_slot(session, transload, S.turned_back, at)
