"""The gate officer's view of the other side (docs/counterpart.md): whether its
system is talking to ours, and its acceptance against our capacity, bookings
and crossings, hour by hour."""

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cuakhau.core.clock import local_date
from cuakhau.core.deps import AppSettings, DbSession, Now
from cuakhau.core.schemas import Day, Id
from cuakhau.counterpart import service
from cuakhau.counterpart.hours import acceptance_by_hour
from cuakhau.models.enums import Direction
from cuakhau.web.gate import Officer, chosen_gate
from cuakhau.web.pages import PageRoute, render

router = APIRouter(route_class=PageRoute)


@router.get("/gate/counterpart", response_class=HTMLResponse)
def counterpart_console(
    request: Request,
    session: DbSession,
    _user: Officer,
    now: Now,
    settings: AppSettings,
    gate_id: Id | None = None,
    direction: str | None = None,
    day: Annotated[Day | None, Query()] = None,
) -> HTMLResponse:
    gates, gate, chosen = chosen_gate(session, gate_id, direction)
    shown: date = day or local_date(now)
    return render(
        request,
        "gate_counterpart.html",
        gates=gates,
        directions=list(Direction),
        gate=gate,
        direction=chosen,
        day=shown,
        counterparts=[
            service.status(session, c, now, settings.counterpart_silence_seconds)
            for c in service.gate_counterparts(session=session, gate_id=gate.id)
        ],
        hours=acceptance_by_hour(session=session, gate_id=gate.id, direction=chosen, day=shown),
        back="/gate?" + urlencode({"gate_id": gate.id, "direction": chosen.value}),
    )
