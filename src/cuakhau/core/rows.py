"""Reading and changing rows the same way in every feature: a list as a page,
changes set only where they differ, uniqueness and live references checked before
a write. No hard deletes: rows are referenced by crossings, fees and the audit log."""

from typing import Any

from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from cuakhau.core.errors import Conflict, InvalidInput
from cuakhau.core.schemas import ListQuery, Page


def paginate(session: Session, stmt: Select[Any], params: ListQuery) -> tuple[list[Any], int]:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = list(session.scalars(stmt.limit(params.limit).offset(params.offset)))
    return items, total


def page_of(schema: type[BaseModel], items: list[Any], total: int, params: ListQuery) -> Page[Any]:
    return Page[schema](  # type: ignore[valid-type]
        items=[schema.model_validate(item) for item in items],
        total=total,
        limit=params.limit,
        offset=params.offset,
    )


def apply_changes(obj: object, values: dict[str, Any]) -> None:
    """Set only what differs, so an unchanged row writes nothing and logs nothing."""
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)


def patch_values(data: BaseModel, *, nullable: frozenset[str]) -> dict[str, Any]:
    """The fields a PATCH sets; null only where the field may be empty."""
    values = data.model_dump(exclude_unset=True)
    for key, value in values.items():
        if value is None and key not in nullable:
            raise InvalidInput("null_not_allowed", field=key)
    return values


def ensure_unique(
    session: Session,
    column: InstrumentedAttribute[Any],
    value: object,
    *,
    entity: str,
    field: str,
    exclude_id: int | None = None,
) -> None:
    model = column.class_
    stmt = select(model.id).where(column == value)
    if exclude_id is not None:
        stmt = stmt.where(model.id != exclude_id)
    if session.scalar(stmt) is not None:
        raise Conflict("duplicate", entity=entity, field=field, value=value)


def ensure_active_reference(
    session: Session, model: type[Any], row_id: int, *, entity: str, field: str
) -> Any:
    row = session.get(model, row_id)
    if row is None or not getattr(row, "is_active", True):
        raise InvalidInput("referenced_missing", field=field, entity=entity, id=row_id)
    return row
