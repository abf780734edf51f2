"""A transshipment yard's set-up: the flag, its bays and its stevedore shifts.
Every change is a change of an audited row (``audit/recorder.py``)."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.core.errors import Conflict, InvalidInput, NotFound
from cuakhau.core.rows import apply_changes, patch_values
from cuakhau.models import StevedoreShift, TransloadBay, User, Yard
from cuakhau.models.enums import Role
from cuakhau.transload.hours import reset_bay_hours, reset_stevedore_hours
from cuakhau.transload.schemas import BayCreate, BayUpdate, Shifts, YardSetup
from cuakhau.yards.visits import visible_yard, visible_yards

# Who sets a yard up: the administrator, or the yard's own operator.
SETUP_ROLES = (Role.admin, Role.yard_operator)


def transshipment_yard(session: Session, yard_id: int, user: User | None) -> Yard:
    """A transshipment yard the user may work in (a yard operator only its own)."""
    yard = visible_yard(session, yard_id, user) if user is not None else session.get(Yard, yard_id)
    if yard is None:
        raise NotFound("yard", yard_id)
    if not yard.is_transshipment:
        raise Conflict("yard_not_transshipment", yard=yard.code)
    return yard


def transshipment_yards(session: Session, user: User) -> list[Yard]:
    """The transshipment yards the user works in."""
    return [yard for yard in visible_yards(session, user) if yard.is_transshipment]


def other_yards(session: Session, user: User) -> list[Yard]:
    """The yards the user works in that are not transshipment yards (yet)."""
    return [yard for yard in visible_yards(session, user) if not yard.is_transshipment]


def shown_yard(session: Session, user: User, yard_id: int | None, yards: list[Yard]) -> Yard | None:
    """The yard a page shows: the one asked for (404 outside the user's, 409
    not a transshipment yard), else the first of the user's."""
    if yard_id is not None:
        return transshipment_yard(session, yard_id, user)
    return yards[0] if yards else None


def set_up_yard(session: Session, yard: Yard, data: YardSetup) -> Yard:
    apply_changes(yard, {"is_transshipment": data.is_transshipment})
    session.flush()
    return yard


def bays_of(session: Session, yard: Yard) -> list[TransloadBay]:
    return list(
        session.scalars(
            select(TransloadBay).where(TransloadBay.yard_id == yard.id).order_by(TransloadBay.code)
        )
    )


def add_bay(session: Session, yard: Yard, data: BayCreate) -> TransloadBay:
    taken = select(TransloadBay.id).where(
        TransloadBay.yard_id == yard.id, TransloadBay.code == data.code
    )
    if session.scalar(taken) is not None:
        raise Conflict("duplicate", entity="transload_bay", field="code", value=data.code)
    bay = TransloadBay(yard_id=yard.id, **data.model_dump())
    session.add(bay)
    session.flush()
    return bay


def yard_bay(
    session: Session, yard: Yard, bay_id: int, *, field: str | None = None
) -> TransloadBay:
    """A bay of this yard; as a reference in a body (``field``), a missing one is a 422."""
    bay = session.get(TransloadBay, bay_id)
    if bay is None or bay.yard_id != yard.id:
        if field is not None:
            raise InvalidInput("referenced_missing", field=field, entity="transload_bay", id=bay_id)
        raise NotFound("transload_bay", bay_id)
    return bay


def change_bay(session: Session, bay: TransloadBay, data: BayUpdate, now: datetime) -> TransloadBay:
    apply_changes(bay, patch_values(data, nullable=frozenset()))
    session.flush()
    reset_bay_hours(session, bay, now)
    return bay


def shifts_of(session: Session, yard: Yard) -> list[StevedoreShift]:
    return list(
        session.scalars(
            select(StevedoreShift)
            .where(StevedoreShift.yard_id == yard.id)
            .order_by(StevedoreShift.starts_at)
        )
    )


def set_shifts(session: Session, yard: Yard, data: Shifts, now: datetime) -> list[StevedoreShift]:
    """Replace the yard's shift pattern; shifts may not overlap (a team is
    counted once an hour). Rows kept where a shift starts at the same time, so
    the audit log shows the change of a count."""
    check_no_overlap(data)
    current = {shift.starts_at: shift for shift in shifts_of(session, yard)}
    wanted = {shift.starts_at: shift for shift in data.shifts}
    for starts_at, shift in current.items():
        if starts_at not in wanted:
            session.delete(shift)
    session.flush()
    for starts_at, given in wanted.items():
        values = {"ends_at": given.ends_at, "teams": given.teams}
        if starts_at in current:
            apply_changes(current[starts_at], values)
        else:
            session.add(StevedoreShift(yard_id=yard.id, starts_at=starts_at, **values))
    session.flush()
    reset_stevedore_hours(session, yard.id, now)
    return shifts_of(session, yard)


def _minutes(shift_start: int, shift_end: int) -> set[int]:
    """The quarter hours of the day a shift covers (past midnight, it wraps)."""
    end = shift_end if shift_end > shift_start else shift_end + 24 * 60
    return {minute % (24 * 60) for minute in range(shift_start, end, 15)}


def check_no_overlap(data: Shifts) -> None:
    """Shifts may not overlap: a team is counted once an hour."""
    covered: set[int] = set()
    for index, shift in enumerate(data.shifts):
        start = shift.starts_at.hour * 60 + shift.starts_at.minute
        end = shift.ends_at.hour * 60 + shift.ends_at.minute
        minutes = _minutes(start, end)
        if covered & minutes:
            raise InvalidInput("stevedore_shifts_overlap", field=f"shifts.{index}")
        covered |= minutes
