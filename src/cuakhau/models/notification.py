from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cuakhau.core.clock import utcnow
from cuakhau.models.base import Base, UtcDateTime
from cuakhau.models.enums import NotificationEvent


class Notification(Base):
    """The outbox: written in the same transaction as the change it tells about,
    delivered afterwards by webhook, retried until it lands."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_due", "delivered_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: a notice to the zone's board (a forecast warning), read on /board
    # and in the notification list; no webhook delivers it.
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    crossing_id: Mapped[int | None] = mapped_column(ForeignKey("crossing.id"), index=True)
    event: Mapped[NotificationEvent] = mapped_column(
        Enum(NotificationEvent, native_enum=False, length=32)
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))


class DeliveryAttempt(Base):
    __tablename__ = "delivery_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    url: Mapped[str] = mapped_column(String(500))
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
    duration_ms: Mapped[int] = mapped_column(Integer)
