"""The shared shape of the zone's registries (gates, yards, enterprises, vehicles,
drivers): paged lists with filters, get, create, update, deactivate. No hard
deletes: rows are referenced by crossings, fees and the audit log.

Each feature describes itself with a ``Registry``; its own rules live in its
``create`` and ``update`` functions.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from cuakhau.accounts.deps import enterprise_scope, require_roles
from cuakhau.core.deps import DbSession, api_router
from cuakhau.core.errors import Conflict, InvalidInput, NotFound
from cuakhau.core.schemas import InputSchema, ListQuery, OutputSchema, Page
from cuakhau.models import User
from cuakhau.models.enums import Role


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


Creator = Callable[[Session, Any, User], Any]
Updater = Callable[[Session, Any, Any, User], Any]
Filterer = Callable[[Select[Any], Any], Select[Any]]


@dataclass(frozen=True)
class Registry:
    model: type[Any]
    entity: str
    read_schema: type[OutputSchema]
    create_schema: type[InputSchema]
    update_schema: type[InputSchema]
    filter_schema: type[BaseModel]
    apply_filters: Filterer
    create: Creator
    update: Updater
    read_roles: Sequence[Role]
    create_roles: Sequence[Role]
    update_roles: Sequence[Role]
    lifecycle_roles: Sequence[Role] = (Role.admin,)
    # The column that ties a row to one enterprise, for enterprise users' isolation.
    enterprise_column: InstrumentedAttribute[Any] | None = None

    def scoped_query(self, user: User) -> Select[Any]:
        stmt = select(self.model)
        scope = enterprise_scope(user)
        if scope is not None and self.enterprise_column is not None:
            stmt = stmt.where(self.enterprise_column == scope)
        return stmt

    def get(self, session: Session, row_id: int, user: User) -> Any:
        """The row if this user may see it; otherwise 404, never someone else's data."""
        stmt = self.scoped_query(user).where(self.model.id == row_id)
        row = session.scalar(stmt)
        if row is None:
            raise NotFound(self.entity, row_id)
        return row

    def router(self, prefix: str, tag: str) -> APIRouter:
        return _build_router(self, prefix, tag)


def _build_router(registry: Registry, prefix: str, tag: str) -> APIRouter:
    router = api_router(prefix=prefix, tags=[tag])
    read_schema = registry.read_schema
    create_schema = registry.create_schema
    update_schema = registry.update_schema
    filter_schema = registry.filter_schema
    Reader = Annotated[User, require_roles(*registry.read_roles)]  # noqa: N806
    Creator = Annotated[User, require_roles(*registry.create_roles)]  # noqa: N806
    Updater = Annotated[User, require_roles(*registry.update_roles)]  # noqa: N806
    Lifecycle = Annotated[User, require_roles(*registry.lifecycle_roles)]  # noqa: N806

    @router.get("", response_model=Page[read_schema])  # type: ignore[valid-type]
    def list_rows(
        session: DbSession,
        user: Reader,
        filters: Annotated[filter_schema, Query()],  # type: ignore[valid-type]
    ) -> Any:
        stmt = registry.apply_filters(registry.scoped_query(user), filters)
        items, total = paginate(session, stmt.order_by(registry.model.id), filters)
        return page_of(read_schema, items, total, filters)

    @router.get("/{row_id}", response_model=read_schema)
    def get_row(row_id: int, session: DbSession, user: Reader) -> Any:
        return read_schema.model_validate(registry.get(session, row_id, user))

    @router.post("", response_model=read_schema, status_code=status.HTTP_201_CREATED)
    def create_row(data: create_schema, session: DbSession, user: Creator) -> Any:  # type: ignore[valid-type]
        row = registry.create(session, data, user)
        session.flush()
        return read_schema.model_validate(row)

    @router.patch("/{row_id}", response_model=read_schema)
    def update_row(row_id: int, data: update_schema, session: DbSession, user: Updater) -> Any:  # type: ignore[valid-type]
        row = registry.get(session, row_id, user)
        registry.update(session, row, data, user)
        session.flush()
        return read_schema.model_validate(row)

    def set_active(row_id: int, session: Session, user: User, active: bool) -> Any:
        row = registry.get(session, row_id, user)
        apply_changes(row, {"is_active": active})
        session.flush()
        return read_schema.model_validate(row)

    @router.post("/{row_id}/deactivate", response_model=read_schema)
    def deactivate_row(row_id: int, session: DbSession, user: Lifecycle) -> Any:
        return set_active(row_id, session, user, active=False)

    @router.post("/{row_id}/activate", response_model=read_schema)
    def activate_row(row_id: int, session: DbSession, user: Lifecycle) -> Any:
        return set_active(row_id, session, user, active=True)

    return router
