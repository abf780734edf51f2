"""The trailer list (docs/handovers.md): the trailers standing in the yards
without their tractors — whose, where, since when, loaded or empty — the
hand-backs overdue, and each gate's trailers waiting for a transfer driver
against the drivers on duty. For the yard operator (its own yards), the gate
officer and the board; it calls ``handovers.trailers`` as the API does."""

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from cuakhau.core.deps import AppSettings, DbSession, Now
from cuakhau.core.schemas import Id
from cuakhau.handovers import trailers
from cuakhau.models import Gate, User
from cuakhau.models.enums import Role
from cuakhau.web import i18n
from cuakhau.web.pages import PageRoute, page_roles, render

router = APIRouter(route_class=PageRoute)

TrailerUser = Annotated[
    User, page_roles(Role.yard_operator, Role.gate_officer, Role.board, Role.admin)
]


@router.get("/yard/trailers", response_class=HTMLResponse)
def trailer_list(
    request: Request,
    session: DbSession,
    now: Now,
    settings: AppSettings,
    user: TrailerUser,
    gate_id: Id | None = None,
) -> HTMLResponse:
    hours = settings.hand_back_overdue_hours
    scope = trailers.operator_scope(user)
    swapping = select(Gate).where(Gate.is_active, Gate.offers_trailer_swap).order_by(Gate.id)
    if gate_id is not None:
        swapping = swapping.where(Gate.id == gate_id)
    return render(
        request,
        "trailers.html",
        trailers=trailers.trailers(session, now, hours, gate_id=gate_id, operator_id=scope),
        overdue=trailers.overdue_count(session, now, hours, scope),
        overdue_hours=hours,
        queues=[
            (gate, trailers.transfer_queue(session, gate.id, now, hours, scope))
            for gate in session.scalars(swapping)
        ],
        # The words the other side's drivers read, beside ours.
        zh=lambda key: i18n.translate(key, "zh"),
    )
