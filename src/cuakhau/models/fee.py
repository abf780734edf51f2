from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    column,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cuakhau.core.clock import utcnow
from cuakhau.models.base import Audited, Base, Timestamped, UtcDateTime
from cuakhau.models.enums import FeeKind, Regime, VehicleClass


class Tariff(Base, Timestamped, Audited):
    """A price line of a provincial tariff. A crossing is priced with the lines in
    force when it completed, so later tariffs never change old fees."""

    __tablename__ = "tariff"
    __table_args__ = (
        CheckConstraint("amount_vnd >= 0", name="amount_non_negative"),
        CheckConstraint("effective_to IS NULL OR effective_from <= effective_to", name="dates"),
        # Two versions of one line in force on the same day would make a price
        # ambiguous. The service checks first; this refuses what two requests at
        # once slip past it (SQLite has one writer at a time, so no such race).
        ExcludeConstraint(
            (column("code"), "="),
            (func.daterange(column("effective_from"), column("effective_to"), "[]"), "&&"),
            name="ex_tariff_in_force_once",
            using="gist",
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    kind: Mapped[FeeKind] = mapped_column(Enum(FeeKind, native_enum=False, length=16))
    description: Mapped[str] = mapped_column(String(300))
    # None matches any.
    vehicle_class: Mapped[VehicleClass | None] = mapped_column(
        Enum(VehicleClass, native_enum=False, length=16)
    )
    regime: Mapped[Regime | None] = mapped_column(Enum(Regime, native_enum=False, length=16))
    min_payload_kg: Mapped[int | None] = mapped_column(Integer)
    max_payload_kg: Mapped[int | None] = mapped_column(Integer)
    # Infrastructure: per crossing. Yard: per started unit of ``per_hours`` of dwell.
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    per_hours: Mapped[int | None] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    is_illustrative: Mapped[bool] = mapped_column(default=False)


class Receipt(Base, Audited):
    """Numbered without gaps per year: the number is taken in the same transaction.

    The receipt of a crossing of ours, or of a transload that has none (its
    cargo unloaded from or loaded onto the other side's vehicle): one or the
    other, never both."""

    __tablename__ = "receipt"
    __table_args__ = (
        # One receipt in force per crossing (and per transload); a voided one
        # stays, numbered, beside the receipt of the crossing's crossing again.
        Index(
            "uq_receipt_crossing_in_force",
            "crossing_id",
            unique=True,
            sqlite_where=text("voided_at IS NULL"),
            postgresql_where=text("voided_at IS NULL"),
        ),
        Index(
            "uq_receipt_transload_in_force",
            "transload_id",
            unique=True,
            sqlite_where=text("voided_at IS NULL"),
            postgresql_where=text("voided_at IS NULL"),
        ),
        CheckConstraint(
            "(crossing_id IS NULL) <> (transload_id IS NULL)", name="of_crossing_or_transload"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    crossing_id: Mapped[int | None] = mapped_column(ForeignKey("crossing.id"))
    transload_id: Mapped[int | None] = mapped_column(ForeignKey("transload.id"))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    total_vnd: Mapped[int] = mapped_column(BigInteger)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    # The truck's class when it was priced: fee revenue is reported by it.
    vehicle_class: Mapped[VehicleClass] = mapped_column(
        Enum(VehicleClass, native_enum=False, length=16)
    )
    # A receipt is never deleted (its number is taken); voiding takes it out of
    # the revenue of its day.
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    void_reason: Mapped[str | None] = mapped_column(String(300))


class Fee(Base, Audited):
    __tablename__ = "fee"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipt.id"), index=True)
    tariff_id: Mapped[int] = mapped_column(ForeignKey("tariff.id"))
    kind: Mapped[FeeKind] = mapped_column(Enum(FeeKind, native_enum=False, length=16))
    quantity: Mapped[int] = mapped_column(Integer)
    amount_vnd: Mapped[int] = mapped_column(BigInteger)


class ReceiptCounter(Base):
    __tablename__ = "receipt_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)
