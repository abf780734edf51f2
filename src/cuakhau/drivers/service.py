from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from cuakhau.core.errors import Conflict
from cuakhau.core.rows import apply_changes, patch_values
from cuakhau.drivers.schemas import DriverCreate, DriverFilters, DriverRead, DriverUpdate
from cuakhau.enterprises.service import resolve_owner
from cuakhau.models import Driver, User
from cuakhau.models.enums import STAFF_ROLES, Role
from cuakhau.registry import Registry


def filter_drivers(stmt: Select[Any], filters: DriverFilters) -> Select[Any]:
    if filters.enterprise_id is not None:
        stmt = stmt.where(Driver.enterprise_id == filters.enterprise_id)
    if filters.nationality is not None:
        stmt = stmt.where(Driver.nationality == filters.nationality)
    if filters.active is not None:
        stmt = stmt.where(Driver.is_active == filters.active)
    if filters.q:
        pattern = f"%{filters.q}%"
        stmt = stmt.where(or_(Driver.full_name.ilike(pattern), Driver.id_number.ilike(pattern)))
    return stmt


def create_driver(session: Session, data: DriverCreate, user: User | None) -> Driver:
    owner = resolve_owner(session, user, data.enterprise_id)
    existing = session.scalar(
        select(Driver.id).where(
            Driver.nationality == data.nationality, Driver.id_number == data.id_number
        )
    )
    if existing is not None:
        raise Conflict("duplicate", entity="driver", field="id_number", value=data.id_number)
    driver = Driver(**data.model_dump(exclude={"enterprise_id"}), enterprise_id=owner)
    session.add(driver)
    session.flush()
    return driver


def update_driver(
    session: Session, driver: Driver, data: DriverUpdate, _user: User | None
) -> Driver:
    apply_changes(driver, patch_values(data, nullable=frozenset()))
    session.flush()
    return driver


drivers = Registry(
    model=Driver,
    entity="driver",
    read_schema=DriverRead,
    create_schema=DriverCreate,
    update_schema=DriverUpdate,
    filter_schema=DriverFilters,
    apply_filters=filter_drivers,
    create=create_driver,
    update=update_driver,
    read_roles=(*STAFF_ROLES, Role.enterprise),
    create_roles=(Role.admin, Role.enterprise),
    update_roles=(Role.admin, Role.enterprise),
    lifecycle_roles=(Role.admin, Role.enterprise),
    enterprise_column=Driver.enterprise_id,
)
