"""A transload's slot: booked, the vehicle at the bay, the work started, the
inbound cargo unloaded (counted in), loaded out (counted out), or cancelled or
a no-show, or turned back with its crossing (``slot.MOVES``, the only moves).
Each step's moment is given by the caller.

The slot's crossing, when it has one handed over by transload, takes the
matching step of the crossing's own state machine (``crossings/states.py``) in
the same transaction: at the bay when the vehicle arrives, unloaded, loaded
onto the outbound vehicle, and released once no hold keeps the cargo. A step
the crossing's machine refuses refuses the slot's step too. This module keeps
the bay's side."""

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cuakhau.core.errors import Conflict, InvalidInput, NotFound
from cuakhau.core.rows import ensure_active_reference
from cuakhau.crossings.reasons import Reason
from cuakhau.fees.service import charge_transload
from cuakhau.handovers.service import record_step
from cuakhau.models import Crossing, Enterprise, Transload, TransloadBay, User, Yard
from cuakhau.models.enums import CrossingState, HandoverMode, Role, TransloadState
from cuakhau.transload.hours import HOUR, hour_starts, slot_hours, take_hours
from cuakhau.transload.reconcile import (
    Tolerance,
    beyond_tolerance,
    cold_chain_gaps,
    hours_in_zone,
)
from cuakhau.transload.schemas import (
    Gap,
    LoadedOut,
    TransloadBooking,
    TransloadFilters,
    TransloadRead,
    Unloaded,
)
from cuakhau.transload.setup import yard_bay
from cuakhau.transload.slot import end_slot, give_back_from, move

S = TransloadState
BOOKING_ROLES = (Role.enterprise, Role.yard_operator, Role.admin)
OPERATOR_ROLES = (Role.yard_operator, Role.admin)
RELEASE_ROLES = (Role.customs, Role.admin)


def _owner(session: Session, data: TransloadBooking, user: User | None) -> int:
    if user is not None and user.role is Role.enterprise:
        assert user.enterprise_id is not None
        if data.enterprise_id not in (None, user.enterprise_id):
            raise InvalidInput(
                "referenced_missing",
                field="enterprise_id",
                entity="enterprise",
                id=data.enterprise_id,
            )
        return user.enterprise_id
    if data.enterprise_id is None:
        raise InvalidInput("missing", field="enterprise_id")
    ensure_active_reference(
        session, Enterprise, data.enterprise_id, entity="enterprise", field="enterprise_id"
    )
    return data.enterprise_id


def _crossing(session: Session, crossing_id: int | None, enterprise_id: int) -> Crossing | None:
    if crossing_id is None:
        return None
    crossing = session.get(Crossing, crossing_id)
    if crossing is None or crossing.enterprise_id != enterprise_id:
        raise InvalidInput(
            "referenced_missing", field="crossing_id", entity="crossing", id=crossing_id
        )
    return crossing


def book(
    session: Session, yard: Yard, data: TransloadBooking, user: User | None, now: datetime
) -> Transload:
    """Take the bay's hours the cargo needs, from ``starts_at`` (on the hour,
    still to come), and a stevedore team for each."""
    enterprise_id = _owner(session, data, user)
    bay = yard_bay(session, yard, data.bay_id, field="bay_id")
    if not bay.is_active:
        raise InvalidInput("referenced_missing", field="bay_id", entity="transload_bay", id=bay.id)
    starts_at = data.starts_at
    if starts_at.minute or starts_at.second or starts_at.microsecond:
        raise InvalidInput("transload_not_on_hour", field="starts_at")
    if starts_at <= now:
        raise InvalidInput("transload_slot_past", field="starts_at")
    crossing = _crossing(session, data.crossing_id, enterprise_id)
    ends_at = starts_at + slot_hours(bay, data.weight_kg, data.containers) * HOUR
    take_hours(session, bay, hour_starts(starts_at, ends_at))
    transload = Transload(
        yard_id=yard.id,
        bay_id=bay.id,
        crossing_id=crossing.id if crossing else None,
        enterprise_id=enterprise_id,
        inbound_plate=data.inbound_plate,
        outbound_plate=data.outbound_plate,
        cargo=data.cargo,
        perishable=data.perishable,
        weight_kg=data.weight_kg,
        containers=data.containers,
        state=S.booked,
        starts_at=starts_at,
        ends_at=ends_at,
        in_zone_since=crossing.arrived_at if crossing else None,
    )
    session.add(transload)
    session.flush()
    return transload


def get_transload(session: Session, transload_id: int, user: User | None) -> Transload:
    """Locked for the move about to be made (PostgreSQL; SQLite transactions are
    serial). Outside the caller's view (another enterprise's, another operator's
    yard) it is a 404."""
    transload = session.get(Transload, transload_id, with_for_update=True)
    if transload is None or not _sees(session, transload, user):
        raise NotFound("transload", transload_id)
    return transload


def _sees(session: Session, transload: Transload, user: User | None) -> bool:
    if user is None:
        return True
    if user.role is Role.enterprise:
        return transload.enterprise_id == user.enterprise_id
    if user.role is Role.yard_operator:
        yard = session.get_one(Yard, transload.yard_id)
        return yard.operator_id == user.enterprise_id
    return True


def _crossing_step(
    session: Session, transload: Transload, to_state: CrossingState, at: datetime
) -> None:
    if transload.crossing_id is None:
        return
    crossing = session.get_one(Crossing, transload.crossing_id)
    if crossing.handover_mode is not HandoverMode.transload:
        return
    bay = session.get_one(TransloadBay, transload.bay_id)
    record_step(
        session,
        crossing,
        to_state,
        at=at,
        reason=Reason("transload_slot", {"bay": bay.code}),
        yard_id=transload.yard_id,
        outbound_plate=transload.outbound_plate,
    )


def arrive(session: Session, transload: Transload, at: datetime) -> Transload:
    move(transload, S.arrived)
    _crossing_step(session, transload, CrossingState.at_bay, at)
    transload.arrived_at = at
    # Cargo without a crossing of ours came into the zone with its vehicle, now.
    transload.in_zone_since = transload.in_zone_since or at
    return transload


def start(transload: Transload, at: datetime) -> Transload:
    move(transload, S.started)
    transload.started_at = at
    return transload


def unloaded(session: Session, transload: Transload, data: Unloaded, at: datetime) -> Transload:
    move(transload, S.unloaded)
    _crossing_step(session, transload, CrossingState.unloaded, at)
    transload.unloaded_at = at
    transload.packages_in = data.packages
    transload.weight_in_kg = data.weight_kg
    return transload


def loaded_out(
    session: Session, transload: Transload, data: LoadedOut, tolerance: Tolerance, at: datetime
) -> Transload:
    """Counted onto the outbound vehicle; a difference beyond the tolerance holds
    the cargo for customs, with both counts. Hours of the slot not begun are
    given back. A transload with no crossing of ours is charged now."""
    move(transload, S.finished)
    transload.finished_at = transload.ended_at = at
    transload.packages_out = data.packages
    transload.weight_out_kg = data.weight_kg
    if data.outbound_plate is not None:
        transload.outbound_plate = data.outbound_plate
    assert transload.packages_in is not None
    assert transload.weight_in_kg is not None
    _crossing_step(session, transload, CrossingState.loaded, at)
    if beyond_tolerance(
        transload.packages_in, transload.weight_in_kg, data.packages, data.weight_kg, tolerance
    ):
        transload.held_at = at
    else:
        _crossing_step(session, transload, CrossingState.released, at)
    give_back_from(session, transload, at)
    session.flush()
    if transload.crossing_id is None:
        # No crossing of ours to carry its fees: its own receipt, now.
        charge_transload(session, transload, at)
    return transload


def cancel(session: Session, transload: Transload, at: datetime) -> Transload:
    return _end(session, transload, S.cancelled, at)


def no_show(session: Session, transload: Transload, at: datetime) -> Transload:
    if at < transload.starts_at:
        raise Conflict("transload_not_due", id=transload.id)
    return _end(session, transload, S.no_show, at)


def _end(session: Session, transload: Transload, to: TransloadState, at: datetime) -> Transload:
    end_slot(session, transload, to, at)
    return transload


def release_hold(session: Session, transload: Transload, reason: str, at: datetime) -> Transload:
    """Customs lets held cargo go, saying why; the counts stay as they were."""
    if transload.held_at is None or transload.hold_released_at is not None:
        raise Conflict("transload_not_held", id=transload.id)
    _crossing_step(session, transload, CrossingState.released, at)
    transload.hold_released_at = at
    transload.hold_release_reason = reason
    return transload


def is_held(transload: Transload) -> bool:
    return transload.held_at is not None and transload.hold_released_at is None


def transload_query(yard: Yard, filters: TransloadFilters, user: User) -> Select[Any]:
    stmt = select(Transload).where(Transload.yard_id == yard.id)
    if user.role is Role.enterprise:
        stmt = stmt.where(Transload.enterprise_id == user.enterprise_id)
    if filters.state is not None:
        stmt = stmt.where(Transload.state == filters.state)
    if filters.held is not None:
        held = Transload.held_at.is_not(None) & Transload.hold_released_at.is_(None)
        stmt = stmt.where(held if filters.held else ~held)
    return stmt.order_by(Transload.starts_at, Transload.id)


def transload_views(
    session: Session, transloads: list[Transload], now: datetime
) -> list[TransloadRead]:
    """With each one's bay kind read once for all."""
    bay_ids = {t.bay_id for t in transloads}
    kinds = dict(
        session.execute(
            select(TransloadBay.id, TransloadBay.kind).where(TransloadBay.id.in_(bay_ids))
        ).all()
    )
    return [transload_view(t, kinds[t.bay_id], now) for t in transloads]


def transload_view(transload: Transload, bay_kind: Any, now: datetime) -> TransloadRead:
    gaps = [
        Gap(starts_at=start, ends_at=end, minutes=int((end - start).total_seconds() // 60))
        for start, end in cold_chain_gaps(transload, bay_kind, now)
    ]
    return TransloadRead.model_validate(
        {
            **{c.key: getattr(transload, c.key) for c in Transload.__table__.columns},
            "held": is_held(transload),
            "hours_in_zone": hours_in_zone(transload, now),
            "cold_chain_gaps": gaps,
        }
    )
