"""The shared shape of the zone's registries (gates, yards, enterprises, vehicles,
drivers): paged lists with filters, get, create, update, deactivate, each open to
its roles. No hard deletes: rows are referenced by crossings, fees and the audit log.

Each feature describes itself with a ``Registry`` in its ``service.py`` (its own
rules live in its ``create`` and ``update`` functions) and its ``router.py`` is
``registry.router(...)``; pages call the same methods as the routes. The shape
lives here, above ``core/``, because it knows who may do what: the accounts'
roles and an enterprise user's scope.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from sqlalchemy import Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from cuakhau.accounts.deps import enterprise_scope, require_roles
from cuakhau.core.config import Settings
from cuakhau.core.deps import AppSettings, DbSession, api_router
from cuakhau.core.errors import NotFound
from cuakhau.core.rows import apply_changes, page_of, paginate
from cuakhau.core.schemas import Id, InputSchema, ListQuery, OutputSchema, Page
from cuakhau.models import User
from cuakhau.models.enums import Role

Creator = Callable[[Session, Any, User], Any]
Updater = Callable[[Session, Any, Any, User], Any]
Filterer = Callable[[Select[Any], Any], Select[Any]]
Checker = Callable[[Any, Settings], None]


@dataclass(frozen=True)
class Registry:
    model: type[Any]
    entity: str
    read_schema: type[OutputSchema]
    create_schema: type[InputSchema]
    update_schema: type[InputSchema]
    filter_schema: type[ListQuery]
    apply_filters: Filterer
    create: Creator
    update: Updater
    read_roles: Sequence[Role]
    create_roles: Sequence[Role]
    update_roles: Sequence[Role]
    lifecycle_roles: Sequence[Role] = (Role.admin,)
    # The column that ties a row to one enterprise, for enterprise users' isolation.
    enterprise_column: InstrumentedAttribute[Any] | None = None
    # A rule on new or changed values that depends on the installation's
    # settings (which webhook hosts may be reached), checked before ``create``
    # and ``update``.
    check: Checker | None = None

    def scoped_query(self, user: User) -> Select[Any]:
        """The rows this user may see."""
        stmt = select(self.model)
        scope = enterprise_scope(user)
        if scope is not None and self.enterprise_column is not None:
            stmt = stmt.where(self.enterprise_column == scope)
        return stmt

    def get(self, *, session: Session, user: User, row_id: int) -> Any:
        """The row if this user may see it; otherwise 404, never someone else's data."""
        row = session.scalar(self.scoped_query(user).where(self.model.id == row_id))
        if row is None:
            raise NotFound(self.entity, row_id)
        return row

    def page(self, *, session: Session, user: User, filters: ListQuery) -> Page[Any]:
        stmt = self.apply_filters(self.scoped_query(user), filters)
        items, total = paginate(session, stmt.order_by(self.model.id), filters)
        return page_of(self.read_schema, items, total, filters)

    def add(self, *, session: Session, user: User, data: InputSchema, settings: Settings) -> Any:
        if self.check is not None:
            self.check(data, settings)
        row = self.create(session, data, user)
        session.flush()
        return row

    def change(
        self, *, session: Session, user: User, row_id: int, data: InputSchema, settings: Settings
    ) -> Any:
        row = self.get(session=session, user=user, row_id=row_id)
        if self.check is not None:
            self.check(data, settings)
        self.update(session, row, data, user)
        session.flush()
        return row

    def set_active(self, *, session: Session, user: User, row_id: int, active: bool) -> Any:
        row = self.get(session=session, user=user, row_id=row_id)
        apply_changes(row, {"is_active": active})
        session.flush()
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
        return registry.page(session=session, user=user, filters=filters)

    @router.get("/{row_id}", response_model=read_schema)
    def get_row(row_id: Id, session: DbSession, user: Reader) -> Any:
        return read_schema.model_validate(registry.get(session=session, user=user, row_id=row_id))

    @router.post("", response_model=read_schema, status_code=status.HTTP_201_CREATED)
    def create_row(
        data: create_schema,  # type: ignore[valid-type]
        session: DbSession,
        user: Creator,
        settings: AppSettings,
    ) -> Any:
        row = registry.add(session=session, user=user, data=data, settings=settings)
        return read_schema.model_validate(row)

    @router.patch("/{row_id}", response_model=read_schema)
    def update_row(
        row_id: Id,
        data: update_schema,  # type: ignore[valid-type]
        session: DbSession,
        user: Updater,
        settings: AppSettings,
    ) -> Any:
        row = registry.change(
            session=session, user=user, row_id=row_id, data=data, settings=settings
        )
        return read_schema.model_validate(row)

    @router.post("/{row_id}/deactivate", response_model=read_schema)
    def deactivate_row(row_id: Id, session: DbSession, user: Lifecycle) -> Any:
        row = registry.set_active(session=session, user=user, row_id=row_id, active=False)
        return read_schema.model_validate(row)

    @router.post("/{row_id}/activate", response_model=read_schema)
    def activate_row(row_id: Id, session: DbSession, user: Lifecycle) -> Any:
        row = registry.set_active(session=session, user=user, row_id=row_id, active=True)
        return read_schema.model_validate(row)

    return router
