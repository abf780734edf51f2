"""A transshipment yard's bays, stevedore shifts, the hours they offer, and the
transloads (sang tải) that take them."""

from datetime import datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from cuakhau.models.base import Audited, Base, Timestamped, UtcDateTime
from cuakhau.models.enums import BayKind, RateUnit, TransloadState


class TransloadBay(Base, Timestamped, Audited):
    """A bay where cargo moves from one vehicle to another; ``capacity`` pairs of
    vehicles at once, each worked at ``rate`` tonnes or containers an hour."""

    __tablename__ = "transload_bay"
    __table_args__ = (
        UniqueConstraint("yard_id", "code"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("rate >= 1", name="rate_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    yard_id: Mapped[int] = mapped_column(ForeignKey("yard.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    kind: Mapped[BayKind] = mapped_column(Enum(BayKind, native_enum=False, length=16))
    capacity: Mapped[int] = mapped_column(Integer)
    rate: Mapped[int] = mapped_column(Integer)
    rate_unit: Mapped[RateUnit] = mapped_column(Enum(RateUnit, native_enum=False, length=16))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class StevedoreShift(Base, Timestamped, Audited):
    """How many stevedore teams a yard has on shift between two local times
    (a shift that ends at or before it starts runs past midnight)."""

    __tablename__ = "stevedore_shift"
    __table_args__ = (
        UniqueConstraint("yard_id", "starts_at"),
        CheckConstraint("teams >= 0", name="teams_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    yard_id: Mapped[int] = mapped_column(ForeignKey("yard.id"), index=True)
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    teams: Mapped[int] = mapped_column(Integer)


class HourCapacity:
    """One hour's capacity row: ``booked`` of its ``capacity`` taken.

    ``booked`` moves only by a conditional UPDATE (``core/units.py``) in the
    booking's transaction; each table's CHECK is the backstop on both databases."""

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)


class BayHour(HourCapacity, Base):
    """One hour of a bay: each transload in it holds one of its places."""

    __tablename__ = "bay_hour"
    __table_args__ = (
        UniqueConstraint("bay_id", "starts_at"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_range"),
    )

    bay_id: Mapped[int] = mapped_column(ForeignKey("transload_bay.id"))


class StevedoreHour(HourCapacity, Base):
    """One hour of a yard's stevedore teams: each transload at work holds one."""

    __tablename__ = "stevedore_hour"
    __table_args__ = (
        UniqueConstraint("yard_id", "starts_at"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_range"),
    )

    yard_id: Mapped[int] = mapped_column(ForeignKey("yard.id"))


class Transload(Base, Timestamped, Audited):
    """Cargo moved from an inbound vehicle to an outbound one in a bay, in the
    hours it booked. ``crossing_id`` is the crossing it serves, if one of ours
    (the outbound vehicle may be the other side's, never in our registry)."""

    __tablename__ = "transload"
    __table_args__ = (
        Index("ix_transload_bay_starts", "bay_id", "starts_at"),
        CheckConstraint("starts_at < ends_at", name="slot_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    yard_id: Mapped[int] = mapped_column(ForeignKey("yard.id"), index=True)
    bay_id: Mapped[int] = mapped_column(ForeignKey("transload_bay.id"))
    crossing_id: Mapped[int | None] = mapped_column(ForeignKey("crossing.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    inbound_plate: Mapped[str] = mapped_column(String(32))
    outbound_plate: Mapped[str | None] = mapped_column(String(32))
    cargo: Mapped[str] = mapped_column(String(200))
    perishable: Mapped[bool] = mapped_column(Boolean, default=False)
    # Declared at booking: what the slot's length is reckoned from.
    weight_kg: Mapped[int] = mapped_column(Integer)
    containers: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[TransloadState] = mapped_column(
        Enum(TransloadState, native_enum=False, length=16)
    )
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # When the cargo came into the zone: its crossing's arrival, else its own.
    in_zone_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    arrived_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    unloaded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Counted off the inbound vehicle, and onto the outbound one.
    packages_in: Mapped[int | None] = mapped_column(Integer)
    weight_in_kg: Mapped[int | None] = mapped_column(Integer)
    packages_out: Mapped[int | None] = mapped_column(Integer)
    weight_out_kg: Mapped[int | None] = mapped_column(Integer)
    # A difference beyond the tolerance holds the cargo for customs.
    held_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    hold_released_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    hold_release_reason: Mapped[str | None] = mapped_column(String(300))
