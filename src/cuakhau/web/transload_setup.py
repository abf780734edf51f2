"""A transshipment yard's set-up page: its bays (ordinary or cold, how many
pairs at once, the rate) and its stevedore shifts, for the yard's operator and
the administrator. Each form calls ``transload.setup`` as the API does
(``/api/v1/yards/{id}/bays``, ``/stevedore-shifts``): the same schemas and
rules, and a refusal comes back on the form with the rule's message."""

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cuakhau.core.deps import DbSession, Now
from cuakhau.core.errors import DomainError
from cuakhau.core.schemas import Id
from cuakhau.models import User
from cuakhau.models.enums import BayKind, RateUnit
from cuakhau.transload import setup
from cuakhau.transload.schemas import BayCreate, BayUpdate, Shifts, YardSetup
from cuakhau.web import i18n
from cuakhau.web.pages import (
    CsrfChecked,
    FormState,
    PageRoute,
    SubmittedForm,
    page_roles,
    redirect,
    render,
)
from cuakhau.yards.visits import visible_yard

router = APIRouter(route_class=PageRoute)

Setter = Annotated[User, page_roles(*setup.SETUP_ROLES)]
BAY_FIELDS = ("code", "kind", "capacity", "rate", "rate_unit")
SHIFT_FIELDS = ("starts_at", "ends_at", "teams")
# Empty rows under the yard's shifts, to add one.
BLANK_SHIFTS = 2
DONE = ("yard_set_up", "bay_added", "bay_changed", "shifts_set")


@dataclass
class Forms:
    """The page's forms as typed; only the one submitted holds anything."""

    bay: FormState = field(default_factory=lambda: FormState({"capacity": "1"}))
    # A bay's own form, by the bay's id.
    bays: dict[int, FormState] = field(default_factory=dict)
    # The shifts' rows as typed, and the errors by row (``shifts.{row}``).
    shifts: FormState | None = None


def _page(
    request: Request,
    session: Session,
    user: User,
    yard_id: int | None,
    forms: Forms | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    yards = setup.transshipment_yards(session, user)
    yard = setup.shown_yard(session, user, yard_id, yards)
    forms = forms or Forms()
    shifts = setup.shifts_of(session, yard) if yard else []
    if forms.shifts is None:
        typed = {}
        for row, shift in enumerate(shifts):
            typed |= {
                f"starts_at_{row}": shift.starts_at.strftime("%H:%M"),
                f"ends_at_{row}": shift.ends_at.strftime("%H:%M"),
                f"teams_{row}": str(shift.teams),
            }
        forms.shifts = FormState(typed)
    rows = max(len(shifts), _typed_rows(forms.shifts.values)) + BLANK_SHIFTS
    return render(
        request,
        "transload_setup.html",
        status_code=status_code,
        yards=yards,
        yard=yard,
        other_yards=setup.other_yards(session, user),
        bays=setup.bays_of(session, yard) if yard else [],
        forms=forms,
        shift_rows=range(rows),
        kinds=list(BayKind),
        units=list(RateUnit),
        notice=_notice(request),
    )


def _notice(request: Request) -> str | None:
    done = request.query_params.get("done")
    if done not in DONE:
        return None
    what = request.query_params.get("code", "")
    return i18n.translate(f"transload_setup_{done}", i18n.page_language(request), code=what)


def _typed_rows(values: dict[str, str]) -> int:
    rows = [int(name.rsplit("_", 1)[1]) for name in values if name.rsplit("_", 1)[-1].isdigit()]
    return max(rows, default=-1) + 1


@router.get("/transload/setup", response_class=HTMLResponse)
def setup_page(
    request: Request, session: DbSession, user: Setter, yard_id: Id | None = None
) -> HTMLResponse:
    return _page(request, session, user, yard_id)


def _filled(form: FormState) -> dict[str, Any]:
    # A field left empty is missing, as in a JSON body without it.
    return {name: value for name, value in form.values.items() if value}


def _refused(
    request: Request,
    session: Session,
    user: User,
    yard_id: int,
    forms: Forms,
    form: FormState,
    error: ValidationError | DomainError,
) -> HTMLResponse:
    session.rollback()
    form.refuse(error, i18n.page_language(request))
    status_code = error.status_code if isinstance(error, DomainError) else 422
    return _page(request, session, user, yard_id, forms, status_code=status_code)


def _done(request: Request, yard_id: int, done: str, code: str = "") -> Response:
    return redirect(request, f"/transload/setup?yard_id={yard_id}&done={done}&code={code}")


@router.post(
    "/transload/setup/{yard_id}/transshipment",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def make_transshipment_yard(
    request: Request, yard_id: Id, session: DbSession, user: Setter
) -> Response:
    """One of the user's yards becomes a transshipment yard, as ``PUT
    /api/v1/yards/{id}/transshipment``; its bays and shifts are set next."""
    yard = setup.set_up_yard(
        session, visible_yard(session, yard_id, user), YardSetup(is_transshipment=True)
    )
    return _done(request, yard.id, "yard_set_up", yard.code)


@router.post(
    "/transload/setup/{yard_id}/bays", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def add_bay(
    request: Request, yard_id: Id, session: DbSession, user: Setter, submitted: SubmittedForm
) -> Response:
    """A new bay, as ``POST /api/v1/yards/{id}/bays``."""
    yard = setup.transshipment_yard(session, yard_id, user)
    forms = Forms(bay=FormState.read(submitted, BAY_FIELDS))
    try:
        bay = setup.add_bay(session, yard, BayCreate.model_validate(_filled(forms.bay)))
    except (ValidationError, DomainError) as error:
        return _refused(request, session, user, yard_id, forms, forms.bay, error)
    return _done(request, yard_id, "bay_added", bay.code)


@router.post(
    "/transload/setup/{yard_id}/bays/{bay_id}",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def change_bay(
    request: Request,
    yard_id: Id,
    bay_id: Id,
    session: DbSession,
    user: Setter,
    submitted: SubmittedForm,
    now: Now,
) -> Response:
    """A bay's kind, room, rate or whether it works, as ``PATCH …/bays/{bay_id}``;
    it applies to the hours to come."""
    yard = setup.transshipment_yard(session, yard_id, user)
    bay = setup.yard_bay(session, yard, bay_id)
    form = FormState.read(submitted, BAY_FIELDS[1:])
    form.values["is_active"] = "true" if submitted.get("is_active") else "false"
    forms = Forms(bays={bay.id: form})
    code = bay.code
    try:
        setup.change_bay(session, bay, BayUpdate.model_validate(_filled(form)), now)
    except (ValidationError, DomainError) as error:
        return _refused(request, session, user, yard_id, forms, form, error)
    return _done(request, yard_id, "bay_changed", code)


def _shifts(submitted: FormData) -> tuple[FormState, dict[str, Any], list[int]]:
    """The rows as typed, the pattern they make (blank rows left out), and for
    each shift of the pattern the row it was typed on."""
    form = FormState(
        {
            name: str(value).strip()
            for name, value in submitted.items()
            if name.rsplit("_", 1)[0] in SHIFT_FIELDS
        }
    )
    shifts, rows = [], []
    for row in range(_typed_rows(form.values)):
        values = {name: form.values.get(f"{name}_{row}", "") for name in SHIFT_FIELDS}
        if any(values.values()):
            shifts.append({name: value for name, value in values.items() if value})
            rows.append(row)
    return form, {"shifts": shifts}, rows


def _on_rows(form: FormState, rows: list[int]) -> None:
    """The pattern's errors (``shifts.{n}…``) named by the row they were typed on."""
    named = {}
    for name, message in form.errors.items():
        parts = name.split(".")
        if len(parts) > 1 and parts[0] == "shifts" and parts[1].isdigit():
            named[f"shifts.{rows[int(parts[1])]}"] = message
        else:
            named[name] = message
    form.errors = named


@router.post(
    "/transload/setup/{yard_id}/shifts", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def set_shifts(
    request: Request,
    yard_id: Id,
    session: DbSession,
    user: Setter,
    submitted: SubmittedForm,
    now: Now,
) -> Response:
    """The yard's whole shift pattern, as ``PUT …/stevedore-shifts``: the rows
    left blank are no shift."""
    yard = setup.transshipment_yard(session, yard_id, user)
    form, data, rows = _shifts(submitted)
    forms = Forms(shifts=form)
    try:
        setup.set_shifts(session, yard, Shifts.model_validate(data), now)
    except (ValidationError, DomainError) as error:
        session.rollback()
        form.refuse(error, i18n.page_language(request))
        _on_rows(form, rows)
        status_code = error.status_code if isinstance(error, DomainError) else 422
        return _page(request, session, user, yard_id, forms, status_code=status_code)
    return _done(request, yard_id, "shifts_set")
