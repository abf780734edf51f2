from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cuakhau.core.clock import utcnow
from cuakhau.models.base import Base, UtcDateTime
from cuakhau.models.enums import ReadPoint


class PlateRead(Base):
    """A camera's read, kept as sent (append-only). ``(camera, read id)`` makes a
    repeated post of the same read change nothing."""

    __tablename__ = "plate_read"
    __table_args__ = (UniqueConstraint("camera_user_id", "read_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camera_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    read_id: Mapped[str] = mapped_column(String(64))
    plate_as_read: Mapped[str] = mapped_column(String(32))
    # Normalised, where the text parses as a plate.
    plate: Mapped[str | None] = mapped_column(String(16), index=True)
    point: Mapped[ReadPoint] = mapped_column(Enum(ReadPoint, native_enum=False, length=16))
    gate_id: Mapped[int | None] = mapped_column(ForeignKey("gate.id"))
    yard_id: Mapped[int | None] = mapped_column(ForeignKey("yard.id"))
    read_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    confidence: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    crossing_id: Mapped[int | None] = mapped_column(ForeignKey("crossing.id"), index=True)
    # applied, no_change, alert.
    outcome: Mapped[str] = mapped_column(String(16))


class PlateAlert(Base):
    """A read a person must look at: never dropped."""

    __tablename__ = "plate_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    plate_read_id: Mapped[int] = mapped_column(ForeignKey("plate_read.id"), unique=True)
    # unknown_plate, unreadable, low_confidence, no_open_crossing, illegal_move.
    kind: Mapped[str] = mapped_column(String(32))
    # The message as first written (Vietnamese); ``params`` fill the message
    # ``plate_alert_<kind>`` in whichever language the reader asks for.
    detail: Mapped[str] = mapped_column(String(300))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolution: Mapped[str | None] = mapped_column(String(300))
