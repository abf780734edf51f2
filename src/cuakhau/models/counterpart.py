from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cuakhau.models.base import Audited, Base, Timestamped, UtcDateTime


class Counterpart(Base, Timestamped, Audited):
    """The other side's system at one of our gates (its gate across the line),
    talking to ours over the signed machine API (docs/counterpart.md).

    Its signing secret is never stored: it is derived from the server's secret
    key and ``key_salt`` (``counterpart.signing.secret_for``), so a copy of the
    database alone cannot sign a message."""

    __tablename__ = "counterpart"
    __audit_exclude__ = frozenset({"key_salt"})

    id: Mapped[int] = mapped_column(primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # Sent in every request (``X-Cuakhau-Key``) to say who signed it.
    key_id: Mapped[str] = mapped_column(String(40), unique=True)
    key_salt: Mapped[str] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(default=True)
    # The highest sequence number applied: every message up to it has been.
    applied_through: Mapped[int] = mapped_column(Integer, default=0)
    last_heard_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CounterpartMessage(Base):
    """A signed message as received, kept so a repeat is recognised and a message
    that came before its turn waits (``applied_at`` empty) until the gap is filled."""

    __tablename__ = "counterpart_message"
    __table_args__ = (
        UniqueConstraint("counterpart_id", "message_id", name="message_id_once"),
        UniqueConstraint("counterpart_id", "sequence", name="sequence_once"),
        Index("ix_counterpart_message_waiting", "counterpart_id", "applied_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    counterpart_id: Mapped[int] = mapped_column(ForeignKey("counterpart.id"))
    message_id: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    # SHA-256 of the body as signed: the same id with another body is refused.
    body_digest: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    applied_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
