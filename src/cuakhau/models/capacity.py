from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from cuakhau.models.base import Audited, Base, Timestamped, UtcDateTime
from cuakhau.models.enums import Direction, LaneKind, OverrideKind


class CapacityPattern(Base, Timestamped, Audited):
    """One window of a gate's weekly pattern: e.g. Mondays 07:00–08:00, 40 export trucks."""

    __tablename__ = "capacity_pattern"
    __table_args__ = (
        UniqueConstraint("gate_id", "direction", "lane", "weekday", "starts_at"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("starts_at < ends_at", name="window_order"),
        CheckConstraint("capacity >= 0", name="capacity_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"), index=True)
    direction: Mapped[Direction] = mapped_column(Enum(Direction, native_enum=False, length=16))
    lane: Mapped[LaneKind] = mapped_column(
        Enum(LaneKind, native_enum=False, length=16),
        default=LaneKind.ordinary,
        server_default=LaneKind.ordinary.value,
    )
    # Monday is 0, as in Python.
    weekday: Mapped[int] = mapped_column(Integer)
    # Gate-local times (Asia/Ho_Chi_Minh).
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    capacity: Mapped[int] = mapped_column(Integer)


class CapacityOverride(Base, Timestamped, Audited):
    """A dated change to the pattern: a closure, a rate cut (factor) or a set capacity."""

    __tablename__ = "capacity_override"
    __table_args__ = (
        CheckConstraint("starts_on <= ends_on", name="date_order"),
        CheckConstraint("value IS NULL OR value >= 0", name="value_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"), index=True)
    # None: both directions.
    direction: Mapped[Direction | None] = mapped_column(
        Enum(Direction, native_enum=False, length=16)
    )
    # None: every lane.
    lane: Mapped[LaneKind | None] = mapped_column(Enum(LaneKind, native_enum=False, length=16))
    kind: Mapped[OverrideKind] = mapped_column(Enum(OverrideKind, native_enum=False, length=16))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    # Local times limiting the override within each day; None: the whole day.
    from_time: Mapped[time | None] = mapped_column(Time)
    to_time: Mapped[time | None] = mapped_column(Time)
    # factor: multiplier (0.5 halves); capacity: trucks per window; ceiling: at most
    # this many per window; closure: unused.
    value: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    reason: Mapped[str] = mapped_column(String(300))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Set by the other side's acceptance (a ceiling per hour), not by an officer.
    counterpart_id: Mapped[int | None] = mapped_column(ForeignKey("counterpart.id"))


class CrossingWindow(Base):
    """A concrete window with its capacity and how much of it is booked.

    ``booked`` moves only by a conditional UPDATE (``booked < capacity``) in the
    booking's own transaction; the CHECK is the backstop on both databases.
    """

    __tablename__ = "crossing_window"
    __table_args__ = (
        UniqueConstraint("gate_id", "direction", "lane", "starts_at"),
        CheckConstraint("booked >= 0", name="booked_non_negative"),
        CheckConstraint("booked <= capacity", name="not_overbooked"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"))
    direction: Mapped[Direction] = mapped_column(Enum(Direction, native_enum=False, length=16))
    lane: Mapped[LaneKind] = mapped_column(
        Enum(LaneKind, native_enum=False, length=16),
        default=LaneKind.ordinary,
        server_default=LaneKind.ordinary.value,
    )
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    # Why the capacity differs from the pattern (holiday name, override reason).
    note: Mapped[str | None] = mapped_column(String(300))


class WindowsMade(Base):
    """How far a gate's windows in one direction have been made, from the day
    the first booking made them, without a day missing (``booking.
    horizon_windows``). The latest window alone cannot tell: anyone may ask for
    the windows of a day further on, and they are made then."""

    __tablename__ = "windows_made"

    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"), primary_key=True)
    direction: Mapped[Direction] = mapped_column(
        Enum(Direction, native_enum=False, length=16), primary_key=True
    )
    through: Mapped[date] = mapped_column(Date)
