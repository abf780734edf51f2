"""The gate officer's console: the live queue of a gate and direction, capacity
overrides with a preview of the re-plan, calling the next trucks, and plate-read
alerts. It calls the same functions as the API (``capacity.router``,
``gateops.service``, ``reads.alerts``), never the API over HTTP."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cuakhau.capacity.router import create_override
from cuakhau.capacity.schemas import OverrideCreate, OverrideResult
from cuakhau.core.deps import DbSession
from cuakhau.core.errors import DomainError, InvalidInput, field_errors
from cuakhau.crossings.queue import queue_with_estimates
from cuakhau.gateops.schemas import CallRequest
from cuakhau.gateops.service import call_next
from cuakhau.models import Gate, PriorityClass, User
from cuakhau.models.base import utcnow
from cuakhau.models.enums import Direction, OverrideKind, Role
from cuakhau.reads import alerts
from cuakhau.reads.schemas import AlertFilters, AlertResolve
from cuakhau.web import i18n
from cuakhau.web.pages import CsrfChecked, PageRoute, page_roles, redirect, render

router = APIRouter(route_class=PageRoute)

Officer = Annotated[User, page_roles(Role.gate_officer, Role.admin)]
CAPACITY_FIELDS = (
    "kind",
    "scope",
    "starts_on",
    "ends_on",
    "from_time",
    "to_time",
    "value",
    "reason",
)
ALERT_LIMIT = 50


@dataclass
class CapacityForm:
    """What was typed, kept as typed, so a refused form comes back as it was left."""

    values: dict[str, str] = field(default_factory=lambda: {"kind": "factor", "scope": "one"})
    errors: dict[str, str] = field(default_factory=dict)
    message: str | None = None
    result: OverrideResult | None = None

    @classmethod
    def from_form(cls, form: FormData) -> "CapacityForm":
        return cls(values={key: str(form.get(key, "")).strip() for key in CAPACITY_FIELDS})

    def request_data(self, direction: Direction, language: str) -> dict[str, Any]:
        """The API's body; days typed dd/mm/yyyy are read here, other checks are the API's."""
        data: dict[str, Any] = {
            "direction": direction.value if self.values.get("scope") != "both" else None,
            "kind": self.values.get("kind") or None,
            "from_time": self.values.get("from_time") or None,
            "to_time": self.values.get("to_time") or None,
            "value": self.values.get("value", "").replace(",", ".") or None,
            "reason": self.values.get("reason", ""),
        }
        for name in ("starts_on", "ends_on"):
            typed = self.values.get(name, "")
            if not typed and name == "ends_on":
                typed = self.values.get("starts_on", "")
            try:
                data[name] = datetime.strptime(typed, "%d/%m/%Y").date()
            except ValueError:
                self.errors[name] = i18n.translate("date_invalid_day", language)
        return data


def _choice(
    session: Session, gate_id: int | None, direction: str | None
) -> tuple[list[Gate], Gate, Direction]:
    gates = list(session.scalars(select(Gate).where(Gate.is_active).order_by(Gate.id)))
    gate = next((g for g in gates if g.id == gate_id), None) or (gates[0] if gates else None)
    if gate is None:
        raise InvalidInput("gate_none_active", field="gate_id")
    chosen = direction if direction in {d.value for d in Direction} else Direction.export.value
    return gates, gate, Direction(chosen)


def _queue_context(session: Session, gate: Gate, direction: Direction) -> dict[str, Any]:
    now = utcnow()
    classes = {c.id: c for c in session.scalars(select(PriorityClass))}
    return {
        "entries": queue_with_estimates(session, gate.id, direction, now),
        "classes": classes,
        "gate": gate,
        "direction": direction,
        "now": now,
    }


def _console(
    request: Request,
    session: Session,
    gate_id: int | None,
    direction: str | None,
    form: CapacityForm | None = None,
    status_code: int = 200,
    **values: Any,
) -> HTMLResponse:
    gates, gate, chosen = _choice(session, gate_id, direction)
    open_alerts = alerts.list_alerts(
        session, AlertFilters(open=True, gate_id=gate.id, limit=ALERT_LIMIT)
    )
    return render(
        request,
        "gate.html",
        status_code=status_code,
        gates=gates,
        directions=list(Direction),
        kinds=list(OverrideKind),
        form=form or CapacityForm(),
        alerts=open_alerts.items,
        query=urlencode({"gate_id": gate.id, "direction": chosen.value}),
        **_queue_context(session, gate, chosen),
        **values,
    )


def _notice(request: Request) -> str | None:
    language = i18n.page_language(request)
    params = request.query_params
    if "saved" in params:
        return i18n.translate("gate_saved", language, moved=params["saved"])
    if "called" in params:
        return i18n.translate("gate_called", language, count=params["called"])
    if "resolved" in params:
        return i18n.translate("gate_alert_resolved", language, id=params["resolved"])
    return None


@router.get("/gate", response_class=HTMLResponse)
def gate_console(
    request: Request,
    session: DbSession,
    _user: Officer,
    gate_id: int | None = None,
    direction: str | None = None,
) -> HTMLResponse:
    return _console(request, session, gate_id, direction, notice=_notice(request))


@router.get("/gate/queue", response_class=HTMLResponse)
def gate_queue(
    request: Request,
    session: DbSession,
    _user: Officer,
    gate_id: int | None = None,
    direction: str | None = None,
) -> HTMLResponse:
    """The queue table alone, fetched again by the page's script on each queue change."""
    _, gate, chosen = _choice(session, gate_id, direction)
    return render(request, "gate_queue.html", **_queue_context(session, gate, chosen))


def _back(gate: Gate, direction: Direction, **extra: Any) -> str:
    return "/gate?" + urlencode({"gate_id": gate.id, "direction": direction.value, **extra})


@router.post("/gate/capacity", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def gate_capacity(request: Request, session: DbSession, user: Officer) -> Response:
    """``action=preview`` shows the trucks that would move and saves nothing (the
    API's own ``preview``, which rolls back); ``action=save`` saves the override."""
    submitted = await request.form()
    _, gate, direction = _choice(
        session, _int(submitted.get("gate_id")), str(submitted.get("direction", ""))
    )
    form = CapacityForm.from_form(submitted)
    preview = submitted.get("action", "preview") != "save"
    language = i18n.page_language(request)
    data = form.request_data(direction, language)
    try:
        override = OverrideCreate.model_validate(data)
    except ValidationError as error:
        for entry in field_errors(list(error.errors()), language):
            form.errors.setdefault(entry["field"] or "form", entry["message"])
        return _console(request, session, gate.id, direction.value, form, 422)
    if form.errors:
        return _console(request, session, gate.id, direction.value, form, 422)
    try:
        result: OverrideResult = create_override(gate.id, override, session, user, preview)
    except DomainError as error:
        session.rollback()
        form.message = i18n.translate(error.code, language, **error.params)
        field_name = getattr(error, "field", None)
        if field_name:
            form.errors[field_name] = form.message
        return _console(request, session, gate.id, direction.value, form, error.status_code)
    if preview:
        form.result = result
        return _console(request, session, gate.id, direction.value, form)
    return redirect(request, _back(gate, direction, saved=len(result.moves)))


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


@router.post("/gate/call", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def gate_call(request: Request, session: DbSession, _user: Officer) -> Response:
    submitted = await request.form()
    _, gate, direction = _choice(
        session, _int(submitted.get("gate_id")), str(submitted.get("direction", ""))
    )
    language = i18n.page_language(request)
    try:
        call = CallRequest(direction=direction, count=_int(submitted.get("count")) or 0)
    except ValidationError as error:
        message = field_errors(list(error.errors()), language)[0]["message"]
        return _console(
            request, session, gate.id, direction.value, status_code=422, call_error=message
        )
    called = call_next(session, gate.id, call.direction, call.count)
    return redirect(request, _back(gate, direction, called=len(called)))


@router.post(
    "/gate/alerts/{alert_id}/resolve", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
async def gate_resolve_alert(
    request: Request, alert_id: int, session: DbSession, user: Officer
) -> Response:
    submitted = await request.form()
    _, gate, direction = _choice(
        session, _int(submitted.get("gate_id")), str(submitted.get("direction", ""))
    )
    language = i18n.page_language(request)
    try:
        data = AlertResolve(resolution=str(submitted.get("resolution", "")).strip())
    except ValidationError as error:
        message = field_errors(list(error.errors()), language)[0]["message"]
        return _console(
            request,
            session,
            gate.id,
            direction.value,
            status_code=422,
            alert_error={"id": alert_id, "message": message},
        )
    alerts.resolve(session, alert_id, data, user)
    return redirect(request, _back(gate, direction, resolved=alert_id))
