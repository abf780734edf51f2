"""Pages for drivers, without logging in: a truck's own page behind the signed
link sent with its booking's notice (``crossings.driver_link``), and the display
board at a gate or a yard. Both speak Vietnamese, English and Chinese and are
made to be read outdoors: large type, high contrast."""

from datetime import datetime
from importlib.resources import files
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from cuakhau.core.clock import CHINA_TZ
from cuakhau.core.deps import AppSettings, DbSession, Now
from cuakhau.core.errors import DomainError, NotFound
from cuakhau.core.messages import DRIVER_LANGUAGES
from cuakhau.core.schemas import Id
from cuakhau.crossings.display import display_board
from cuakhau.crossings.driver_link import driver_view, path_for
from cuakhau.models import Gate, Yard
from cuakhau.web import i18n
from cuakhau.web.pages import PageRoute, render

router = APIRouter(route_class=PageRoute)

Token = Annotated[str, Path(max_length=100)]
_SERVICE_WORKER = files("cuakhau") / "web" / "static" / "driver-sw.js"


def qr_svg(content: str) -> Markup:
    """The QR code as inline SVG, made here: no image service, works offline."""
    code = segno.make(content, error="m")
    return Markup(code.svg_inline(border=4, dark="#000", light="#fff", omitsize=True))


def _languages(request: Request) -> list[dict[str, str]]:
    """Links to the same page in each language, named in their own."""
    return [
        {
            "code": code,
            "name": i18n.translate("language_name", code),
            "url": f"{request.url.path}?lang={code}",
        }
        for code in DRIVER_LANGUAGES
    ]


def _driver_values(session: Session, secret: str, token: str, now: datetime) -> dict[str, Any]:
    view = driver_view(session, secret, token, now)
    return {
        "view": view,
        "crossing": view.crossing,
        "now": now,
        "token": token,
        "china": lambda moment: moment.astimezone(CHINA_TZ).strftime("%H:%M"),
    }


def _driver_render(
    request: Request, template: str, status_code: int = 200, **values: Any
) -> HTMLResponse:
    language = i18n.driver_language(request)
    return render(
        request,
        template,
        status_code=status_code,
        language=language,
        languages=_languages(request),
        **values,
    )


def _refused(request: Request, error: DomainError) -> HTMLResponse:
    """A link that does not work says why, in the driver's language, on a page of
    its own: the site's pages around it are not the driver's."""
    message = i18n.translate(error.code, i18n.driver_language(request), **error.params)
    return _driver_render(
        request, "driver_refused.html", status_code=error.status_code, message=message
    )


@router.get("/d/sw.js", include_in_schema=False)
def service_worker() -> Response:
    """Served from ``/d/`` so that it may keep the drivers' pages for offline."""
    return Response(
        _SERVICE_WORKER.read_text(encoding="utf-8"),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache"},
    )


@router.get("/d/{token}", response_class=HTMLResponse)
def driver_page(
    request: Request, token: Token, session: DbSession, settings: AppSettings, now: Now
) -> HTMLResponse:
    """One truck's page: its window, place in the queue and estimate, its state,
    and the QR code the yard scans at check-in (the page's own address)."""
    try:
        values = _driver_values(session, settings.resolved_secret_key, token, now)
    except DomainError as error:
        return _refused(request, error)
    address = str(request.base_url).rstrip("/") + path_for(
        values["crossing"], settings.resolved_secret_key
    )
    return _driver_render(request, "driver.html", qr=qr_svg(address), address=address, **values)


@router.get("/d/{token}/live", response_class=HTMLResponse)
def driver_live(
    request: Request, token: Token, session: DbSession, settings: AppSettings, now: Now
) -> HTMLResponse:
    """The page's changing part alone, fetched again on each change of its queue."""
    try:
        values = _driver_values(session, settings.resolved_secret_key, token, now)
    except DomainError as error:
        return _refused(request, error)
    return _driver_render(request, "_driver_live.html", **values)


def _board_values(
    session: Session, gate_id: int, yard_id: int | None, now: datetime
) -> dict[str, Any]:
    gate = session.get(Gate, gate_id)
    if gate is None or not gate.is_active:
        raise NotFound("gate", gate_id)
    yard = session.get(Yard, yard_id) if yard_id is not None else None
    if yard_id is not None and (yard is None or yard.gate_id != gate_id):
        raise NotFound("yard", yard_id)
    return {"board": display_board(session, gate, now, yard_id), "now": now, "yard_id": yard_id}


def _board_render(request: Request, template: str, values: dict[str, Any]) -> HTMLResponse:
    # Drivers from both sides read one board: Vietnamese and Chinese side by side.
    return render(
        request,
        template,
        language="vi",
        zh=lambda key, **params: i18n.translate(key, "zh", **params),
        **values,
    )


@router.get("/display/{gate_id}", response_class=HTMLResponse)
def display_page(
    request: Request, gate_id: Id, session: DbSession, now: Now, yard_id: Id | None = None
) -> HTMLResponse:
    """The board for a television at the gate, or at a yard's exit with
    ``yard_id``: the trucks called now and next, plates and times only."""
    return _board_render(request, "display.html", _board_values(session, gate_id, yard_id, now))


@router.get("/display/{gate_id}/live", response_class=HTMLResponse)
def display_live(
    request: Request, gate_id: Id, session: DbSession, now: Now, yard_id: Id | None = None
) -> HTMLResponse:
    return _board_render(
        request, "_display_live.html", _board_values(session, gate_id, yard_id, now)
    )
