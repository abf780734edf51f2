"""The yard page: check trucks in and out with a plate search, each yard's occupancy
now and over the day, dwell per truck and who has over-stayed. It calls
``yards.visits`` as the API does; a yard operator sees only its own enterprise's
yards (another's is a 404), gate officers and admins see them all."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cuakhau.core.clock import local_date
from cuakhau.core.deps import AppSettings, DbSession, Now
from cuakhau.core.errors import DomainError, field_errors
from cuakhau.core.schemas import Id
from cuakhau.crossings.driver_link import looks_like_code
from cuakhau.handovers.trailers import operator_scope, overdue_count
from cuakhau.models import User, Vehicle, Yard
from cuakhau.models.enums import Direction, Regime, Role
from cuakhau.vehicles.schemas import VehicleFilters
from cuakhau.vehicles.service import filter_vehicles, vehicles
from cuakhau.web import i18n
from cuakhau.web.pages import CsrfChecked, PageRoute, SubmittedForm, page_roles, redirect, render
from cuakhau.yards import visits
from cuakhau.yards.visits import CheckIn, CheckOut, VisitFilters, YardFull

router = APIRouter(route_class=PageRoute)

# The API's check-in roles (``yards.visits_router.Operator``).
YardUser = Annotated[User, page_roles(Role.yard_operator, Role.gate_officer, Role.admin)]
OVERSTAY_HOURS = 24
MAX_OVERSTAY_HOURS = 24 * 30
MATCH_LIMIT = 10
VISIT_LIMIT = 200
# A truck without a booking: where it goes and its one cargo line (none: empty).
WALK_IN_FIELDS = ("direction", "regime")
CARGO_FIELDS = ("hs_code", "description", "packages", "weight_kg", "value_usd")


@dataclass
class PlateForm:
    """The check-in / check-out form as typed, and why it was refused, by field."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str | None = None
    # On a full yard: the gate's yards that have room, most room first.
    elsewhere: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_form(cls, form: FormData) -> "PlateForm":
        names = ("plate", "cold", "walk_in", "perishable", *WALK_IN_FIELDS, *CARGO_FIELDS)
        values = {name: str(form.get(name, "")).strip() for name in names}
        if form.get("pick"):
            values["plate"] = str(form["pick"])
        return cls(values)

    @property
    def plate(self) -> str:
        return self.values.get("plate", "")

    def check_in_data(self) -> dict[str, Any]:
        """The API's check-in body; walk-in details only when asked for. The plate
        field also takes a booking's scanned QR code."""
        given = "code" if looks_like_code(self.plate) else "plate"
        data: dict[str, Any] = {given: self.plate, "cold": self.values.get("cold") == "on"}
        if self.values.get("walk_in") != "on":
            return data
        cargo = {name: self.values[name] for name in CARGO_FIELDS if self.values.get(name)}
        if "value_usd" in cargo:
            cargo["value_usd"] = cargo["value_usd"].replace(",", ".")
        if cargo:
            cargo["perishable"] = self.values.get("perishable") == "on"
        data["walk_in"] = {
            **{name: self.values[name] for name in WALK_IN_FIELDS if self.values.get(name)},
            "cargo": [cargo] if cargo else [],
        }
        return data

    def refuse(self, error: ValidationError, language: str) -> None:
        for entry in field_errors(list(error.errors()), language):
            # walk_in.cargo.0.hs_code is the form's hs_code.
            self.errors.setdefault(entry["field"].rsplit(".", 1)[-1], entry["message"])


def _yards(session: Session, user: User, yard_id: int | None) -> tuple[list[Yard], Yard | None]:
    yards = visits.visible_yards(session, user)
    if yard_id is None:
        return yards, yards[0] if yards else None
    return yards, visits.visible_yard(session, yard_id, user)


def _matches(session: Session, user: User, typed: str) -> list[Vehicle]:
    """Vehicles whose plate contains what was typed, however it was typed."""
    if len(typed) < 2:
        return []
    filters = VehicleFilters(plate=typed[:32], active=True)
    stmt = filter_vehicles(vehicles.scoped_query(user), filters)
    return list(session.scalars(stmt.order_by(Vehicle.plate).limit(MATCH_LIMIT)))


def _overstay_hours(typed: str | None, language: str) -> tuple[int, str | None]:
    if typed is None or typed == "":
        return OVERSTAY_HOURS, None
    try:
        hours = int(typed)
    except ValueError:
        hours = 0
    if not 1 <= hours <= MAX_OVERSTAY_HOURS:
        return OVERSTAY_HOURS, i18n.translate("yard_over_invalid", language, max=MAX_OVERSTAY_HOURS)
    return hours, None


def _page(
    request: Request,
    session: Session,
    user: User,
    now: datetime,
    yard_id: int | None,
    form: PlateForm | None = None,
    status_code: int = 200,
    search: bool = False,
    **values: Any,
) -> HTMLResponse:
    language = i18n.page_language(request)
    yards, yard = _yards(session, user, yard_id)
    form = form or PlateForm({"direction": "export", "regime": "export"})
    # A refused plate lists the vehicles it might have meant.
    searched = search or "plate" in form.errors
    if yard is None:
        return render(request, "yard.html", status_code=status_code, yards=[], yard=None, form=form)
    typed_over = request.query_params.get("over")
    hours, over_error = _overstay_hours(typed_over, language)
    overdue_hours = request.app.state.settings.hand_back_overdue_hours
    return render(
        request,
        "yard.html",
        status_code=status_code,
        form=form,
        typed=form.plate if searched else "",
        directions=list(Direction),
        regimes=list(Regime),
        matches=_matches(session, user, form.plate) if searched else [],
        day=visits.hourly_occupancy(session, yard, local_date(now)),
        overstaying=[
            visits.visit_view(v, now)
            for v in visits.overstaying(session, yard, now, timedelta(hours=hours))
        ],
        over_typed=typed_over if over_error else str(hours),
        over_error=over_error,
        hour=timedelta(hours=1),
        hand_back_overdue=overdue_count(session, now, overdue_hours, operator_scope(user)),
        overdue_hours=overdue_hours,
        **_live_values(session, yards, yard, now, hours),
        **values,
    )


def _live_values(
    session: Session, yards: list[Yard], yard: Yard, now: datetime, over_hours: int
) -> dict[str, Any]:
    """What ``_yard_live.html`` shows: occupancy now and the trucks inside, each
    with where its crossing is."""
    inside = list(
        session.scalars(visits.visit_query(yard, VisitFilters(open=True)).limit(VISIT_LIMIT))
    )
    return {
        "yards": yards,
        "yard": yard,
        "occupancy": {y.id: visits.occupancy(session, y, now) for y in yards},
        "inside": [visits.visit_view(v, now) for v in inside],
        "states": visits.crossing_states(session, inside),
        "now": now,
        "over_hours": over_hours,
    }


def _notice(request: Request) -> str | None:
    params = request.query_params
    if params.get("done") in ("in", "out") and "plate" in params:
        key = "yard_checked_in" if params["done"] == "in" else "yard_checked_out"
        return i18n.translate(key, i18n.page_language(request), plate=params["plate"])
    return None


@router.get("/yard", response_class=HTMLResponse)
def yard_page(
    request: Request, session: DbSession, user: YardUser, now: Now, yard_id: Id | None = None
) -> HTMLResponse:
    return _page(request, session, user, now, yard_id, notice=_notice(request))


@router.get("/yard/live", response_class=HTMLResponse)
def yard_live(
    request: Request,
    session: DbSession,
    user: YardUser,
    now: Now,
    yard_id: Id,
    over: str | None = None,
) -> HTMLResponse:
    """Occupancy and the trucks inside alone, fetched again on each change at the gate."""
    yards, yard = _yards(session, user, yard_id)
    assert yard is not None
    hours, _ = _overstay_hours(over, i18n.page_language(request))
    return render(request, "_yard_live.html", **_live_values(session, yards, yard, now, hours))


@router.get("/yard/vehicles", response_class=HTMLResponse)
def yard_vehicles(
    request: Request, session: DbSession, user: YardUser, plate: str = ""
) -> HTMLResponse:
    """The plate matches alone, fetched by the page's script while a plate is typed."""
    typed = plate.strip()
    return render(request, "yard_matches.html", typed=typed, matches=_matches(session, user, typed))


@router.post("/yard/{yard_id}/visits", response_class=HTMLResponse, dependencies=[CsrfChecked])
def yard_visit(
    request: Request,
    yard_id: Id,
    session: DbSession,
    user: YardUser,
    now: Now,
    submitted: SubmittedForm,
    settings: AppSettings,
) -> Response:
    """``action=check_in`` or ``check_out`` the typed plate; ``search`` lists the
    vehicles whose plate contains it; ``pick`` puts a listed plate in the field."""
    yard = visits.visible_yard(session, yard_id, user)
    form = PlateForm.from_form(submitted)
    action = str(submitted.get("action", "check_in"))
    if "pick" in submitted or action == "search":
        return _page(request, session, user, now, yard.id, form, search=True)
    language = i18n.page_language(request)
    try:
        if action == "check_out":
            checked = visits.check_out(session, yard, CheckOut(plate=form.plate).plate, now)
        else:
            data = CheckIn.model_validate(form.check_in_data())
            checked = visits.check_in(session, yard, data, now, settings.resolved_secret_key)
    except ValidationError as error:
        form.refuse(error, language)
        return _page(request, session, user, now, yard.id, form, status_code=422)
    except DomainError as error:
        session.rollback()
        params = dict(error.params)
        if isinstance(error, YardFull):
            form.elsewhere = error.elsewhere
            # The class in the reader's words, inside a sentence.
            label = i18n.translate(f"yard_class_{params['vehicle_class']}", language)
            params["vehicle_class"] = label.lower()
        form.message = i18n.translate(error.code, language, **params)
        field_name = getattr(error, "field", None)
        if field_name:
            # A scanned code was typed into the plate field.
            form.errors["plate" if field_name == "code" else field_name] = form.message
        return _page(request, session, user, now, yard.id, form, status_code=error.status_code)
    done = "out" if action == "check_out" else "in"
    query = urlencode({"yard_id": yard.id, "done": done, "plate": checked.plate})
    return redirect(request, f"/yard?{query}")
