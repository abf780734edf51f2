from typing import Annotated, Any

from fastapi import Query, status
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cuakhau.accounts.deps import require_roles
from cuakhau.capacity.schemas import (
    CapacityChangeResult,
    OverrideCreate,
    OverrideRead,
    OverrideResult,
    PatternReplace,
    PatternWindowRead,
    WindowAvailability,
    WindowsQuery,
)
from cuakhau.capacity.service import ensure_windows
from cuakhau.core.clock import local_date, utcnow
from cuakhau.core.deps import DbSession, api_router
from cuakhau.core.errors import InvalidInput, NotFound
from cuakhau.crossings.replan import Replan, replan_gate
from cuakhau.models import CapacityOverride, CapacityPattern, Gate, User
from cuakhau.models.enums import STAFF_ROLES, Role

router = api_router(prefix="/gates/{gate_id}", tags=["capacity"])

Planner = Annotated[User, require_roles(Role.admin, Role.gate_officer)]
Staff = Annotated[User, require_roles(*STAFF_ROLES)]
Preview = Annotated[bool, Query(description="Compute the re-plan without saving it.")]

# A public question must not make the server build years of windows.
MAX_DAYS_ASKED = 31


def _gate(session: Session, gate_id: int) -> Gate:
    gate = session.get(Gate, gate_id)
    if gate is None:
        raise NotFound("gate", gate_id)
    return gate


def _result(replan: Replan, preview: bool) -> dict[str, Any]:
    return {
        "preview": preview,
        "changed_windows": replan.changed_windows,
        "moves": replan.moves,
    }


@router.get("/windows", response_model=list[WindowAvailability])
def gate_windows(gate_id: int, session: DbSession, query: Annotated[WindowsQuery, Query()]) -> Any:
    """Capacity, booked, free, open or closed, per window (public: no login)."""
    gate = _gate(session, gate_id)
    today = local_date(utcnow())
    first = query.start or today
    last = query.end or first
    if last < first or (last - first).days >= MAX_DAYS_ASKED:
        raise InvalidInput("period_too_long", field="to", days=MAX_DAYS_ASKED)
    windows = ensure_windows(session, gate, query.direction, first, last)
    return [
        WindowAvailability(
            id=w.id,
            starts_at=w.starts_at,
            ends_at=w.ends_at,
            capacity=w.capacity,
            booked=w.booked,
            free=max(w.capacity - w.booked, 0),
            open=w.capacity > 0,
            note=w.note,
        )
        for w in windows
    ]


@router.get("/capacity-pattern", response_model=list[PatternWindowRead])
def read_pattern(gate_id: int, session: DbSession, _user: Staff) -> Any:
    _gate(session, gate_id)
    rows = session.scalars(
        select(CapacityPattern)
        .where(CapacityPattern.gate_id == gate_id)
        .order_by(CapacityPattern.direction, CapacityPattern.weekday, CapacityPattern.starts_at)
    )
    return [PatternWindowRead.model_validate(row) for row in rows]


@router.put("/capacity-pattern", response_model=CapacityChangeResult)
def replace_pattern(
    gate_id: int,
    data: PatternReplace,
    session: DbSession,
    _user: Planner,
    preview: Preview = False,
) -> Any:
    """Replace the weekly pattern of one direction; booked trucks are re-planned."""
    gate = _gate(session, gate_id)
    session.execute(
        delete(CapacityPattern).where(
            CapacityPattern.gate_id == gate.id, CapacityPattern.direction == data.direction
        )
    )
    session.add_all(
        CapacityPattern(
            gate_id=gate.id,
            direction=data.direction,
            weekday=weekday,
            starts_at=window.starts_at,
            ends_at=window.ends_at,
            capacity=window.capacity,
        )
        for window in data.windows
        for weekday in sorted(set(window.weekdays))
    )
    session.flush()
    result = CapacityChangeResult(**_result(replan_gate(session, gate, utcnow()), preview))
    if preview:
        session.rollback()
    return result


@router.get("/overrides", response_model=list[OverrideRead])
def list_overrides(gate_id: int, session: DbSession, _user: Staff) -> Any:
    _gate(session, gate_id)
    rows = session.scalars(
        select(CapacityOverride)
        .where(CapacityOverride.gate_id == gate_id)
        .order_by(CapacityOverride.starts_on.desc(), CapacityOverride.id.desc())
    )
    return [OverrideRead.model_validate(row) for row in rows]


@router.post("/overrides", response_model=OverrideResult, status_code=status.HTTP_201_CREATED)
def create_override(
    gate_id: int,
    data: OverrideCreate,
    session: DbSession,
    _user: Planner,
    preview: Preview = False,
) -> Any:
    """A closure, a reduced rate or a set capacity for a day or a period. The trucks
    that lose their window are moved in the fair order; ``preview`` shows the
    moves without saving anything."""
    gate = _gate(session, gate_id)
    today = local_date(utcnow())
    if data.ends_on < today:
        raise InvalidInput("override_in_past", field="ends_on")
    override = CapacityOverride(gate_id=gate.id, **data.model_dump())
    session.add(override)
    session.flush()
    result = OverrideResult(
        override=OverrideRead.model_validate(override),
        **_result(replan_gate(session, gate, utcnow()), preview),
    )
    if preview:
        session.rollback()
    return result


@router.post("/overrides/{override_id}/deactivate", response_model=OverrideResult)
def deactivate_override(gate_id: int, override_id: int, session: DbSession, _user: Planner) -> Any:
    """Lift an override; capacity that comes back pulls waiting trucks earlier."""
    gate = _gate(session, gate_id)
    override = session.get(CapacityOverride, override_id)
    if override is None or override.gate_id != gate.id:
        raise NotFound("override", override_id)
    override.is_active = False
    session.flush()
    return OverrideResult(
        override=OverrideRead.model_validate(override),
        **_result(replan_gate(session, gate, utcnow()), False),
    )
