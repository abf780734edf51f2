"""HTTP for a gate's capacity: its windows (public), its weekly pattern and its
overrides. The changes and their re-plan are ``capacity.planning``'s."""

from typing import Annotated, Any

from fastapi import Query, status

from cuakhau.accounts.deps import require_roles
from cuakhau.capacity import planning
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
from cuakhau.capacity.service import window_availability
from cuakhau.core.deps import DbSession, Now, api_router
from cuakhau.core.schemas import Id
from cuakhau.models import User
from cuakhau.models.enums import STAFF_ROLES, Role

router = api_router(prefix="/gates/{gate_id}", tags=["capacity"])

Planner = Annotated[User, require_roles(Role.admin, Role.gate_officer)]
Staff = Annotated[User, require_roles(*STAFF_ROLES)]
Preview = Annotated[bool, Query(description="Compute the re-plan without saving it.")]


@router.get("/windows", response_model=list[WindowAvailability])
def gate_windows(
    gate_id: Id, session: DbSession, query: Annotated[WindowsQuery, Query()], now: Now
) -> Any:
    """Capacity, booked, free, open or closed, per window (public: no login)."""
    return window_availability(session=session, gate_id=gate_id, query=query, now=now)


@router.get("/capacity-pattern", response_model=list[PatternWindowRead])
def read_pattern(gate_id: Id, session: DbSession, _user: Staff) -> Any:
    rows = planning.read_pattern(session=session, gate_id=gate_id)
    return [PatternWindowRead.model_validate(row) for row in rows]


@router.put("/capacity-pattern", response_model=CapacityChangeResult)
def replace_pattern(
    gate_id: Id,
    data: PatternReplace,
    session: DbSession,
    _user: Planner,
    now: Now,
    preview: Preview = False,
) -> Any:
    """Replace the weekly pattern of one direction; booked trucks are re-planned."""
    return planning.replace_pattern(
        session=session, gate_id=gate_id, data=data, now=now, preview=preview
    )


@router.get("/overrides", response_model=list[OverrideRead])
def list_overrides(gate_id: Id, session: DbSession, _user: Staff) -> Any:
    rows = planning.list_overrides(session=session, gate_id=gate_id)
    return [OverrideRead.model_validate(row) for row in rows]


@router.post("/overrides", response_model=OverrideResult, status_code=status.HTTP_201_CREATED)
def create_override(
    gate_id: Id,
    data: OverrideCreate,
    session: DbSession,
    _user: Planner,
    now: Now,
    preview: Preview = False,
) -> Any:
    """A closure, a reduced rate or a set capacity for a day or a period. The trucks
    that lose their window are moved in the fair order; ``preview`` shows the
    moves without saving anything."""
    return planning.create_override(
        session=session, gate_id=gate_id, data=data, now=now, preview=preview
    )


@router.post("/overrides/{override_id}/deactivate", response_model=OverrideResult)
def deactivate_override(
    gate_id: Id, override_id: Id, session: DbSession, _user: Planner, now: Now
) -> Any:
    """Lift an override; capacity that comes back pulls waiting trucks earlier."""
    return planning.deactivate_override(
        session=session, gate_id=gate_id, override_id=override_id, now=now
    )
