"""Changing a gate's capacity, and the re-plan that follows: replacing a weekly
pattern, adding an override, lifting one. Each change is flushed, then the trucks
booked on the gate are re-planned (``crossings.replan.replan_gate``).

A preview makes the change and its re-plan inside a savepoint and rolls the
savepoint back: the answer says what would move, and the caller's transaction
keeps whatever it wrote before, with nothing of the preview added. Services
flush; the request (or ``session_scope``) commits.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cuakhau.capacity.schemas import (
    CapacityChangeResult,
    OverrideCreate,
    OverrideRead,
    OverrideResult,
    PatternReplace,
)
from cuakhau.capacity.service import get_gate
from cuakhau.core.clock import local_date
from cuakhau.core.errors import Conflict, InvalidInput, NotFound
from cuakhau.crossings.replan import replan_gate
from cuakhau.models import CapacityOverride, CapacityPattern, Gate
from cuakhau.models.enums import LaneKind


@contextmanager
def _savepoint_if(session: Session, preview: bool) -> Iterator[None]:
    """Everything written inside is rolled back at the end when ``preview``."""
    if not preview:
        yield
        return
    savepoint = session.begin_nested()
    try:
        yield
    finally:
        savepoint.rollback()
        # Rows the preview read back (a window's count after its UPDATE) would
        # otherwise keep the preview's values in the identity map. Nothing else is
        # lost: beginning the savepoint flushed everything the caller had written.
        session.expire_all()


def _replanned(session: Session, gate: Gate, now: datetime, preview: bool) -> CapacityChangeResult:
    replan = replan_gate(session, gate, now)
    return CapacityChangeResult(
        preview=preview, changed_windows=replan.changed_windows, moves=replan.moves
    )


def read_pattern(*, session: Session, gate_id: int) -> list[CapacityPattern]:
    get_gate(session=session, gate_id=gate_id)
    return list(
        session.scalars(
            select(CapacityPattern)
            .where(CapacityPattern.gate_id == gate_id)
            .order_by(
                CapacityPattern.direction,
                CapacityPattern.lane,
                CapacityPattern.weekday,
                CapacityPattern.starts_at,
            )
        )
    )


def gate_lanes(session: Session, gate_id: int) -> list[LaneKind]:
    """The lanes a gate's weekly pattern has, in ``LaneKind``'s order."""
    found = set(
        session.scalars(select(CapacityPattern.lane).where(CapacityPattern.gate_id == gate_id))
    )
    return [lane for lane in LaneKind if lane in found]


def replace_pattern(
    *, session: Session, gate_id: int, data: PatternReplace, now: datetime, preview: bool = False
) -> CapacityChangeResult:
    """Replace the weekly pattern of one direction; booked trucks are re-planned."""
    gate = get_gate(session=session, gate_id=gate_id)
    with _savepoint_if(session, preview):
        session.execute(
            delete(CapacityPattern).where(
                CapacityPattern.gate_id == gate.id, CapacityPattern.direction == data.direction
            )
        )
        session.add_all(
            CapacityPattern(
                gate_id=gate.id,
                direction=data.direction,
                lane=window.lane,
                weekday=weekday,
                starts_at=window.starts_at,
                ends_at=window.ends_at,
                capacity=window.capacity,
            )
            for window in data.windows
            for weekday in sorted(set(window.weekdays))
        )
        session.flush()
        return _replanned(session, gate, now, preview)


def list_overrides(*, session: Session, gate_id: int) -> list[CapacityOverride]:
    """The gate's overrides, latest first, lifted ones included."""
    get_gate(session=session, gate_id=gate_id)
    return list(
        session.scalars(
            select(CapacityOverride)
            .where(CapacityOverride.gate_id == gate_id)
            .order_by(CapacityOverride.starts_on.desc(), CapacityOverride.id.desc())
        )
    )


def current_overrides(*, session: Session, gate_id: int, now: datetime) -> list[CapacityOverride]:
    """Active overrides that still apply today or later: the ones worth lifting."""
    today = local_date(now)
    return [
        override
        for override in list_overrides(session=session, gate_id=gate_id)
        if override.is_active and override.ends_on >= today
    ]


def create_override(
    *, session: Session, gate_id: int, data: OverrideCreate, now: datetime, preview: bool = False
) -> OverrideResult:
    """A closure, a reduced rate or a set capacity for a day or a period. The trucks
    that lose their window are moved in the fair order."""
    gate = get_gate(session=session, gate_id=gate_id)
    if data.ends_on < local_date(now):
        raise InvalidInput("override_in_past", field="ends_on")
    same = _same_override_in_force(session, gate, data)
    if same is not None:
        raise Conflict("override_duplicate", id=same.id, reason=same.reason)
    with _savepoint_if(session, preview):
        override = CapacityOverride(gate_id=gate.id, **data.model_dump())
        session.add(override)
        session.flush()
        replanned = _replanned(session, gate, now, preview)
        return OverrideResult(override=OverrideRead.model_validate(override), **dict(replanned))


def _same_override_in_force(
    session: Session, gate: Gate, data: OverrideCreate
) -> CapacityOverride | None:
    """An active override that already makes this change (its reason aside): the
    same form sent twice must not be saved twice. The gate's row is locked first
    (PostgreSQL; SQLite transactions are serial), so two sent at once are
    checked one after the other; the lock leaves bookings, which only refer to
    the gate, free to go on."""
    session.execute(select(Gate.id).where(Gate.id == gate.id).with_for_update(key_share=True))
    return session.scalar(
        select(CapacityOverride)
        .where(
            CapacityOverride.gate_id == gate.id,
            CapacityOverride.is_active.is_(True),
            *(
                getattr(CapacityOverride, name) == value
                if value is not None
                else getattr(CapacityOverride, name).is_(None)
                for name, value in data.model_dump(exclude={"reason"}).items()
            ),
        )
        .order_by(CapacityOverride.id)
        .limit(1)
    )


def deactivate_override(
    *, session: Session, gate_id: int, override_id: int, now: datetime
) -> OverrideResult:
    """Lift an override; capacity that comes back pulls waiting trucks earlier."""
    gate = get_gate(session=session, gate_id=gate_id)
    override = session.get(CapacityOverride, override_id)
    if override is None or override.gate_id != gate.id:
        raise NotFound("override", override_id)
    override.is_active = False
    session.flush()
    replanned = _replanned(session, gate, now, preview=False)
    return OverrideResult(override=OverrideRead.model_validate(override), **dict(replanned))


def replan_for(session: Session, gate: Gate, now: datetime) -> CapacityChangeResult:
    """The re-plan after overrides changed by another service (the counterpart's
    acceptance): the same moves, notices and audit as an officer's change."""
    return _replanned(session, gate, now, preview=False)
