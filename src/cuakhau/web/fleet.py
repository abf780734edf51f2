"""An enterprise's fleet: its vehicles and drivers, registered and deactivated
through the same registries, schemas and rules as ``/api/v1/vehicles`` and
``/api/v1/drivers``."""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from cuakhau.core.deps import DbSession
from cuakhau.core.errors import DomainError
from cuakhau.core.schemas import Id
from cuakhau.drivers.schemas import DriverCreate
from cuakhau.drivers.service import drivers
from cuakhau.models import Driver, User, Vehicle
from cuakhau.models.enums import VehicleKind
from cuakhau.registry import Registry
from cuakhau.vehicles.schemas import VehicleCreate
from cuakhau.vehicles.service import vehicles
from cuakhau.web import i18n
from cuakhau.web.enterprise import EnterpriseUser
from cuakhau.web.pages import (
    CsrfChecked,
    FormState,
    PageRoute,
    SubmittedForm,
    redirect,
    render,
)

router = APIRouter(route_class=PageRoute)

VEHICLE_FIELDS = ("plate", "trailer_plate", "kind", "axles", "payload_kg", "is_unmanned")
DRIVER_FIELDS = ("full_name", "id_number", "nationality", "phone")
# Most drivers at Lạng Sơn are Vietnamese or Chinese; any ISO code is accepted.
NATIONALITIES = ("VN", "CN")


def _fleet_page(
    request: Request,
    session: Session,
    user: User,
    *,
    vehicle_form: FormState | None = None,
    driver_form: FormState | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "fleet_list.html",
        status_code=status_code,
        vehicles=list(session.scalars(vehicles.scoped_query(user).order_by(Vehicle.plate))),
        drivers=list(session.scalars(drivers.scoped_query(user).order_by(Driver.full_name))),
        kinds=list(VehicleKind),
        nationalities=NATIONALITIES,
        vehicle_form=vehicle_form or FormState({"kind": VehicleKind.truck.value, "axles": "2"}),
        driver_form=driver_form or FormState({"nationality": "VN"}),
        notice=_notice(request, session, user),
    )


def _notice(request: Request, session: Session, user: User) -> str | None:
    """What the last action did, named from the row itself (the query holds only its id)."""
    language = i18n.page_language(request)
    for key, registry in (
        ("vehicle_added", vehicles),
        ("vehicle_deactivated", vehicles),
        ("driver_added", drivers),
        ("driver_deactivated", drivers),
    ):
        row_id = request.query_params.get(key)
        if row_id and row_id.isdigit():
            row = registry.get(session=session, user=user, row_id=int(row_id))
            name = row.plate if registry is vehicles else row.full_name
            return i18n.translate(f"fleet_{key}", language, name=name)
    return None


@router.get("/fleet", response_class=HTMLResponse)
def fleet(request: Request, session: DbSession, user: EnterpriseUser) -> HTMLResponse:
    return _fleet_page(request, session, user)


def _create(
    request: Request,
    session: Session,
    user: User,
    registry: Registry,
    schema: type[BaseModel],
    form: FormState,
) -> Any:
    """The registry's own create, or the form back with the rule's message."""
    language = i18n.page_language(request)
    try:
        # A field left empty is missing, as in a JSON body without it.
        data = schema.model_validate({k: v for k, v in form.values.items() if v})
        return registry.add(
            session=session, user=user, data=data, settings=request.app.state.settings
        )
    except (ValidationError, DomainError) as error:
        session.rollback()
        form.refuse(error, language)
        return None


@router.post("/fleet/vehicles", response_class=HTMLResponse, dependencies=[CsrfChecked])
def add_vehicle(
    request: Request, session: DbSession, user: EnterpriseUser, submitted: SubmittedForm
) -> Response:
    form = FormState.read(submitted, VEHICLE_FIELDS)
    vehicle = _create(request, session, user, vehicles, VehicleCreate, form)
    if vehicle is None:
        return _fleet_page(request, session, user, vehicle_form=form, status_code=422)
    return redirect(request, f"/fleet?vehicle_added={vehicle.id}#vehicles")


@router.post("/fleet/drivers", response_class=HTMLResponse, dependencies=[CsrfChecked])
def add_driver(
    request: Request, session: DbSession, user: EnterpriseUser, submitted: SubmittedForm
) -> Response:
    form = FormState.read(submitted, DRIVER_FIELDS)
    form.values["nationality"] = form.values.get("nationality", "").upper()
    driver = _create(request, session, user, drivers, DriverCreate, form)
    if driver is None:
        return _fleet_page(request, session, user, driver_form=form, status_code=422)
    return redirect(request, f"/fleet?driver_added={driver.id}#drivers")


def _deactivate_page(kind: str, registry: Registry) -> Callable[..., Response]:
    def deactivate(
        request: Request, row_id: Id, session: DbSession, user: EnterpriseUser
    ) -> Response:
        """As ``POST /api/v1/<registry>/{id}/deactivate``: another enterprise's row is a 404."""
        registry.set_active(session=session, user=user, row_id=row_id, active=False)
        return redirect(request, f"/fleet?{kind}_deactivated={row_id}#{kind}s")

    return deactivate


for _kind, _registry in (("vehicle", vehicles), ("driver", drivers)):
    router.add_api_route(
        f"/fleet/{_kind}s/{{row_id}}/deactivate",
        _deactivate_page(_kind, _registry),
        methods=["POST"],
        name=f"deactivate_{_kind}",
        response_class=HTMLResponse,
        dependencies=[CsrfChecked],
    )
