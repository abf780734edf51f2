"""Pages for everyone, without logging in: the zone's gates and the wait times."""

from datetime import datetime
from importlib.resources import files

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.core.deps import DbSession, Now
from cuakhau.crossings.public import shared_wait_times
from cuakhau.models import Gate, Zone
from cuakhau.web.pages import MaybeUser, PageRoute, render

router = APIRouter(route_class=PageRoute)


def _wait_context(request: Request, session: Session, now: datetime) -> dict[str, object]:
    return {"waits": shared_wait_times(request).get(session, now), "now": now}


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: DbSession, _user: MaybeUser, now: Now) -> HTMLResponse:
    """Each gate's wait now (the same answer as ``/wait-times``), then the gates."""
    zone = session.scalar(select(Zone).order_by(Zone.id))
    gates = list(session.scalars(select(Gate).where(Gate.is_active).order_by(Gate.id)))
    context = _wait_context(request, session, now)
    return render(request, "home.html", zone=zone, gates=gates, **context)


@router.get("/wait-times", response_class=HTMLResponse)
def wait_times_page(
    request: Request, session: DbSession, _user: MaybeUser, now: Now
) -> HTMLResponse:
    """The public wait page; its table refreshes when the public event stream says so."""
    return render(request, "wait_times.html", **_wait_context(request, session, now))


@router.get("/wait-times/table", response_class=HTMLResponse)
def wait_times_table(request: Request, session: DbSession, now: Now) -> HTMLResponse:
    """The table alone, fetched again by the page's script on each queue change."""
    return render(request, "_wait_table.html", **_wait_context(request, session, now))


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """The tab's icon, from the package: browsers ask for it at this address on every page."""
    path = files("cuakhau") / "web" / "static" / "favicon.ico"
    return FileResponse(
        str(path), media_type="image/x-icon", headers={"Cache-Control": "public, max-age=86400"}
    )
