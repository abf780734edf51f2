from typing import Annotated, Any

from fastapi import status
from sqlalchemy import select

from cuakhau.accounts.deps import require_roles
from cuakhau.core.deps import DbSession, Now, api_router
from cuakhau.core.errors import NotFound
from cuakhau.core.rows import apply_changes, ensure_unique, patch_values
from cuakhau.core.schemas import Id
from cuakhau.crossings.rules import policy, reckon_no_show_standings
from cuakhau.crossings.schemas import (
    PolicyRead,
    PolicyUpdate,
    PriorityClassIn,
    PriorityClassRead,
    PriorityClassUpdate,
)
from cuakhau.models import PriorityClass, User
from cuakhau.models.enums import STAFF_ROLES, Role

router = api_router(tags=["booking rules"])

Admin = Annotated[User, require_roles(Role.admin)]
Reader = Annotated[User, require_roles(*STAFF_ROLES, Role.enterprise)]


@router.get("/booking-policy", response_model=PolicyRead)
def read_policy(session: DbSession, _user: Reader) -> Any:
    return PolicyRead.model_validate(policy(session))


@router.patch("/booking-policy", response_model=PolicyRead)
def update_policy(data: PolicyUpdate, session: DbSession, _user: Admin, now: Now) -> Any:
    current = policy(session)
    apply_changes(current, patch_values(data, nullable=frozenset()))
    # A new no-show period counts from now, not from the next sweep.
    reckon_no_show_standings(session, now)
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
    class_id: Id, data: PriorityClassUpdate, session: DbSession, _user: Admin
) -> Any:
    row = session.get(PriorityClass, class_id)
    if row is None:
        raise NotFound("priority_class", class_id)
    apply_changes(row, patch_values(data, nullable=frozenset({"window_share"})))
    session.flush()
    return PriorityClassRead.model_validate(row)
