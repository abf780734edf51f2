from typing import Annotated

from fastapi import Query

from cuakhau.accounts.deps import require_roles
from cuakhau.core.deps import DbSession, Now, api_router
from cuakhau.dashboard.schemas import Dashboard, DashboardQuery
from cuakhau.dashboard.service import dashboard
from cuakhau.models import User
from cuakhau.models.enums import Role

router = api_router(tags=["dashboard"])

Board = Annotated[User, require_roles(Role.board, Role.admin)]


@router.get("/dashboard", response_model=Dashboard)
def board_dashboard(
    session: DbSession, _user: Board, query: Annotated[DashboardQuery, Query()], now: Now
) -> Dashboard:
    """The management board's figures for the zone, or one gate with ``gate_id``:
    the queue now by direction and state, capacity against bookings per window for
    the next 48 hours, today's crossings by hour (zone time), yard occupancy,
    estimate errors per gate over 30 days, and the no-show rate over the booking
    policy's no-show period."""
    return dashboard(session, now, query.gate_id)
