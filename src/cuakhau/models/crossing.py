from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cuakhau.core.clock import utcnow
from cuakhau.models.base import Audited, Base, Timestamped, UtcDateTime
from cuakhau.models.enums import (
    CrossingState,
    CustomsChannel,
    Direction,
    HandoverMode,
    LaneKind,
    Regime,
    VehicleKind,
)


class Crossing(Base, Timestamped, Audited):
    """One truck's trip through the zone. Its state changes only through
    ``crossings.states.move``, which records every move in ``crossing_move``."""

    __tablename__ = "crossing"
    __table_args__ = (
        Index("ix_crossing_queue", "gate_id", "direction", "state"),
        Index("ix_crossing_vehicle_state", "vehicle_id", "state"),
        # The statistics' rebuild reads crossings a month of crossing days at a time.
        Index("ix_crossing_crossed_at", "crossed_at"),
    )
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicle.id"))
    # The plate at booking time: the booking is tied to it and cannot move to another truck.
    plate: Mapped[str] = mapped_column(String(16), index=True)
    trailer_plate: Mapped[str | None] = mapped_column(String(16))
    driver_id: Mapped[int | None] = mapped_column(ForeignKey("driver.id"))
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"))
    direction: Mapped[Direction] = mapped_column(Enum(Direction, native_enum=False, length=16))
    regime: Mapped[Regime] = mapped_column(Enum(Regime, native_enum=False, length=16))
    # Which steps of the state machine it takes (``crossings.states``).
    handover_mode: Mapped[HandoverMode] = mapped_column(
        Enum(HandoverMode, native_enum=False, length=16),
        default=HandoverMode.drive_through,
        server_default=HandoverMode.drive_through.value,
    )
    # Why the yard operator changed the mode chosen at booking (the change and
    # these words are in the crossing's audit entry).
    handover_reason: Mapped[str | None] = mapped_column(String(300))
    # A transload's outbound vehicle, by plate only: it may be the other side's
    # and never enter our registry.
    outbound_plate: Mapped[str | None] = mapped_column(String(16))
    priority_class_id: Mapped[int] = mapped_column(ForeignKey("priority_class.id"))
    state: Mapped[CrossingState] = mapped_column(Enum(CrossingState, native_enum=False, length=16))
    window_id: Mapped[int | None] = mapped_column(ForeignKey("crossing_window.id"), index=True)
    # The lane its window is in (named at booking, or given: ``crossings.rules``,
    # "lane_allowed"); a re-plan or a late arrival moves it within that lane.
    lane: Mapped[LaneKind] = mapped_column(
        Enum(LaneKind, native_enum=False, length=16),
        default=LaneKind.ordinary,
        server_default=LaneKind.ordinary.value,
    )
    # Fair order among equals: when the truck asked for its place.
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    is_walk_in: Mapped[bool] = mapped_column(Boolean, default=False)
    yard_id: Mapped[int | None] = mapped_column(ForeignKey("yard.id"))
    declaration_no: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[CustomsChannel | None] = mapped_column(
        Enum(CustomsChannel, native_enum=False, length=8)
    )
    needs_quarantine: Mapped[bool] = mapped_column(Boolean, default=False)
    hold_reason: Mapped[str | None] = mapped_column(String(300))
    # The system's grounds for a hold, as reason codes (``crossings.reasons``);
    # None when an officer's own words are the reason.
    hold_grounds: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    arrived_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    called_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    crossed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The truck's kind when it crossed, as the statistics count it: the vehicle's
    # row may be edited later, a crossing's count may not change with it.
    vehicle_kind: Mapped[VehicleKind | None] = mapped_column(
        Enum(VehicleKind, native_enum=False, length=32)
    )
    # Optimistic lock: two officers (or a camera and an officer) cannot both move it.
    version: Mapped[int] = mapped_column(Integer, default=1)

    # In the order booked: a line is named by its place in this list.
    cargo: Mapped[list["CargoLine"]] = relationship(
        back_populates="crossing",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="CargoLine.id",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CargoLine(Base, Audited):
    __tablename__ = "cargo_line"
    __table_args__ = (
        CheckConstraint("packages >= 0", name="packages_non_negative"),
        CheckConstraint("weight_kg > 0", name="weight_positive"),
        CheckConstraint("value_usd >= 0", name="value_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    crossing_id: Mapped[int] = mapped_column(
        ForeignKey("crossing.id", ondelete="CASCADE"), index=True
    )
    hs_code: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(String(300))
    packages: Mapped[int] = mapped_column(Integer)
    weight_kg: Mapped[int] = mapped_column(Integer)
    value_usd: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    perishable: Mapped[bool] = mapped_column(Boolean, default=False)
    # ISO 3166-1 alpha-2: where the goods were made, and where they are going.
    origin_country: Mapped[str] = mapped_column(String(2))
    destination_country: Mapped[str] = mapped_column(String(2))

    crossing: Mapped[Crossing] = relationship(back_populates="cargo")


class CrossingMove(Base):
    """Every state change of a crossing: who, when, from, to, why."""

    __tablename__ = "crossing_move"

    id: Mapped[int] = mapped_column(primary_key=True)
    crossing_id: Mapped[int] = mapped_column(ForeignKey("crossing.id"), index=True)
    from_state: Mapped[CrossingState | None] = mapped_column(
        Enum(CrossingState, native_enum=False, length=16)
    )
    to_state: Mapped[CrossingState] = mapped_column(
        Enum(CrossingState, native_enum=False, length=16)
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_label: Mapped[str] = mapped_column(String(100))
    # Where it happened, when in a yard (the gate is the crossing's).
    yard_id: Mapped[int | None] = mapped_column(ForeignKey("yard.id"))
    # A person's words, or the English wording of the system's reason below.
    reason: Mapped[str | None] = mapped_column(String(300))
    # The system's reason, said in each reader's language (``crossings.reasons``).
    reason_code: Mapped[str | None] = mapped_column(String(32))
    reason_params: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class WindowChange(Base):
    """A crossing moved from one window to another (re-plan, lateness, walk-in)."""

    __tablename__ = "window_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    crossing_id: Mapped[int] = mapped_column(ForeignKey("crossing.id"), index=True)
    from_window_id: Mapped[int | None] = mapped_column(ForeignKey("crossing_window.id"))
    to_window_id: Mapped[int | None] = mapped_column(ForeignKey("crossing_window.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The English wording of the reason below, for readers of the table.
    reason: Mapped[str] = mapped_column(String(300))
    # Said in each reader's language (``crossings.reasons``).
    reason_code: Mapped[str | None] = mapped_column(String(32))
    reason_params: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class QueueEstimate(Base):
    """An estimate given to someone, kept to measure how honest estimates are."""

    __tablename__ = "queue_estimate"

    id: Mapped[int] = mapped_column(primary_key=True)
    crossing_id: Mapped[int] = mapped_column(ForeignKey("crossing.id"), index=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"), index=True)
    given_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    position: Mapped[int] = mapped_column(Integer)
    estimated_crossing_at: Mapped[datetime] = mapped_column(UtcDateTime)
