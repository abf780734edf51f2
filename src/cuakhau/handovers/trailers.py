"""What the yards hold of the trailer swaps (docs/handovers.md): the trailers
standing without their tractors, the queue waiting for a transfer driver
against the drivers on duty, and the hand-backs overdue. An overdue hand-back
is read at each look, not stored: nothing has to run for it to appear."""

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from cuakhau.capacity.service import get_gate
from cuakhau.core.errors import InvalidInput
from cuakhau.handovers.schemas import TrailerRead, TransferQueue, TransferShiftIn
from cuakhau.models import Crossing, Enterprise, TrailerStay, TransferShift, User, Yard
from cuakhau.models.enums import Role, Side, TrailerWait

HOUR = timedelta(hours=1)


def trailers(
    session: Session,
    now: datetime,
    overdue_hours: int,
    *,
    gate_id: int | None = None,
    yard_id: int | None = None,
    waits_for: TrailerWait | None = None,
    overdue_only: bool = False,
    operator_id: int | None = None,
) -> list[TrailerRead]:
    """The trailers standing in yards now, longest waiting first; only the
    yards one enterprise runs when ``operator_id`` is given (a yard operator's)."""
    query = (
        select(
            TrailerStay,
            Crossing.direction,
            Enterprise.name_vi,
            Yard,
            _overdue(now, overdue_hours).label("overdue"),
        )
        .join(Crossing, Crossing.id == TrailerStay.crossing_id)
        .join(Enterprise, Enterprise.id == TrailerStay.enterprise_id)
        .join(Yard, Yard.id == TrailerStay.yard_id)
        .where(TrailerStay.left_at.is_(None))
        .order_by(TrailerStay.since, TrailerStay.id)
    )
    if gate_id is not None:
        query = query.where(Yard.gate_id == gate_id)
    if yard_id is not None:
        query = query.where(TrailerStay.yard_id == yard_id)
    if waits_for is not None:
        query = query.where(TrailerStay.waits_for == waits_for)
    if operator_id is not None:
        query = query.where(Yard.operator_id == operator_id)
    if overdue_only:
        query = query.where(_overdue(now, overdue_hours))
    return [
        _read(stay, direction, owner, yard, now, bool(overdue))
        for stay, direction, owner, yard, overdue in session.execute(query)
    ]


def _read(
    stay: TrailerStay, direction: object, owner: str, yard: Yard, now: datetime, overdue: bool
) -> TrailerRead:
    waited = max(now - stay.since, timedelta())
    return TrailerRead(
        trailer_plate=stay.trailer_plate,
        crossing_id=stay.crossing_id,
        enterprise_id=stay.enterprise_id,
        enterprise_name=owner,
        yard_id=yard.id,
        yard_name=yard.name_vi,
        gate_id=yard.gate_id,
        direction=direction,
        waits_for=stay.waits_for,
        is_loaded=stay.is_loaded,
        since=stay.since,
        hours=int(waited / HOUR),
        overdue=overdue,
    )


def _overdue(now: datetime, overdue_hours: int) -> ColumnElement[bool]:
    """Back from across and not handed back for more than the hours set."""
    return and_(
        TrailerStay.waits_for == TrailerWait.hand_back,
        TrailerStay.since < now - overdue_hours * HOUR,
    )


def overdue_count(
    session: Session, now: datetime, overdue_hours: int, operator_id: int | None = None
) -> int:
    """Hand-backs overdue (in one enterprise's yards, or the zone's): the
    alert's figure for the yard operator and the board."""
    query = (
        select(func.count())
        .select_from(TrailerStay)
        .join(Yard, Yard.id == TrailerStay.yard_id)
        .where(TrailerStay.left_at.is_(None), _overdue(now, overdue_hours))
    )
    if operator_id is not None:
        query = query.where(Yard.operator_id == operator_id)
    return session.scalar(query) or 0


def operator_scope(user: User) -> int | None:
    """A yard operator sees its own enterprise's yards (none without one: no
    yard has id 0); other staff see all."""
    return (user.enterprise_id or 0) if user.role is Role.yard_operator else None


def drivers_on_duty(session: Session, gate_id: int, now: datetime) -> dict[Side, int]:
    on_duty = dict(
        session.execute(
            select(TransferShift.side, func.sum(TransferShift.drivers))
            .where(
                TransferShift.gate_id == gate_id,
                TransferShift.starts_at <= now,
                TransferShift.ends_at > now,
            )
            .group_by(TransferShift.side)
        ).all()
    )
    return {side: int(on_duty.get(side) or 0) for side in Side}


def transfer_queue(
    session: Session,
    gate_id: int,
    now: datetime,
    overdue_hours: int,
    operator_id: int | None = None,
) -> TransferQueue:
    """The gate's trailers waiting for a transfer driver, and how far the
    drivers on duty now fall short of them (a driver takes one at a time)."""
    get_gate(session=session, gate_id=gate_id)
    waiting = trailers(
        session,
        now,
        overdue_hours,
        gate_id=gate_id,
        waits_for=TrailerWait.transfer_driver,
        operator_id=operator_id,
    )
    on_duty = drivers_on_duty(session, gate_id, now)
    return TransferQueue(
        gate_id=gate_id,
        drivers_on_duty=on_duty,
        waiting=waiting,
        short_by=max(len(waiting) - sum(on_duty.values()), 0),
    )


def add_shift(session: Session, gate_id: int, data: TransferShiftIn) -> TransferShift:
    """A shift of transfer drivers at a gate (ours or the other side's)."""
    get_gate(session=session, gate_id=gate_id)
    if data.starts_at >= data.ends_at:
        raise InvalidInput("shift_order", field="ends_at")
    shift = TransferShift(gate_id=gate_id, **data.model_dump())
    session.add(shift)
    session.flush()
    return shift


def shifts(session: Session, gate_id: int, since: datetime) -> list[TransferShift]:
    get_gate(session=session, gate_id=gate_id)
    return list(
        session.scalars(
            select(TransferShift)
            .where(TransferShift.gate_id == gate_id, TransferShift.ends_at > since)
            .order_by(TransferShift.starts_at, TransferShift.id)
        )
    )
