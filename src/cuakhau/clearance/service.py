"""Customs decisions on a crossing. Every change of state goes through
``crossings.states.move``, which refuses what the state does not allow; fields
are set only after the move was allowed, so a refusal changes nothing."""

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cuakhau.clearance.schemas import ClearanceFilters, Declaration
from cuakhau.core.errors import Conflict, NotFound
from cuakhau.crossings.reasons import INSPECTION, QUARANTINE, Reason, say_grounds
from cuakhau.crossings.states import move
from cuakhau.models import Crossing, PriorityClass
from cuakhau.models.enums import CrossingState, CustomsChannel

# Waiting for a customs officer's decision.
BEFORE_CLEARANCE = (CrossingState.arrived, CrossingState.declared, CrossingState.held)


def get_crossing(session: Session, crossing_id: int) -> Crossing:
    crossing = session.get(Crossing, crossing_id)
    if crossing is None:
        raise NotFound("crossing", crossing_id)
    return crossing


def declare(session: Session, crossing: Crossing, data: Declaration, *, at: datetime) -> Crossing:
    move(
        session,
        crossing,
        CrossingState.declared,
        at=at,
        reason=Reason("declared", {"number": data.declaration_no, "channel": data.channel.value}),
    )
    crossing.declaration_no = data.declaration_no
    crossing.channel = data.channel
    crossing.needs_quarantine = data.needs_quarantine
    session.flush()
    return crossing


def hold_grounds(crossing: Crossing) -> list[str]:
    """What keeps a declared crossing from clearing on its documents, as reason codes."""
    grounds = []
    if crossing.channel is CustomsChannel.red:
        grounds.append(INSPECTION)
    if crossing.needs_quarantine:
        grounds.append(QUARANTINE)
    return grounds


def decide(
    session: Session, crossing: Crossing, hold_reason: str | None = None, *, at: datetime
) -> Crossing:
    """Green or yellow without quarantine clears; red or quarantine holds, for the
    officer's words if given, else for its grounds."""
    grounds = hold_grounds(crossing)
    if not grounds:
        channel = crossing.channel  # None: never declared, and the move refuses
        reason = Reason("channel", {"channel": channel.value}) if channel else None
        move(session, crossing, CrossingState.cleared, at=at, reason=reason)
        return crossing
    if hold_reason:
        move(session, crossing, CrossingState.held, at=at, reason=hold_reason)
        crossing.hold_reason, crossing.hold_grounds = hold_reason, None
    else:
        move(
            session,
            crossing,
            CrossingState.held,
            at=at,
            reason=Reason("held", {"grounds": grounds}),
        )
        crossing.hold_reason, crossing.hold_grounds = say_grounds(grounds, "en"), grounds
    session.flush()
    return crossing


def release(session: Session, crossing: Crossing, reason: str, *, at: datetime) -> Crossing:
    # Declared to cleared is allowed, but only through ``decide``: a release of a
    # crossing that was never held would skip the red channel's inspection.
    if crossing.state is not CrossingState.held:
        raise Conflict("release_not_held", id=crossing.id)
    move(session, crossing, CrossingState.cleared, at=at, reason=reason)
    # The hold stays in the crossing's moves; the crossing itself is no longer held.
    crossing.hold_reason = crossing.hold_grounds = None
    session.flush()
    return crossing


def reject(session: Session, crossing: Crossing, reason: str, *, at: datetime) -> Crossing:
    move(session, crossing, CrossingState.rejected, at=at, reason=reason)
    return crossing


def work_list(filters: ClearanceFilters) -> Select[Any]:
    """Perishables first, then by arrival: hours matter for fresh fruit."""
    states = [CrossingState(filters.state)] if filters.state else list(BEFORE_CLEARANCE)
    stmt = (
        select(Crossing)
        .join(PriorityClass, PriorityClass.id == Crossing.priority_class_id)
        .where(Crossing.state.in_(states))
    )
    if filters.gate_id is not None:
        stmt = stmt.where(Crossing.gate_id == filters.gate_id)
    if filters.direction is not None:
        stmt = stmt.where(Crossing.direction == filters.direction)
    if filters.channel is not None:
        stmt = stmt.where(Crossing.channel == filters.channel)
    return stmt.order_by(PriorityClass.rank, Crossing.arrived_at, Crossing.id)
