from importlib.resources import files
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import select

from cuakhau import __version__
from cuakhau.core.deps import DbSession
from cuakhau.core.messages import pick_language, translate
from cuakhau.models import Gate, Zone

templates = Jinja2Templates(directory=str(files("cuakhau") / "web" / "templates"))
router = APIRouter(include_in_schema=False)


def _context(request: Request, **values: Any) -> dict[str, Any]:
    language = pick_language(request)
    return {
        "lang": language,
        "other_lang": "en" if language == "vi" else "vi",
        "t": lambda key, **params: translate(key, language, **params),
        "version": __version__,
        **values,
    }


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: DbSession) -> HTMLResponse:
    zone = session.scalar(select(Zone).order_by(Zone.id))
    gates = list(session.scalars(select(Gate).where(Gate.is_active).order_by(Gate.id)))
    return templates.TemplateResponse(
        request, "home.html", _context(request, zone=zone, gates=gates)
    )
