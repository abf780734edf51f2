from typing import Any

from pydantic_core import PydanticCustomError
from sqlalchemy import Select, or_
from sqlalchemy.orm import Session

from cuakhau.core.errors import InvalidInput
from cuakhau.core.rows import apply_changes, ensure_unique, patch_values
from cuakhau.gates.schemas import GateCreate, GateFilters, GateRead, GateUpdate, check_gate_rules
from cuakhau.models import Gate, User
from cuakhau.models.enums import STAFF_ROLES, Role
from cuakhau.registry import Registry

NULLABLE_FIELDS = frozenset({"counterpart_name", "counterpart_name_zh", "latitude", "longitude"})


def filter_gates(stmt: Select[Any], filters: GateFilters) -> Select[Any]:
    if filters.kind is not None:
        stmt = stmt.where(Gate.kind == filters.kind)
    if filters.mode is not None:
        stmt = stmt.where(Gate.mode == filters.mode)
    if filters.active is not None:
        stmt = stmt.where(Gate.is_active == filters.active)
    if filters.q:
        pattern = f"%{filters.q}%"
        stmt = stmt.where(
            or_(Gate.code.ilike(pattern), Gate.name_vi.ilike(pattern), Gate.name_en.ilike(pattern))
        )
    return stmt


def create_gate(session: Session, data: GateCreate, _user: User | None = None) -> Gate:
    ensure_unique(session, Gate.code, data.code, entity="gate", field="code")
    gate = Gate(**data.model_dump())
    session.add(gate)
    session.flush()
    return gate


def update_gate(session: Session, gate: Gate, data: GateUpdate, _user: User | None = None) -> Gate:
    values = patch_values(data, nullable=NULLABLE_FIELDS)
    merged = {
        key: values.get(key, getattr(gate, key))
        for key in ("opens_at", "closes_at", "handles_export", "handles_import")
    }
    try:
        check_gate_rules(
            merged["opens_at"],
            merged["closes_at"],
            merged["handles_export"],
            merged["handles_import"],
        )
    except PydanticCustomError as error:
        raise InvalidInput(error.type) from None
    apply_changes(gate, values)
    session.flush()
    return gate


gates = Registry(
    model=Gate,
    entity="gate",
    read_schema=GateRead,
    create_schema=GateCreate,
    update_schema=GateUpdate,
    filter_schema=GateFilters,
    apply_filters=filter_gates,
    create=create_gate,
    update=update_gate,
    read_roles=(*STAFF_ROLES, Role.enterprise),
    create_roles=(Role.admin,),
    update_roles=(Role.admin,),
)
