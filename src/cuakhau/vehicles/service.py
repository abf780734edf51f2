import re
from typing import Any

from sqlalchemy import Select, func
from sqlalchemy.orm import Session

from cuakhau.core.errors import InvalidInput
from cuakhau.core.rows import apply_changes, ensure_unique, patch_values
from cuakhau.enterprises.service import resolve_owner
from cuakhau.models import User, Vehicle
from cuakhau.models.enums import STAFF_ROLES, Role
from cuakhau.registry import Registry
from cuakhau.vehicles.schemas import (
    VehicleCreate,
    VehicleFilters,
    VehicleRead,
    VehicleUpdate,
    plate_country,
)

NULLABLE_FIELDS = frozenset({"trailer_plate"})


def filter_vehicles(stmt: Select[Any], filters: VehicleFilters) -> Select[Any]:
    if filters.enterprise_id is not None:
        stmt = stmt.where(Vehicle.enterprise_id == filters.enterprise_id)
    if filters.kind is not None:
        stmt = stmt.where(Vehicle.kind == filters.kind)
    if filters.active is not None:
        stmt = stmt.where(Vehicle.is_active == filters.active)
    if filters.plate:
        # Match however the plate was typed: compare without separators.
        compact = re.sub(r"[\s\-.·]", "", filters.plate).upper()
        stored = func.replace(func.replace(Vehicle.plate, "-", ""), ".", "")
        stmt = stmt.where(stored.contains(compact, autoescape=True))
    return stmt


def create_vehicle(session: Session, data: VehicleCreate, user: User | None) -> Vehicle:
    owner = resolve_owner(session, user, data.enterprise_id)
    ensure_unique(session, Vehicle.plate, data.plate, entity="vehicle", field="plate")
    vehicle = Vehicle(
        **data.model_dump(exclude={"enterprise_id"}),
        enterprise_id=owner,
        plate_country=plate_country(data.plate),
    )
    session.add(vehicle)
    session.flush()
    return vehicle


def update_vehicle(
    session: Session, vehicle: Vehicle, data: VehicleUpdate, _user: User | None
) -> Vehicle:
    values = patch_values(data, nullable=NULLABLE_FIELDS)
    if values.get("trailer_plate") is not None and values["trailer_plate"] == vehicle.plate:
        raise InvalidInput("trailer_same_as_plate", field="trailer_plate")
    apply_changes(vehicle, values)
    session.flush()
    return vehicle


vehicles = Registry(
    model=Vehicle,
    entity="vehicle",
    read_schema=VehicleRead,
    create_schema=VehicleCreate,
    update_schema=VehicleUpdate,
    filter_schema=VehicleFilters,
    apply_filters=filter_vehicles,
    create=create_vehicle,
    update=update_vehicle,
    read_roles=(*STAFF_ROLES, Role.enterprise),
    create_roles=(Role.admin, Role.enterprise),
    update_roles=(Role.admin, Role.enterprise),
    lifecycle_roles=(Role.admin, Role.enterprise),
    enterprise_column=Vehicle.enterprise_id,
)
