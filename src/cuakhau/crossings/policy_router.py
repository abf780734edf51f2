from datetime import time
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, status
from pydantic import Field
from sqlalchemy import select

from cuakhau.accounts.deps import require_roles
from cuakhau.core.deps import DbSession
from cuakhau.core.errors import NotFound
from cuakhau.core.registry import apply_changes, ensure_unique, patch_values
from cuakhau.core.schemas import Code, InputSchema, Name, OutputSchema
from cuakhau.crossings.rules import policy
from cuakhau.models import PriorityClass, User
from cuakhau.models.enums import STAFF_ROLES, PriorityMatch, Role

router = APIRouter(tags=["booking rules"])

Admin = Annotated[User, require_roles(Role.admin)]
Reader = Annotated[User, require_roles(*STAFF_ROLES, Role.enterprise)]
Minutes = Annotated[int, Field(ge=0, le=7 * 24 * 60)]
Share = Annotated[Decimal, Field(gt=0, le=1, decimal_places=3)]
Trucks = Annotated[int, Field(ge=1, le=1_000_000)]


class PolicyRead(OutputSchema):
    cancel_cutoff_minutes: int
    late_grace_minutes: int
    no_show_after_minutes: int
    no_show_rate_threshold: Decimal
    no_show_min_bookings: int
    no_show_period_days: int
    peak_share_cap: Decimal
    peak_starts_at: time
    peak_ends_at: time
    max_open_bookings_per_vehicle: int
    booking_horizon_days: int
    warning_yellow: int
    warning_orange: int
    warning_red: int


class PolicyUpdate(InputSchema):
    cancel_cutoff_minutes: Minutes | None = None
    late_grace_minutes: Minutes | None = None
    no_show_after_minutes: Minutes | None = None
    no_show_rate_threshold: Share | None = None
    no_show_min_bookings: Annotated[int | None, Field(ge=1, le=10_000)] = None
    no_show_period_days: Annotated[int | None, Field(ge=1, le=365)] = None
    peak_share_cap: Share | None = None
    peak_starts_at: time | None = None
    peak_ends_at: time | None = None
    max_open_bookings_per_vehicle: Annotated[int | None, Field(ge=1, le=100)] = None
    booking_horizon_days: Annotated[int | None, Field(ge=1, le=60)] = None
    warning_yellow: Trucks | None = None
    warning_orange: Trucks | None = None
    warning_red: Trucks | None = None


class PriorityClassIn(InputSchema):
    code: Code
    name_vi: Name
    name_en: Name
    rank: Annotated[int, Field(ge=1, le=100)]
    match: PriorityMatch
    window_share: Share | None = None


class PriorityClassUpdate(InputSchema):
    name_vi: Name | None = None
    name_en: Name | None = None
    rank: Annotated[int | None, Field(ge=1, le=100)] = None
    window_share: Share | None = None


class PriorityClassRead(OutputSchema):
    id: int
    code: str
    name_vi: str
    name_en: str
    rank: int
    match: PriorityMatch
    window_share: Decimal | None


@router.get("/booking-policy", response_model=PolicyRead)
def read_policy(session: DbSession, _user: Reader) -> Any:
    return PolicyRead.model_validate(policy(session))


@router.patch("/booking-policy", response_model=PolicyRead)
def update_policy(data: PolicyUpdate, session: DbSession, _user: Admin) -> Any:
    current = policy(session)
    apply_changes(current, patch_values(data, nullable=frozenset()))
    session.flush()
    return PolicyRead.model_validate(current)


@router.get("/priority-classes", response_model=list[PriorityClassRead])
def list_priority_classes(session: DbSession, _user: Reader) -> Any:
    rows = session.scalars(select(PriorityClass).order_by(PriorityClass.rank))
    return [PriorityClassRead.model_validate(row) for row in rows]


@router.post(
    "/priority-classes", response_model=PriorityClassRead, status_code=status.HTTP_201_CREATED
)
def create_priority_class(data: PriorityClassIn, session: DbSession, _user: Admin) -> Any:
    ensure_unique(session, PriorityClass.code, data.code, entity="priority_class", field="code")
    ensure_unique(session, PriorityClass.match, data.match, entity="priority_class", field="match")
    row = PriorityClass(**data.model_dump())
    session.add(row)
    session.flush()
    return PriorityClassRead.model_validate(row)


@router.patch("/priority-classes/{class_id}", response_model=PriorityClassRead)
def update_priority_class(
    class_id: int, data: PriorityClassUpdate, session: DbSession, _user: Admin
) -> Any:
    row = session.get(PriorityClass, class_id)
    if row is None:
        raise NotFound("priority_class", class_id)
    apply_changes(row, patch_values(data, nullable=frozenset({"window_share"})))
    session.flush()
    return PriorityClassRead.model_validate(row)
