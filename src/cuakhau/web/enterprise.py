"""An enterprise's pages: its crossings with queue position and estimate, one
crossing's detail with its history and a cancel button, and the booking form with
an HS heading search. They call the same services as ``/api/v1/crossings``."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cuakhau.capacity import planning
from cuakhau.core.clock import local_date
from cuakhau.core.deps import AppSettings, DbSession, Now
from cuakhau.core.errors import DomainError, field_errors
from cuakhau.core.schemas import Id
from cuakhau.crossings.access import visible_crossing
from cuakhau.crossings.booking import (
    WindowChoice,
    WindowFull,
    book,
    cancel,
    cancel_deadline,
    free_windows,
    open_bookings_by_vehicle,
    window_choices,
)
from cuakhau.crossings.driver_link import path_for
from cuakhau.crossings.queue import position_of, positions_of
from cuakhau.crossings.rules import policy
from cuakhau.crossings.schemas import BookingRequest
from cuakhau.crossings.states import OPEN_STATES, can_move
from cuakhau.crossings.views import crossing_detail
from cuakhau.models import (
    Crossing,
    Driver,
    Gate,
    PriorityClass,
    Receipt,
    User,
    Vehicle,
)
from cuakhau.models.enums import CrossingState, Direction, Regime, Role
from cuakhau.reference.hs_codes import HsHeading, heading_for, search_headings
from cuakhau.web import i18n
from cuakhau.web.pages import CsrfChecked, PageRoute, SubmittedForm, page_roles, redirect, render

router = APIRouter(route_class=PageRoute)

EnterpriseUser = Annotated[User, page_roles(Role.enterprise)]
CARGO_FIELDS = ("hs_code", "description", "packages", "weight_kg", "value_usd", "perishable")
# Typed into a cargo line to find its HS code; not part of the booking.
HS_SEARCH = "hs_search"
LIST_LIMIT = 100


def enterprise_id_of(user: User) -> int:
    assert user.enterprise_id is not None  # an enterprise account is bound to one
    return user.enterprise_id


@router.get("/crossings", response_class=HTMLResponse)
def my_crossings(
    request: Request,
    session: DbSession,
    user: EnterpriseUser,
    now: Now,
    booked: int | None = None,
) -> HTMLResponse:
    context = _my_crossings(session, user, now)
    just_booked = next((r["crossing"] for r in context["rows"] if r["crossing"].id == booked), None)
    notice = None
    if just_booked is not None:
        language = i18n.page_language(request)
        notice = i18n.translate(
            "my_booked_notice", language, id=just_booked.id, plate=just_booked.plate
        )
    return render(request, "my_crossings.html", booked=notice, **context)


@router.get("/crossings/table", response_class=HTMLResponse)
def my_crossings_table(
    request: Request, session: DbSession, user: EnterpriseUser, now: Now
) -> HTMLResponse:
    """The table alone, fetched again by the page's script on each queue change."""
    return render(request, "_my_crossings_table.html", **_my_crossings(session, user, now))


def _my_crossings(session: Session, user: User, now: datetime) -> dict[str, Any]:
    crossings = list(
        session.scalars(
            select(Crossing)
            .where(Crossing.enterprise_id == enterprise_id_of(user))
            .order_by(Crossing.id.desc())
            .limit(LIST_LIMIT)
        )
    )
    gates = {gate.id: gate for gate in session.scalars(select(Gate))}
    # The same answers as GET /crossings/{id}/position, recorded as estimates given.
    entries = positions_of(session, [c for c in crossings if c.state in OPEN_STATES], now)
    rows = [
        {"crossing": crossing, "entry": entry, "window": entry.window if entry else None}
        for crossing in crossings
        for entry in [entries.get(crossing.id)]
    ]
    return {"rows": rows, "gates": gates}


@dataclass
class BookingForm:
    """What was typed, kept as typed, so a refused form comes back as the user left it."""

    values: dict[str, str] = field(default_factory=dict)
    cargo: list[dict[str, str]] = field(default_factory=lambda: [{}])
    errors: dict[str, str] = field(default_factory=dict)
    message: str | None = None
    next_free: list[dict[str, Any]] = field(default_factory=list)
    # HS headings found for a cargo line, by line number (the page without script).
    hs_results: dict[int, list[HsHeading]] = field(default_factory=dict)

    @classmethod
    def from_form(cls, form: FormData) -> "BookingForm":
        values = {
            key: str(form.get(key, "")).strip()
            for key in (
                "vehicle_id",
                "driver_id",
                "gate_id",
                "direction",
                "regime",
                "lane",
                "day",
                "window_id",
            )
        }
        count = max(1, min(50, int(str(form.get("cargo_lines", "1")) or 1)))
        cargo = [
            {
                name: str(form.get(f"cargo-{i}-{name}", "")).strip()
                for name in (*CARGO_FIELDS, HS_SEARCH)
            }
            for i in range(count)
        ]
        return cls(values=values, cargo=cargo)

    def search_hs(self, line: int) -> None:
        if 0 <= line < len(self.cargo):
            self.hs_results[line] = search_headings(self.cargo[line].get(HS_SEARCH, ""))

    def pick_hs(self, line: int, hs_code: str, language: str) -> None:
        """A heading chosen for a line: its code, its description if none was typed,
        and the perishable box ticked for fresh fruit and vegetables."""
        heading = heading_for(hs_code)
        if heading is None or not 0 <= line < len(self.cargo):
            return
        cargo = self.cargo[line]
        cargo["hs_code"] = heading.code
        if heading.perishable:
            cargo["perishable"] = "on"
        if not cargo.get("description"):
            cargo["description"] = heading.description(language)

    def day(self, today: date) -> date:
        try:
            return datetime.strptime(self.values.get("day", ""), "%d/%m/%Y").date()
        except ValueError:
            return today

    def request_data(self) -> dict[str, Any]:
        return {
            "vehicle_id": self.values.get("vehicle_id") or None,
            "driver_id": self.values.get("driver_id") or None,
            "gate_id": self.values.get("gate_id") or None,
            "direction": self.values.get("direction") or None,
            "regime": self.values.get("regime") or None,
            # Empty: the lane the booking rules give.
            "lane": self.values.get("lane") or None,
            "window_id": self.values.get("window_id") or None,
            "cargo": [
                {**booked, "perishable": booked.get("perishable") == "on"}
                for booked in (
                    {name: line.get(name, "") for name in CARGO_FIELDS} for line in self.cargo
                )
                if any(value for name, value in booked.items() if name != "perishable")
            ],
        }


def _form_page(
    request: Request,
    session: Session,
    user: User,
    now: datetime,
    form: BookingForm,
    status_code: int = 200,
) -> HTMLResponse:
    vehicles = list(
        session.scalars(
            select(Vehicle)
            .where(Vehicle.enterprise_id == enterprise_id_of(user), Vehicle.is_active)
            .order_by(Vehicle.plate)
        )
    )
    drivers = list(
        session.scalars(
            select(Driver)
            .where(Driver.enterprise_id == enterprise_id_of(user), Driver.is_active)
            .order_by(Driver.full_name)
        )
    )
    gates = list(session.scalars(select(Gate).where(Gate.is_active).order_by(Gate.id)))
    gate = next((g for g in gates if str(g.id) == form.values.get("gate_id")), None)
    gate = gate or (gates[0] if gates else None)
    direction = form.values.get("direction") or Direction.export.value
    day = form.day(local_date(now))
    windows: list[WindowChoice] = []
    if gate is not None and direction in {d.value for d in Direction}:
        if not form.values.get("day"):
            day = _first_day_with_room(session, gate, Direction(direction), now)
        windows = window_choices(session, gate, Direction(direction), day, now)
    form.values["day"] = i18n.format_date(day)
    return render(
        request,
        "book.html",
        status_code=status_code,
        form=form,
        vehicles=vehicles,
        open_bookings=open_bookings_by_vehicle(session, enterprise_id_of(user)),
        gates_by_id={g.id: g for g in gates},
        drivers=drivers,
        gates=gates,
        gate=gate,
        directions=list(Direction),
        regimes=list(Regime),
        # The chosen gate's lanes, when it has more than the ordinary.
        lanes=planning.gate_lanes(session, gate.id) if gate is not None else [],
        windows=windows,
        now=now,
    )


def _first_day_with_room(session: Session, gate: Gate, direction: Direction, now: datetime) -> date:
    """The day the form opens on when none is asked for: the first day, from
    today to the booking horizon, with a window still to come that has room
    (late in the evening, or when today is full or closed, a later day); today
    when there is none."""
    today = local_date(now)
    last = today + timedelta(days=policy(session).booking_horizon_days)
    # A day further on may have windows too, made when someone looked at it.
    first = free_windows(session, gate, direction, now, now, limit=1)
    found = local_date(first[0].starts_at) if first else None
    return found if found is not None and found <= last else today


@router.get("/crossings/book", response_class=HTMLResponse)
def booking_form(
    request: Request, session: DbSession, user: EnterpriseUser, now: Now
) -> HTMLResponse:
    """``?day=dd/mm/yyyy`` opens the form on that day's windows (a link from a
    message, or the evening's planning for tomorrow); otherwise the first day
    with a window left to book."""
    day = request.query_params.get("day")
    form = BookingForm(values={"day": day} if day else {})
    return _form_page(request, session, user, now, form)


@router.post("/crossings/book", response_class=HTMLResponse, dependencies=[CsrfChecked])
def submit_booking(
    request: Request,
    session: DbSession,
    user: EnterpriseUser,
    now: Now,
    submitted: SubmittedForm,
) -> Response:
    """``action=book`` books; ``windows`` shows another day's windows, ``add_line``
    adds a cargo line, ``hs_search:<line>`` finds HS headings for a line and
    ``hs_pick:<line>:<code>`` chooses one, all keeping everything typed."""
    form = BookingForm.from_form(submitted)
    action = str(submitted.get("action", "book"))
    kind, _, argument = action.partition(":")
    if kind == "add_line":
        form.cargo.append({})
    elif kind == "hs_search" and argument.isdigit():
        form.search_hs(int(argument))
    elif kind == "hs_pick":
        line, _, hs_code = argument.partition(":")
        if line.isdigit():
            form.pick_hs(int(line), hs_code, i18n.page_language(request))
    if kind != "book":
        return _form_page(request, session, user, now, form)
    language = i18n.page_language(request)
    try:
        data = BookingRequest.model_validate(form.request_data())
        crossing = book(session, enterprise_id=enterprise_id_of(user), request=data, now=now)
    except ValidationError as error:
        for entry in field_errors(list(error.errors()), language):
            form.errors[entry["field"].replace(".", "-")] = entry["message"]
        return _form_page(request, session, user, now, form, status_code=422)
    except DomainError as error:
        # Nothing of a refused booking is kept.
        session.rollback()
        form.message = i18n.translate(error.code, language, **error.params)
        if isinstance(error, WindowFull):
            form.next_free = [
                {**w, "starts_at": datetime.fromisoformat(w["starts_at"])} for w in error.free
            ]
        field_name = getattr(error, "field", None)
        if field_name:
            form.errors[field_name] = form.message
        return _form_page(request, session, user, now, form, status_code=error.status_code)
    return redirect(request, f"/crossings?booked={crossing.id}")


@router.get("/hs-codes")
def hs_codes(request: Request, q: str = "") -> JSONResponse:
    """HS headings for the booking form's search, in the page's language. The
    nomenclature is public, so no login is asked for."""
    language = i18n.page_language(request)
    return JSONResponse(
        [
            {
                "code": heading.code,
                "description": heading.description(language),
                "keywords": heading.keywords(language),
                "perishable": heading.perishable,
            }
            for heading in search_headings(q[:100])
        ]
    )


def _crossing_context(session: Session, crossing: Crossing, now: datetime) -> dict[str, Any]:
    """What the crossing page shows and refreshes live: state, place in the queue,
    history, clearance, receipt, and whether it may still be cancelled."""
    entry = position_of(session, crossing, now) if crossing.state in OPEN_STATES else None
    deadline = cancel_deadline(session, crossing)
    cancellable = can_move(crossing.state, CrossingState.cancelled, crossing.handover_mode)
    receipt = session.scalar(
        select(Receipt).where(Receipt.crossing_id == crossing.id, Receipt.voided_at.is_(None))
    )
    return {
        "crossing": crossing,
        "detail": crossing_detail(session, crossing),
        "entry": entry,
        "gate": session.get(Gate, crossing.gate_id),
        "priority": session.get(PriorityClass, crossing.priority_class_id),
        "driver": session.get(Driver, crossing.driver_id) if crossing.driver_id else None,
        "receipt": receipt,
        "may_cancel": cancellable and (deadline is None or now <= deadline),
        "cancel_closed": cancellable and deadline is not None and now > deadline,
        "cancel_deadline": deadline,
        "cutoff_minutes": policy(session).cancel_cutoff_minutes,
    }


def _crossing_page(
    request: Request,
    session: Session,
    crossing: Crossing,
    now: datetime,
    status_code: int = 200,
    **values: Any,
) -> HTMLResponse:
    return render(
        request,
        "enterprise_crossing.html",
        status_code=status_code,
        **_crossing_context(session, crossing, now),
        **values,
    )


@router.get("/crossings/{crossing_id}", response_class=HTMLResponse)
def crossing_page(
    request: Request,
    crossing_id: Id,
    session: DbSession,
    user: EnterpriseUser,
    now: Now,
    settings: AppSettings,
) -> HTMLResponse:
    """One crossing, as ``GET /api/v1/crossings/{id}``: another enterprise's is a 404.
    It links the driver's page, to be sent to the driver."""
    crossing = visible_crossing(session=session, user=user, crossing_id=crossing_id)
    notice = None
    if "cancelled" in request.query_params:
        language = i18n.page_language(request)
        notice = i18n.translate("crossing_cancelled_notice", language, id=crossing.id)
    driver_path = path_for(crossing, settings.resolved_secret_key)
    return _crossing_page(request, session, crossing, now, notice=notice, driver_path=driver_path)


@router.get("/crossings/{crossing_id}/live", response_class=HTMLResponse)
def crossing_live(
    request: Request, crossing_id: Id, session: DbSession, user: EnterpriseUser, now: Now
) -> HTMLResponse:
    """The crossing's live part alone, fetched again on each queue change."""
    crossing = visible_crossing(session=session, user=user, crossing_id=crossing_id)
    context = _crossing_context(session, crossing, now)
    return render(request, "enterprise_crossing_live.html", **context)


@router.post(
    "/crossings/{crossing_id}/cancel", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def cancel_crossing(
    request: Request,
    crossing_id: Id,
    session: DbSession,
    user: EnterpriseUser,
    now: Now,
    submitted: SubmittedForm,
) -> Response:
    """Asks first: the page comes back with the question, and its own form sends
    ``confirmed=yes`` (no script needed). ``booking.cancel`` decides; a refusal
    comes back with the rule's message, at once when the booking can no longer
    be cancelled."""
    crossing = visible_crossing(session=session, user=user, crossing_id=crossing_id)
    context = _crossing_context(session, crossing, now)
    if submitted.get("confirmed") != "yes" and context["may_cancel"]:
        return render(request, "enterprise_crossing.html", **context, confirm_cancel=True)
    try:
        cancel(session, crossing, now)
    except DomainError as error:
        session.rollback()
        language = i18n.page_language(request)
        message = i18n.translate(error.code, language, **error.params)
        crossing = visible_crossing(session=session, user=user, crossing_id=crossing_id)
        return _crossing_page(
            request, session, crossing, now, status_code=error.status_code, cancel_error=message
        )
    return redirect(request, f"/crossings/{crossing.id}?cancelled")
