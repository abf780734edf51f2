from typing import Any

from sqlalchemy import Select, or_
from sqlalchemy.orm import Session

from cuakhau.core.config import Settings
from cuakhau.core.errors import InvalidInput, PermissionDenied
from cuakhau.core.rows import (
    apply_changes,
    ensure_active_reference,
    ensure_unique,
    patch_values,
)
from cuakhau.enterprises.schemas import (
    SELF_SERVICE_FIELDS,
    EnterpriseCreate,
    EnterpriseFilters,
    EnterpriseRead,
    EnterpriseUpdate,
)
from cuakhau.models import Enterprise, User
from cuakhau.models.enums import STAFF_ROLES, Role
from cuakhau.notifications.webhook_url import check_webhook_url
from cuakhau.registry import Registry

NULLABLE_FIELDS = frozenset({"name_en", "address", "webhook_url"})


def filter_enterprises(stmt: Select[Any], filters: EnterpriseFilters) -> Select[Any]:
    if filters.role is not None:
        stmt = stmt.where(getattr(Enterprise, f"is_{filters.role.value}").is_(True))
    if filters.active is not None:
        stmt = stmt.where(Enterprise.is_active == filters.active)
    if filters.q:
        pattern = f"%{filters.q}%"
        stmt = stmt.where(
            or_(
                Enterprise.tax_code.ilike(pattern),
                Enterprise.name_vi.ilike(pattern),
                Enterprise.name_en.ilike(pattern),
            )
        )
    return stmt


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    if values.get("webhook_url") is not None:
        values["webhook_url"] = str(values["webhook_url"])
    return values


def check_enterprise(data: EnterpriseCreate | EnterpriseUpdate, settings: Settings) -> None:
    if data.webhook_url is not None:
        check_webhook_url(str(data.webhook_url), settings)


def create_enterprise(
    session: Session, data: EnterpriseCreate, _user: User | None = None
) -> Enterprise:
    ensure_unique(
        session, Enterprise.tax_code, data.tax_code, entity="enterprise", field="tax_code"
    )
    values = _stored(data.model_dump(exclude={"roles"}))
    enterprise = Enterprise(**values)
    enterprise.roles = data.roles
    session.add(enterprise)
    session.flush()
    return enterprise


def update_enterprise(
    session: Session, enterprise: Enterprise, data: EnterpriseUpdate, user: User | None
) -> Enterprise:
    values = _stored(patch_values(data, nullable=NULLABLE_FIELDS))
    self_service = user is not None and user.role is Role.enterprise
    if self_service and not values.keys() <= SELF_SERVICE_FIELDS:
        raise PermissionDenied("role_forbidden", role=Role.enterprise.value)
    roles = values.pop("roles", None)
    apply_changes(enterprise, values)
    if roles is not None:
        enterprise.roles = roles
    session.flush()
    return enterprise


def resolve_owner(session: Session, user: User | None, requested_id: int | None) -> int:
    """The enterprise a new vehicle or driver belongs to.

    Enterprise users always register for their own company; staff name one.
    """
    if user is not None and user.role is Role.enterprise:
        assert user.enterprise_id is not None  # guaranteed by a CHECK constraint
        if requested_id not in (None, user.enterprise_id):
            raise InvalidInput(
                "referenced_missing", field="enterprise_id", entity="enterprise", id=requested_id
            )
        return user.enterprise_id
    if requested_id is None:
        raise InvalidInput("missing", field="enterprise_id")
    ensure_active_reference(
        session, Enterprise, requested_id, entity="enterprise", field="enterprise_id"
    )
    return requested_id


enterprises = Registry(
    model=Enterprise,
    entity="enterprise",
    read_schema=EnterpriseRead,
    create_schema=EnterpriseCreate,
    update_schema=EnterpriseUpdate,
    filter_schema=EnterpriseFilters,
    apply_filters=filter_enterprises,
    create=create_enterprise,
    update=update_enterprise,
    read_roles=(*STAFF_ROLES, Role.enterprise),
    create_roles=(Role.admin,),
    update_roles=(Role.admin, Role.enterprise),
    enterprise_column=Enterprise.id,
    check=check_enterprise,
)
