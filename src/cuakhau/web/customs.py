"""The customs and quarantine officer's pages: the work list (trucks arrived,
declared or held, perishables first) and one crossing's page, where the officer
records the declaration and channel, decides, holds, releases or rejects. They
call ``clearance.service`` as the API does; every refusal is the rule's own message."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cuakhau.clearance import service
from cuakhau.clearance.schemas import ClearanceFilters, Decision, Declaration, ReasonGiven
from cuakhau.core.deps import DbSession, Now
from cuakhau.core.errors import DomainError, field_errors
from cuakhau.core.schemas import Id
from cuakhau.crossings.views import crossing_detail
from cuakhau.models import Crossing, Enterprise, Gate, PriorityClass, User
from cuakhau.models.enums import CustomsChannel, Role
from cuakhau.web import i18n
from cuakhau.web.pages import CsrfChecked, PageRoute, SubmittedForm, page_roles, redirect, render

router = APIRouter(route_class=PageRoute)

# The API's deciding roles (``clearance.router.Customs``).
CustomsUser = Annotated[User, page_roles(Role.customs, Role.admin)]
LIST_LIMIT = 100
WORK_STATES = ("arrived", "declared", "held")


@dataclass
class ActionForm:
    """One of the crossing page's forms as typed, and why it was refused."""

    action: str
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str | None = None


def _filters(
    gate_id: str | None = None, state: str | None = None, channel: str | None = None
) -> ClearanceFilters:
    """The work list's filters from the query; "all" (an empty choice) or one not
    offered is no filter."""
    return ClearanceFilters(
        gate_id=int(gate_id) if gate_id and gate_id.isdigit() else None,
        state=state if state in WORK_STATES else None,
        channel=channel if channel in {c.value for c in CustomsChannel} else None,
        limit=LIST_LIMIT,
    )


WorkFilters = Annotated[ClearanceFilters, Depends(_filters)]


def _work_list(session: Session, filters: ClearanceFilters) -> dict[str, Any]:
    crossings = list(session.scalars(service.work_list(filters).limit(LIST_LIMIT)))
    return {
        "crossings": crossings,
        "gates": {g.id: g for g in session.scalars(select(Gate).order_by(Gate.id))},
        "classes": {c.id: c for c in session.scalars(select(PriorityClass))},
        "filters": filters,
        "channels": list(CustomsChannel),
    }


@router.get("/customs", response_class=HTMLResponse)
def customs_page(
    request: Request, session: DbSession, _user: CustomsUser, filters: WorkFilters
) -> HTMLResponse:
    return render(request, "customs.html", **_work_list(session, filters))


@router.get("/customs/list", response_class=HTMLResponse)
def customs_list(
    request: Request, session: DbSession, _user: CustomsUser, filters: WorkFilters
) -> HTMLResponse:
    """The work list alone, fetched again by the page's script on each queue change."""
    return render(request, "customs_list.html", **_work_list(session, filters))


def _crossing_page(
    request: Request,
    session: Session,
    crossing: Crossing,
    form: ActionForm | None = None,
    status_code: int = 200,
    notice: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        "customs_crossing.html",
        status_code=status_code,
        crossing=crossing_detail(session, crossing),
        gate=session.get(Gate, crossing.gate_id),
        enterprise=session.get(Enterprise, crossing.enterprise_id),
        priority=session.get(PriorityClass, crossing.priority_class_id),
        channels=list(CustomsChannel),
        form=form,
        notice=notice,
    )


@router.get("/customs/crossings/{crossing_id}", response_class=HTMLResponse)
def customs_crossing(
    request: Request, crossing_id: Id, session: DbSession, _user: CustomsUser
) -> HTMLResponse:
    crossing = service.get_crossing(session, crossing_id)
    notice = None
    if request.query_params.get("done") in ACTIONS:
        language = i18n.page_language(request)
        state = i18n.translate(f"state_{crossing.state.value}", language)
        notice = i18n.translate("customs_done", language, plate=crossing.plate, state=state)
    return _crossing_page(request, session, crossing, notice=notice)


# A form's service call: the session, the crossing, the form's values, the moment.
Action = Callable[[Session, Crossing, dict[str, str], datetime], None]


def _declare(session: Session, crossing: Crossing, values: dict[str, str], now: datetime) -> None:
    data = Declaration.model_validate(
        {
            # An empty field is a missing one: "required", not "too short".
            **{k: v for k, v in values.items() if k != "needs_quarantine" and v},
            "needs_quarantine": values.get("needs_quarantine") == "on",
        }
    )
    service.declare(session, crossing, data, at=now)


def _decide(session: Session, crossing: Crossing, values: dict[str, str], now: datetime) -> None:
    data = Decision.model_validate({"hold_reason": values.get("hold_reason") or None})
    service.decide(session, crossing, data.hold_reason, at=now)


def _with_reason(
    act: Callable[..., Crossing],
) -> Action:
    def run(session: Session, crossing: Crossing, values: dict[str, str], now: datetime) -> None:
        reason = values.get("reason")
        data = ReasonGiven.model_validate({"reason": reason} if reason else {})
        act(session, crossing, data.reason, at=now)

    return run


# Each form: the fields it sends, and the service call it makes.
ACTIONS: dict[str, tuple[tuple[str, ...], Action]] = {
    "declaration": (("declaration_no", "channel", "needs_quarantine"), _declare),
    "decision": (("hold_reason",), _decide),
    "release": (("reason",), _with_reason(service.release)),
    "reject": (("reason",), _with_reason(service.reject)),
}


def _act(
    request: Request,
    session: Session,
    crossing_id: Id,
    action: str,
    submitted: FormData,
    now: datetime,
) -> Response:
    crossing = service.get_crossing(session, crossing_id)
    names, run = ACTIONS[action]
    form = ActionForm(action, {name: str(submitted.get(name, "")).strip() for name in names})
    language = i18n.page_language(request)
    try:
        run(session, crossing, form.values, now)
    except ValidationError as error:
        for entry in field_errors(list(error.errors()), language):
            form.errors.setdefault(entry["field"] or "form", entry["message"])
        form.message = i18n.translate("validation_failed", language, count=len(form.errors))
        return _crossing_page(request, session, crossing, form, 422)
    except DomainError as error:
        # Nothing of a refused decision is kept; the page shows the crossing as it is.
        session.rollback()
        form.message = i18n.translate(error.code, language, **error.params)
        crossing = service.get_crossing(session, crossing_id)
        return _crossing_page(request, session, crossing, form, error.status_code)
    return redirect(request, f"/customs/crossings/{crossing.id}?done={action}")


def _action_page(action: str) -> Callable[..., Response]:
    def act(
        request: Request,
        crossing_id: Id,
        session: DbSession,
        _user: CustomsUser,
        submitted: SubmittedForm,
        now: Now,
    ) -> Response:
        return _act(request, session, crossing_id, action, submitted, now)

    return act


# Each form posts to its own address: /customs/crossings/{id}/declaration, …/decision, …
for _action in ACTIONS:
    router.add_api_route(
        f"/customs/crossings/{{crossing_id}}/{_action}",
        _action_page(_action),
        methods=["POST"],
        name=f"customs_{_action}",
        dependencies=[CsrfChecked],
    )
