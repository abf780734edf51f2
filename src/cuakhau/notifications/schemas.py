from datetime import datetime
from typing import Any

from cuakhau.core.schemas import Id, InputSchema, ListQuery, OutputSchema
from cuakhau.models.enums import NotificationEvent


class NotificationFilters(ListQuery):
    enterprise_id: Id | None = None
    crossing_id: Id | None = None
    event: NotificationEvent | None = None
    delivered: bool | None = None


class NotificationRead(OutputSchema):
    id: int
    # None: a notice to the board.
    enterprise_id: int | None
    crossing_id: int | None
    event: NotificationEvent
    payload: dict[str, Any]
    created_at: datetime
    attempts: int
    next_attempt_at: datetime
    delivered_at: datetime | None
    last_error: str | None


class DeliveryAttemptRead(OutputSchema):
    at: datetime
    url: str
    status_code: int | None
    error: str | None
    duration_ms: int


class NotificationDetail(NotificationRead):
    delivery_attempts: list[DeliveryAttemptRead]


class SigningKeyQuery(InputSchema):
    enterprise_id: Id | None = None


class SigningKey(OutputSchema):
    enterprise_id: int
    algorithm: str = "HMAC-SHA256"
    key: str
    signature_header: str
    timestamp_header: str
    signed_text: str = "{timestamp}.{raw body}"
