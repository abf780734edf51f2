"""Yard operators (and gate officers) check trucks in and out; staff read
occupancy and dwell. A yard operator works only in its own yards."""

from typing import Annotated

from fastapi import Query, status

from cuakhau.accounts.deps import require_roles
from cuakhau.core.clock import local_date
from cuakhau.core.deps import AppSettings, DbSession, Now, api_router
from cuakhau.core.rows import page_of, paginate
from cuakhau.core.schemas import Id, Page
from cuakhau.models import User
from cuakhau.models.enums import STAFF_ROLES, Role
from cuakhau.yards import visits
from cuakhau.yards.visits import (
    CheckIn,
    CheckOut,
    DayOccupancy,
    HourQuery,
    Occupancy,
    VisitFilters,
    VisitRead,
)

router = api_router(prefix="/yards/{yard_id}", tags=["yards"])

Operator = Annotated[User, require_roles(Role.yard_operator, Role.gate_officer, Role.admin)]
Reader = Annotated[User, require_roles(*STAFF_ROLES)]


@router.post("/check-in", response_model=VisitRead, status_code=status.HTTP_201_CREATED)
def check_in(
    yard_id: Id,
    data: CheckIn,
    session: DbSession,
    user: Operator,
    now: Now,
    settings: AppSettings,
) -> VisitRead:
    """Takes one space of the truck's class; a booked truck arrives, and with
    ``walk_in`` details a truck without a booking is queued. ``code`` instead of
    ``plate``: the QR code of the booking, as the driver's page shows it; a code
    this installation did not sign is refused (422 ``checkin_code_invalid``), as
    is one of a crossing that is over or at another gate (409)."""
    yard = visits.visible_yard(session, yard_id, user)
    checked = visits.check_in(session, yard, data, now, settings.resolved_secret_key)
    return visits.visit_view(checked, now)


@router.post("/check-out", response_model=VisitRead)
def check_out(
    yard_id: Id, data: CheckOut, session: DbSession, user: Operator, now: Now
) -> VisitRead:
    yard = visits.visible_yard(session, yard_id, user)
    return visits.visit_view(visits.check_out(session, yard, data.plate, now), now)


@router.get("/occupancy", response_model=Occupancy)
def occupancy(yard_id: Id, session: DbSession, user: Reader, now: Now) -> Occupancy:
    yard = visits.visible_yard(session, yard_id, user)
    return visits.occupancy(session, yard, now)


@router.get("/occupancy/hourly", response_model=DayOccupancy)
def hourly_occupancy(
    yard_id: Id,
    session: DbSession,
    user: Reader,
    query: Annotated[HourQuery, Query()],
    now: Now,
) -> DayOccupancy:
    yard = visits.visible_yard(session, yard_id, user)
    return visits.hourly_occupancy(session, yard, query.day or local_date(now))


@router.get("/visits", response_model=Page[VisitRead])
def list_visits(
    yard_id: Id,
    session: DbSession,
    user: Reader,
    filters: Annotated[VisitFilters, Query()],
    now: Now,
) -> Page[VisitRead]:
    yard = visits.visible_yard(session, yard_id, user)
    rows, total = paginate(session, visits.visit_query(yard, filters), filters)
    return page_of(VisitRead, [visits.visit_view(v, now) for v in rows], total, filters)
