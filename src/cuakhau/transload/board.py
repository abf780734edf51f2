"""The yard operator's transload board: each bay, what is at it now, what
comes next, and the cargo customs holds."""

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cuakhau.models import Transload, Yard
from cuakhau.models.enums import TransloadState
from cuakhau.transload.schemas import BayNow, BayRead, Board
from cuakhau.transload.service import is_held, transload_views
from cuakhau.transload.setup import bays_of
from cuakhau.transload.slot import OPEN_STATES

AT_BAY = (TransloadState.arrived, TransloadState.started, TransloadState.unloaded)
# How many of the next slots a bay shows.
NEXT_SHOWN = 3


def board(session: Session, yard: Yard, now: datetime) -> Board:
    """Two queries whatever the number of bays: the open slots, and the cargo held."""
    bays = bays_of(session, yard)
    open_slots = list(
        session.scalars(
            select(Transload)
            .where(
                Transload.yard_id == yard.id,
                Transload.state.in_(OPEN_STATES),
                # At the bay, or a booking whose slot has not ended.
                or_(Transload.state.in_(AT_BAY), Transload.ends_at > now),
            )
            .order_by(Transload.starts_at, Transload.id)
        )
    )
    held = [
        t
        for t in session.scalars(
            select(Transload)
            .where(Transload.yard_id == yard.id, Transload.held_at.is_not(None))
            .order_by(Transload.held_at, Transload.id)
        )
        if is_held(t)
    ]
    views = dict(zip(open_slots, transload_views(session, open_slots, now), strict=True))
    rows = []
    for bay in bays:
        mine = [t for t in open_slots if t.bay_id == bay.id]
        current = [t for t in mine if t.state in AT_BAY or t.starts_at <= now]
        upcoming = [t for t in mine if t not in current][:NEXT_SHOWN]
        rows.append(
            BayNow(
                bay=BayRead.model_validate(bay),
                now=[views[t] for t in current],
                next=[views[t] for t in upcoming],
            )
        )
    return Board(yard_id=yard.id, at=now, bays=rows, held=transload_views(session, held, now))
