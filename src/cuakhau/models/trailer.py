from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cuakhau.models.base import Audited, Base, UtcDateTime
from cuakhau.models.enums import Side, TrailerWait


class TrailerStay(Base, Audited):
    """A trailer standing in a yard without its tractor (a trailer swap), from
    the moment it was left there to the moment it was taken away: by a transfer
    driver across the line, or by its owner once handed back. A trailer is
    known by its own plate, apart from the tractors that pull it."""

    __tablename__ = "trailer_stay"
    __table_args__ = (Index("ix_trailer_stay_open", "yard_id", "left_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trailer_plate: Mapped[str] = mapped_column(String(16), index=True)
    crossing_id: Mapped[int] = mapped_column(ForeignKey("crossing.id"), index=True)
    # Whose trailer: the crossing's enterprise.
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    yard_id: Mapped[int] = mapped_column(ForeignKey("yard.id"))
    waits_for: Mapped[TrailerWait] = mapped_column(Enum(TrailerWait, native_enum=False, length=16))
    is_loaded: Mapped[bool] = mapped_column(Boolean)
    since: Mapped[datetime] = mapped_column(UtcDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class TransferShift(Base, Audited):
    """How many transfer drivers (lái xe trung chuyển), ours or the other
    side's, are on duty at a gate over one shift."""

    __tablename__ = "transfer_shift"
    __table_args__ = (
        CheckConstraint("drivers >= 0", name="drivers_non_negative"),
        CheckConstraint("starts_at < ends_at", name="shift_order"),
        Index("ix_transfer_shift_gate", "gate_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"))
    side: Mapped[Side] = mapped_column(Enum(Side, native_enum=False, length=8))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    drivers: Mapped[int] = mapped_column(Integer)
