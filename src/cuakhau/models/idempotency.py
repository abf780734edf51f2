from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from cuakhau.models.base import Base, UtcDateTime


class IdempotencyKey(Base):
    """A request a caller marked with an ``Idempotency-Key``: the same key and
    request again within a day answer with the crossing the first one made,
    however the first answer was lost (a cut connection, a timeout)."""

    __tablename__ = "idempotency_key"
    __table_args__ = (Index("ix_idempotency_key_created_at", "created_at"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    # SHA-256 of the request as checked (``BookingRequest``), not of its bytes.
    request_digest: Mapped[str] = mapped_column(String(64))
    crossing_id: Mapped[int] = mapped_column(ForeignKey("crossing.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
