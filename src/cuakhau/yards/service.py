from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from cuakhau.core.errors import InvalidInput
from cuakhau.core.rows import (
    apply_changes,
    ensure_active_reference,
    ensure_unique,
    patch_values,
)
from cuakhau.models import Enterprise, Gate, User, Yard, YardSpace
from cuakhau.models.enums import STAFF_ROLES, Role, VehicleClass
from cuakhau.registry import Registry
from cuakhau.yards.schemas import YardCreate, YardFilters, YardRead, YardUpdate

NULLABLE_FIELDS = frozenset({"name_en"})


def filter_yards(stmt: Select[Any], filters: YardFilters) -> Select[Any]:
    if filters.gate_id is not None:
        stmt = stmt.where(Yard.gate_id == filters.gate_id)
    if filters.operator_id is not None:
        stmt = stmt.where(Yard.operator_id == filters.operator_id)
    if filters.active is not None:
        stmt = stmt.where(Yard.is_active == filters.active)
    return stmt


def _check_operator(session: Session, operator_id: int) -> None:
    operator = ensure_active_reference(
        session, Enterprise, operator_id, entity="enterprise", field="operator_id"
    )
    if not operator.is_yard_operator:
        raise InvalidInput(
            "yard_operator_role_missing", field="operator_id", tax_code=operator.tax_code
        )


def _set_spaces(yard: Yard, spaces: dict[VehicleClass, int]) -> None:
    """Edit rows in place so the audit log shows a count change, not a delete and insert."""
    current = {space.vehicle_class: space for space in yard.spaces}
    for vehicle_class, count in spaces.items():
        if vehicle_class in current:
            apply_changes(current[vehicle_class], {"spaces": count})
        else:
            yard.spaces.append(YardSpace(vehicle_class=vehicle_class, spaces=count))
    for vehicle_class, space in current.items():
        if vehicle_class not in spaces:
            yard.spaces.remove(space)


def create_yard(session: Session, data: YardCreate, _user: User | None = None) -> Yard:
    ensure_unique(session, Yard.code, data.code, entity="yard", field="code")
    ensure_active_reference(session, Gate, data.gate_id, entity="gate", field="gate_id")
    _check_operator(session, data.operator_id)
    yard = Yard(**data.model_dump(exclude={"spaces"}))
    _set_spaces(yard, data.spaces)
    session.add(yard)
    session.flush()
    return yard


def update_yard(session: Session, yard: Yard, data: YardUpdate, _user: User | None = None) -> Yard:
    values = patch_values(data, nullable=NULLABLE_FIELDS)
    if "operator_id" in values:
        _check_operator(session, values["operator_id"])
    spaces = values.pop("spaces", None)
    apply_changes(yard, values)
    if spaces is not None:
        _set_spaces(yard, spaces)
    session.flush()
    return yard


yards = Registry(
    model=Yard,
    entity="yard",
    read_schema=YardRead,
    create_schema=YardCreate,
    update_schema=YardUpdate,
    filter_schema=YardFilters,
    apply_filters=filter_yards,
    create=create_yard,
    update=update_yard,
    read_roles=(*STAFF_ROLES, Role.enterprise),
    create_roles=(Role.admin,),
    update_roles=(Role.admin,),
)
