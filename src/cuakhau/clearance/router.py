"""Customs officers declare, clear, hold, release and reject crossings."""

from typing import Annotated

from fastapi import Query

from cuakhau.accounts.deps import require_roles
from cuakhau.clearance import service
from cuakhau.clearance.schemas import ClearanceFilters, Decision, Declaration, ReasonGiven
from cuakhau.core.deps import DbSession, Now, api_router
from cuakhau.core.rows import page_of, paginate
from cuakhau.core.schemas import Id, Page
from cuakhau.crossings.schemas import CrossingDetail, CrossingRead
from cuakhau.crossings.views import crossing_detail
from cuakhau.models import User
from cuakhau.models.enums import Role

router = api_router(tags=["clearance"])

Customs = Annotated[User, require_roles(Role.customs, Role.admin)]
Viewer = Annotated[User, require_roles(Role.customs, Role.gate_officer, Role.admin)]


@router.get("/clearance/crossings", response_model=Page[CrossingRead])
def work_list(
    session: DbSession, _user: Viewer, filters: Annotated[ClearanceFilters, Query()]
) -> Page[CrossingRead]:
    """Trucks arrived, declared or held, perishables first: the customs work list."""
    items, total = paginate(session, service.work_list(filters), filters)
    return page_of(CrossingRead, items, total, filters)


@router.post("/crossings/{crossing_id}/declaration", response_model=CrossingDetail)
def declare(
    crossing_id: Id, data: Declaration, session: DbSession, _user: Customs, now: Now
) -> CrossingDetail:
    crossing = service.declare(session, service.get_crossing(session, crossing_id), data, at=now)
    return crossing_detail(session, crossing)


@router.post("/crossings/{crossing_id}/clearance", response_model=CrossingDetail)
def decide(
    crossing_id: Id, data: Decision, session: DbSession, _user: Customs, now: Now
) -> CrossingDetail:
    """Green or yellow without quarantine: cleared. Red channel or quarantine: held."""
    crossing = service.get_crossing(session, crossing_id)
    return crossing_detail(session, service.decide(session, crossing, data.hold_reason, at=now))


@router.post("/crossings/{crossing_id}/release", response_model=CrossingDetail)
def release(
    crossing_id: Id, data: ReasonGiven, session: DbSession, _user: Customs, now: Now
) -> CrossingDetail:
    crossing = service.get_crossing(session, crossing_id)
    return crossing_detail(session, service.release(session, crossing, data.reason, at=now))


@router.post("/crossings/{crossing_id}/reject", response_model=CrossingDetail)
def reject(
    crossing_id: Id, data: ReasonGiven, session: DbSession, _user: Customs, now: Now
) -> CrossingDetail:
    crossing = service.get_crossing(session, crossing_id)
    return crossing_detail(session, service.reject(session, crossing, data.reason, at=now))
