"""The yard operator's transload board: each bay of a transshipment yard, what
is at it now and what comes next, with the cargo's counts, perishable hours and
cold-chain gaps, and the cargo customs holds. Each slot's next step is one
form; it calls ``transload.service`` as the API does."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cuakhau.core.config import Settings
from cuakhau.core.deps import AppSettings, DbSession, Now
from cuakhau.core.errors import DomainError, PermissionDenied, field_errors
from cuakhau.core.schemas import Id
from cuakhau.models import Transload, User
from cuakhau.models.enums import Role, TransloadState
from cuakhau.transload import service
from cuakhau.transload.board import board
from cuakhau.transload.reconcile import Tolerance
from cuakhau.transload.schemas import LoadedOut, Unloaded, WithReason
from cuakhau.transload.setup import SETUP_ROLES, shown_yard, transshipment_yards
from cuakhau.web import i18n
from cuakhau.web.pages import CsrfChecked, PageRoute, SubmittedForm, page_roles, redirect, render

router = APIRouter(route_class=PageRoute)

# The API's operator roles (``transload.service.OPERATOR_ROLES``), and customs,
# who reads the held cargo.
BoardUser = Annotated[
    User, page_roles(Role.yard_operator, Role.gate_officer, Role.customs, Role.admin)
]
# The step each state's form takes, and the counts it asks for.
NEXT_STEP = {
    TransloadState.booked: "arrive",
    TransloadState.arrived: "start",
    TransloadState.started: "unloaded",
    TransloadState.unloaded: "loaded_out",
}
COUNTED = ("unloaded", "loaded_out")
# Who takes a step from the page: the operator's steps, customs' release.
STEP_ROLES = tuple(dict.fromkeys((*service.OPERATOR_ROLES, *service.RELEASE_ROLES)))
DONE = (*NEXT_STEP.values(), "release_hold")


@dataclass
class StepForm:
    """A slot's step as typed, and why it was refused."""

    transload_id: int | None = None
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str | None = None


def _page(
    request: Request,
    session: Session,
    user: User,
    now: datetime,
    yard_id: int | None,
    form: StepForm | None = None,
    status_code: int = 200,
    notice: str | None = None,
) -> HTMLResponse:
    yards = transshipment_yards(session, user)
    yard = shown_yard(session, user, yard_id, yards)
    return render(
        request,
        "transload_board.html",
        status_code=status_code,
        yards=yards,
        yard=yard,
        board=board(session, yard, now) if yard else None,
        next_step=NEXT_STEP,
        counted=COUNTED,
        may_move=user.role in service.OPERATOR_ROLES,
        may_release=user.role in service.RELEASE_ROLES,
        may_set_up=user.role in SETUP_ROLES,
        form=form or StepForm(),
        notice=notice,
        now=now,
    )


@router.get("/transload", response_class=HTMLResponse)
def transload_page(
    request: Request, session: DbSession, user: BoardUser, now: Now, yard_id: Id | None = None
) -> HTMLResponse:
    params = request.query_params
    notice = None
    if params.get("done") in DONE and "id" in params:
        notice = i18n.translate(
            f"transload_done_{params['done']}", i18n.page_language(request), id=params["id"]
        )
    return _page(request, session, user, now, yard_id, notice=notice)


def _counts(submitted: FormData, step: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        name: str(submitted.get(name, "")).strip() for name in ("packages", "weight_kg")
    }
    plate = str(submitted.get("outbound_plate", "")).strip()
    if step == "loaded_out" and plate:
        data["outbound_plate"] = plate
    return data


def _take_step(
    session: Session,
    transload: Transload,
    step: str,
    submitted: FormData,
    settings: Settings,
    now: datetime,
) -> None:
    if step == "arrive":
        service.arrive(session, transload, now)
    elif step == "start":
        service.start(transload, now)
    elif step == "unloaded":
        service.unloaded(session, transload, Unloaded.model_validate(_counts(submitted, step)), now)
    elif step == "loaded_out":
        data = LoadedOut.model_validate(_counts(submitted, step))
        service.loaded_out(session, transload, data, Tolerance.of(settings), now)
    elif step == "release_hold":
        reason = WithReason.model_validate({"reason": submitted.get("reason", "")}).reason
        service.release_hold(session, transload, reason, now)
    else:
        raise DomainError("transload_step_unknown")


@router.post(
    "/transload/{transload_id}/step", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def transload_step(
    request: Request,
    transload_id: Id,
    session: DbSession,
    user: Annotated[User, page_roles(*STEP_ROLES)],
    now: Now,
    submitted: SubmittedForm,
    settings: AppSettings,
) -> Response:
    """The slot's next step (``step``): the vehicle arrived, the work started,
    the inbound cargo counted off, the cargo counted onto the outbound vehicle;
    or customs' release of held cargo (``release_hold``, with a ``reason``)."""
    step = str(submitted.get("step", ""))
    allowed = service.RELEASE_ROLES if step == "release_hold" else service.OPERATOR_ROLES
    if user.role not in allowed:
        raise PermissionDenied("role_forbidden", role=user.role.value)
    transload = service.get_transload(session, transload_id, user)
    yard_id = transload.yard_id
    form = StepForm(transload_id, {k: str(v) for k, v in submitted.items() if k != "step"})
    language = i18n.page_language(request)
    try:
        _take_step(session, transload, step, submitted, settings, now)
        session.flush()
    except ValidationError as error:
        session.rollback()
        for entry in field_errors(list(error.errors()), language):
            form.errors.setdefault(entry["field"], entry["message"])
        form.message = i18n.translate("validation_failed", language, count=len(form.errors))
        return _page(request, session, user, now, yard_id, form, status_code=422)
    except DomainError as error:
        session.rollback()
        form.message = i18n.translate(error.code, language, **error.params)
        return _page(request, session, user, now, yard_id, form, status_code=error.status_code)
    query = urlencode({"yard_id": yard_id, "done": step, "id": transload_id})
    return redirect(request, f"/transload?{query}")
