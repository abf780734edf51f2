"""The gate officer's console: the live queue of a gate and direction, capacity
overrides with a preview of the re-plan and lifting them, calling the next trucks,
crossings recorded by hand, and plate-read alerts (dismissed, or resolved with the
move the camera missed). It calls the same functions as the API
(``capacity.planning``, ``gateops.service``, ``reads.alerts``), never the API over HTTP."""

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

from cuakhau.capacity import planning
from cuakhau.capacity.schemas import OverrideCreate, OverrideResult
from cuakhau.clearance.service import get_crossing
from cuakhau.core.deps import DbSession, Now
from cuakhau.core.errors import DomainError, InvalidInput, field_errors
from cuakhau.core.schemas import Id
from cuakhau.counterpart import service as counterparts
from cuakhau.crossings.queue import ordered_queue, queue_with_estimates, readiness
from cuakhau.gateops.schemas import ByHand, CallRequest
from cuakhau.gateops.service import NEXT_BY_HAND, awaiting_by_hand, call_next, record_by_hand
from cuakhau.models import Crossing, Gate, PriorityClass, User
from cuakhau.models.enums import CrossingState, Direction, OverrideKind, Role
from cuakhau.reads import alerts
from cuakhau.reads.schemas import AlertFilters, AlertRead, AlertResolve
from cuakhau.reads.service import TRACKED_STATES
from cuakhau.web import i18n
from cuakhau.web.pages import CsrfChecked, PageRoute, SubmittedForm, page_roles, redirect, render

router = APIRouter(route_class=PageRoute)

Officer = Annotated[User, page_roles(Role.gate_officer, Role.admin)]
CAPACITY_FIELDS = (
    "kind",
    "scope",
    "lane",
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
    # "Save" first shows what would move and asks again; "confirm" saves.
    confirming: bool = False

    @classmethod
    def from_form(cls, form: FormData) -> "CapacityForm":
        return cls(values={key: str(form.get(key, "")).strip() for key in CAPACITY_FIELDS})

    def request_data(self, direction: Direction, language: str) -> dict[str, Any]:
        """The API's body; days typed dd/mm/yyyy are read here, other checks are the API's."""
        data: dict[str, Any] = {
            "direction": direction.value if self.values.get("scope") != "both" else None,
            # Empty: every lane.
            "lane": self.values.get("lane") or None,
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


def chosen_gate(
    session: Session, gate_id: int | None, direction: str | None
) -> tuple[list[Gate], Gate, Direction]:
    gates = list(session.scalars(select(Gate).where(Gate.is_active).order_by(Gate.id)))
    gate = next((g for g in gates if g.id == gate_id), None) or (gates[0] if gates else None)
    if gate is None:
        raise InvalidInput("gate_none_active", field="gate_id")
    chosen = direction if direction in {d.value for d in Direction} else Direction.export.value
    return gates, gate, Direction(chosen)


def _queue_context(
    session: Session, gate: Gate, direction: Direction, now: datetime
) -> dict[str, Any]:
    classes = {c.id: c for c in session.scalars(select(PriorityClass))}
    return {
        "entries": queue_with_estimates(session, gate.id, direction, now),
        "readiness": readiness,
        "classes": classes,
        "gate": gate,
        "direction": direction,
        "now": now,
    }


def _alert_crossings(
    session: Session, gate: Gate, open_alerts: list[AlertRead]
) -> dict[int, list[Crossing]]:
    """Per alert, the crossings it may be about: the one the read was matched to and
    the plate's crossings at this gate still on their trip, latest first."""
    plates = {a.plate for a in open_alerts if a.plate}
    matched = {a.crossing_id for a in open_alerts if a.crossing_id}
    if not plates and not matched:
        return {}
    rows = list(
        session.scalars(
            select(Crossing)
            .where(
                (Crossing.id.in_(matched))
                | (
                    Crossing.plate.in_(plates)
                    & (Crossing.gate_id == gate.id)
                    & Crossing.state.in_(TRACKED_STATES)
                )
            )
            .order_by(Crossing.id.desc())
        )
    )
    return {
        a.id: [c for c in rows if c.id == a.crossing_id or (a.plate and c.plate == a.plate)]
        for a in open_alerts
    }


def _console(
    request: Request,
    session: Session,
    now: datetime,
    gate_id: int | None,
    direction: str | None,
    form: CapacityForm | None = None,
    status_code: int = 200,
    **values: Any,
) -> HTMLResponse:
    gates, gate, chosen = chosen_gate(session, gate_id, direction)
    open_alerts = alerts.list_alerts(
        session,
        AlertFilters(open=True, gate_id=gate.id, limit=ALERT_LIMIT),
        i18n.page_language(request),
    )
    return render(
        request,
        "gate.html",
        status_code=status_code,
        gates=gates,
        directions=list(Direction),
        lanes=planning.gate_lanes(session, gate.id),
        kinds=list(OverrideKind),
        form=form or CapacityForm(),
        alerts=open_alerts.items,
        alert_crossings=_alert_crossings(session, gate, open_alerts.items),
        moves_by_hand=sorted({s.value for s in alerts.MOVES_BY_HAND}),
        by_hand=awaiting_by_hand(session, gate.id, chosen),
        next_by_hand=NEXT_BY_HAND,
        overrides=planning.current_overrides(session=session, gate_id=gate.id, now=now),
        silent_counterparts=counterparts.silent(
            session, now, request.app.state.settings.counterpart_silence_seconds, gate.id
        ),
        query=urlencode({"gate_id": gate.id, "direction": chosen.value}),
        **_queue_context(session, gate, chosen, now),
        **values,
    )


def _skipped(
    request: Request, session: Session, gate_id: int | None, direction: str | None
) -> list[dict[str, Any]]:
    """The trucks the last call passed over (``?skipped=`` ids, as the call
    redirected), each with why it may not be called, as the queue says now."""
    # Only matched against the queue's own crossings: nothing typed reaches a query.
    wanted = {_int(part) for part in request.query_params.get("skipped", "").split(",")[:100]}
    if wanted == {None}:
        return []
    _, gate, chosen = chosen_gate(session, gate_id, direction)
    queue = ordered_queue(session, gate.id, chosen)
    return [
        {"plate": crossing.plate, "position": position, "why": why.value}
        for position, crossing in enumerate(queue, start=1)
        if crossing.id in wanted and (why := readiness(crossing).not_callable) is not None
    ]


def _notice(request: Request) -> str | None:
    language = i18n.page_language(request)
    params = request.query_params
    if "saved" in params:
        return i18n.translate("gate_saved", language, moved=params["saved"])
    if "called" in params:
        called, asked = _int(params["called"]), _int(params.get("asked", ""))
        if called is not None and asked is not None and called < asked:
            return i18n.translate("gate_called_fewer", language, count=called, asked=asked)
        return i18n.translate("gate_called", language, count=params["called"])
    if "resolved" in params:
        return i18n.translate("gate_alert_resolved", language, id=params["resolved"])
    if "recorded" in params and params.get("state") in NEXT_BY_HAND.values():
        state = i18n.translate(f"state_{params['state']}", language)
        return i18n.translate("gate_recorded", language, plate=params["recorded"], state=state)
    if "lifted" in params:
        return i18n.translate(
            "gate_lifted", language, id=params["lifted"], moved=params.get("moved", 0)
        )
    return None


@router.get("/gate", response_class=HTMLResponse)
def gate_console(
    request: Request,
    session: DbSession,
    _user: Officer,
    now: Now,
    gate_id: Id | None = None,
    direction: str | None = None,
) -> HTMLResponse:
    return _console(
        request,
        session,
        now,
        gate_id,
        direction,
        notice=_notice(request),
        skipped=_skipped(request, session, gate_id, direction),
    )


@router.get("/gate/queue", response_class=HTMLResponse)
def gate_queue(
    request: Request,
    session: DbSession,
    _user: Officer,
    now: Now,
    gate_id: Id | None = None,
    direction: str | None = None,
) -> HTMLResponse:
    """The queue table alone, fetched again by the page's script on each queue change."""
    _, gate, chosen = chosen_gate(session, gate_id, direction)
    return render(request, "gate_queue.html", **_queue_context(session, gate, chosen, now))


def _back(gate: Gate, direction: Direction, **extra: Any) -> str:
    return "/gate?" + urlencode({"gate_id": gate.id, "direction": direction.value, **extra})


@router.post("/gate/capacity", response_class=HTMLResponse, dependencies=[CsrfChecked])
def gate_capacity(
    request: Request, session: DbSession, _user: Officer, now: Now, submitted: SubmittedForm
) -> Response:
    """``action=preview`` shows the trucks that would move and saves nothing (the
    API's own ``preview``, made in a savepoint); ``action=save`` shows the same
    and asks to confirm, a step that needs no script; ``action=confirm`` saves."""
    gate, direction = _chosen(session, submitted)
    form = CapacityForm.from_form(submitted)
    action = submitted.get("action", "preview")
    preview = action != "confirm"
    form.confirming = action == "save"
    language = i18n.page_language(request)
    data = form.request_data(direction, language)
    try:
        override = OverrideCreate.model_validate(data)
    except ValidationError as error:
        for entry in field_errors(list(error.errors()), language):
            form.errors.setdefault(entry["field"] or "form", entry["message"])
        return _console(request, session, now, gate.id, direction.value, form, 422)
    if form.errors:
        return _console(request, session, now, gate.id, direction.value, form, 422)
    try:
        result: OverrideResult = planning.create_override(
            session=session, gate_id=gate.id, data=override, now=now, preview=preview
        )
    except DomainError as error:
        session.rollback()
        form.message = i18n.translate(error.code, language, **error.params)
        field_name = getattr(error, "field", None)
        if field_name:
            form.errors[field_name] = form.message
        return _console(request, session, now, gate.id, direction.value, form, error.status_code)
    if preview:
        form.result = result
        return _console(request, session, now, gate.id, direction.value, form)
    return redirect(request, _back(gate, direction, saved=len(result.moves)))


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _chosen(session: Session, submitted: FormData) -> tuple[Gate, Direction]:
    """The gate and direction a console form was sent from."""
    _, gate, direction = chosen_gate(
        session, _int(submitted.get("gate_id")), str(submitted.get("direction", ""))
    )
    return gate, direction


def _refusal(
    session: Session, error: ValidationError | DomainError, language: str
) -> tuple[str, int]:
    """A refused form's message and status: its first field's, or the rule's own with
    nothing of the refused move kept."""
    if isinstance(error, ValidationError):
        return field_errors(list(error.errors()), language)[0]["message"], 422
    session.rollback()
    return i18n.translate(error.code, language, **error.params), error.status_code


@router.post("/gate/call", response_class=HTMLResponse, dependencies=[CsrfChecked])
def gate_call(
    request: Request, session: DbSession, _user: Officer, now: Now, submitted: SubmittedForm
) -> Response:
    gate, direction = _chosen(session, submitted)
    language = i18n.page_language(request)
    try:
        call = CallRequest(direction=direction, count=_int(submitted.get("count")) or 0)
    except ValidationError as error:
        message, status_code = _refusal(session, error, language)
        return _console(
            request,
            session,
            now,
            gate.id,
            direction.value,
            status_code=status_code,
            call_error=message,
        )
    outcome = call_next(session, gate.id, call.direction, call.count, at=now)
    said: dict[str, Any] = {"called": len(outcome.called), "asked": call.count}
    if outcome.skipped:
        said["skipped"] = ",".join(str(s.crossing.id) for s in outcome.skipped)
    return redirect(request, _back(gate, direction, **said))


@router.post(
    "/gate/alerts/{alert_id}/resolve", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def gate_resolve_alert(
    request: Request,
    alert_id: Id,
    session: DbSession,
    user: Officer,
    now: Now,
    submitted: SubmittedForm,
) -> Response:
    gate, direction = _chosen(session, submitted)
    language = i18n.page_language(request)
    # With a crossing and a move, the move the camera missed is recorded as well.
    fields = {
        "resolution": str(submitted.get("resolution", "")).strip(),
        "crossing_id": _int(submitted.get("crossing_id")),
        "to_state": str(submitted.get("to_state", "")) or None,
    }
    try:
        data = AlertResolve.model_validate(fields)
        alerts.resolve(session, alert_id, data, user, language)
    except (ValidationError, DomainError) as error:
        message, status_code = _refusal(session, error, language)
        return _console(
            request,
            session,
            now,
            gate.id,
            direction.value,
            status_code=status_code,
            alert_error={"id": alert_id, "message": message, **fields},
        )
    return redirect(request, _back(gate, direction, resolved=alert_id))


@router.post(
    "/gate/crossings/{crossing_id}/by-hand", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def gate_by_hand(
    request: Request,
    crossing_id: Id,
    session: DbSession,
    _user: Officer,
    now: Now,
    submitted: SubmittedForm,
) -> Response:
    """Crossed or returned, recorded by the officer when the cameras cannot."""
    gate, direction = _chosen(session, submitted)
    language = i18n.page_language(request)
    reason = str(submitted.get("reason", "")).strip()
    crossing = get_crossing(session, crossing_id)
    try:
        to_state = CrossingState(str(submitted.get("to_state", "")))
        data = ByHand(reason=reason)
        record_by_hand(session, crossing, to_state, data.reason, at=now)
    except (ValueError, DomainError) as error:
        # No such state is a ValueError; so is a reason too short (a ValidationError).
        if isinstance(error, ValidationError | DomainError):
            message, status_code = _refusal(session, error, language)
        else:
            message, status_code = i18n.translate("gate_by_hand_state", language), 422
        return _console(
            request,
            session,
            now,
            gate.id,
            direction.value,
            status_code=status_code,
            by_hand_error={"id": crossing_id, "message": message, "reason": reason},
        )
    return redirect(request, _back(gate, direction, recorded=crossing.plate, state=to_state.value))


@router.post(
    "/gate/overrides/{override_id}/lift", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def gate_lift_override(
    request: Request,
    override_id: Id,
    session: DbSession,
    _user: Officer,
    now: Now,
    submitted: SubmittedForm,
) -> Response:
    """Lift an override; capacity that comes back pulls waiting trucks earlier."""
    gate, direction = _chosen(session, submitted)
    result = planning.deactivate_override(
        session=session, gate_id=gate.id, override_id=override_id, now=now
    )
    return redirect(request, _back(gate, direction, lifted=override_id, moved=len(result.moves)))
