"""The outbox as the enterprise reads it (also when it has no webhook), the
delivery log, and the key to check webhook signatures with."""

from typing import Annotated, Any

from fastapi import Query
from sqlalchemy import select

from cuakhau.accounts.deps import StaffOrEnterprise, enterprise_scope, require_roles
from cuakhau.core.deps import AppSettings, DbSession, api_router
from cuakhau.core.errors import InvalidInput, NotFound
from cuakhau.core.rows import page_of, paginate
from cuakhau.core.schemas import Id, Page
from cuakhau.models import DeliveryAttempt, Enterprise, Notification, User
from cuakhau.models.enums import Role
from cuakhau.notifications.schemas import (
    DeliveryAttemptRead,
    NotificationDetail,
    NotificationFilters,
    NotificationRead,
    SigningKey,
    SigningKeyQuery,
)
from cuakhau.notifications.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, enterprise_key

router = api_router(prefix="/notifications", tags=["notifications"])

KeyHolder = Annotated[User, require_roles(Role.admin, Role.enterprise)]


@router.get("", response_model=Page[NotificationRead])
def list_notifications(
    session: DbSession, user: StaffOrEnterprise, filters: Annotated[NotificationFilters, Query()]
) -> Any:
    stmt = select(Notification)
    scope = enterprise_scope(user)
    if scope is not None:
        stmt = stmt.where(Notification.enterprise_id == scope)
    if filters.enterprise_id is not None:
        stmt = stmt.where(Notification.enterprise_id == filters.enterprise_id)
    if filters.crossing_id is not None:
        stmt = stmt.where(Notification.crossing_id == filters.crossing_id)
    if filters.event is not None:
        stmt = stmt.where(Notification.event == filters.event)
    if filters.delivered is not None:
        delivered = Notification.delivered_at.is_not(None)
        stmt = stmt.where(delivered if filters.delivered else ~delivered)
    items, total = paginate(session, stmt.order_by(Notification.id.desc()), filters)
    return page_of(NotificationRead, items, total, filters)


@router.get("/signing-key", response_model=SigningKey)
def signing_key(
    session: DbSession,
    settings: AppSettings,
    user: KeyHolder,
    query: Annotated[SigningKeyQuery, Query()],
) -> Any:
    """The key this enterprise's webhooks are signed with (an enterprise user gets
    its own; an administrator names the enterprise)."""
    enterprise_id = enterprise_scope(user) or query.enterprise_id
    if enterprise_id is None:
        raise InvalidInput("enterprise_id_required", field="enterprise_id")
    if session.get(Enterprise, enterprise_id) is None:
        raise NotFound("enterprise", enterprise_id)
    return SigningKey(
        enterprise_id=enterprise_id,
        key=enterprise_key(settings.resolved_secret_key, enterprise_id),
        signature_header=SIGNATURE_HEADER,
        timestamp_header=TIMESTAMP_HEADER,
    )


@router.get("/{notification_id}", response_model=NotificationDetail)
def get_notification(notification_id: Id, session: DbSession, user: StaffOrEnterprise) -> Any:
    """One notification with every delivery attempt (status, error, duration)."""
    scope = enterprise_scope(user)
    notification = session.get(Notification, notification_id)
    if notification is None or (scope is not None and notification.enterprise_id != scope):
        raise NotFound("notification", notification_id)
    attempts = session.scalars(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.notification_id == notification_id)
        .order_by(DeliveryAttempt.id)
    )
    return NotificationDetail(
        **NotificationRead.model_validate(notification).model_dump(),
        delivery_attempts=[DeliveryAttemptRead.model_validate(a) for a in attempts],
    )
