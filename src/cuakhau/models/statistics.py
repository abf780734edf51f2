"""The board's daily rollups (docs/statistics.md): one row per cell of a grain,
kept equal to what the crossings, cargo lines and receipts say
(``statistics.rollups``). Reports read these, never the raw rows.

Money is kept in whole units as integers (US cents, đồng) so that sums are
exact on SQLite too, whose NUMERIC is a binary float."""

from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from cuakhau.models.base import Base
from cuakhau.models.enums import (
    Direction,
    FeeKind,
    HandoverMode,
    Regime,
    VehicleClass,
    VehicleKind,
)


class TradeDay(Base):
    """Goods that crossed: day (zone time) × gate × direction × regime × HS
    heading × enterprise × country pair × perishable × vehicle kind × handover
    mode."""

    __tablename__ = "trade_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"), primary_key=True)
    direction: Mapped[Direction] = mapped_column(
        Enum(Direction, native_enum=False, length=16), primary_key=True
    )
    regime: Mapped[Regime] = mapped_column(
        Enum(Regime, native_enum=False, length=16), primary_key=True
    )
    hs_heading: Mapped[str] = mapped_column(String(4), primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), primary_key=True)
    origin_country: Mapped[str] = mapped_column(String(2), primary_key=True)
    destination_country: Mapped[str] = mapped_column(String(2), primary_key=True)
    perishable: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    vehicle_kind: Mapped[VehicleKind] = mapped_column(
        Enum(VehicleKind, native_enum=False, length=32), primary_key=True
    )
    # How the cargo changed hands at the line (the crossing's, when it crossed).
    handover_mode: Mapped[HandoverMode] = mapped_column(
        Enum(HandoverMode, native_enum=False, length=16),
        primary_key=True,
        server_default=HandoverMode.drive_through.value,
    )
    value_usd_cents: Mapped[int] = mapped_column(BigInteger)
    weight_kg: Mapped[int] = mapped_column(BigInteger)
    packages: Mapped[int] = mapped_column(BigInteger)
    lines: Mapped[int] = mapped_column(BigInteger)
    # Crossings with at least one line in the cell: a truck carrying two
    # headings is a shipment of each, so this does not add up across headings,
    # countries or perishable (the vehicle rollup's does).
    shipments: Mapped[int] = mapped_column(BigInteger)


class VehicleDay(Base):
    """Trucks that crossed, each once however many lines it carries: day × gate
    × direction × regime × enterprise × vehicle kind × carrying perishables ×
    handover mode."""

    __tablename__ = "vehicle_day"
    # The first day cuakhau measured at a gate, from which its imported
    # figures give way to the measured ones (statistics.history).
    __table_args__ = (Index("ix_vehicle_day_gate_id_day", "gate_id", "day"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"), primary_key=True)
    direction: Mapped[Direction] = mapped_column(
        Enum(Direction, native_enum=False, length=16), primary_key=True
    )
    regime: Mapped[Regime] = mapped_column(
        Enum(Regime, native_enum=False, length=16), primary_key=True
    )
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), primary_key=True)
    vehicle_kind: Mapped[VehicleKind] = mapped_column(
        Enum(VehicleKind, native_enum=False, length=32), primary_key=True
    )
    perishable: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    # How the cargo changed hands at the line (the crossing's, when it crossed).
    handover_mode: Mapped[HandoverMode] = mapped_column(
        Enum(HandoverMode, native_enum=False, length=16),
        primary_key=True,
        server_default=HandoverMode.drive_through.value,
    )
    vehicles: Mapped[int] = mapped_column(BigInteger)
    # Vehicles with cargo: the rest crossed empty.
    shipments: Mapped[int] = mapped_column(BigInteger)


class FeeDay(Base):
    """Fees of the receipts issued and not voided: day (zone time) of issue ×
    gate × vehicle class × fee kind."""

    __tablename__ = "fee_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"), primary_key=True)
    vehicle_class: Mapped[VehicleClass] = mapped_column(
        Enum(VehicleClass, native_enum=False, length=16), primary_key=True
    )
    kind: Mapped[FeeKind] = mapped_column(
        Enum(FeeKind, native_enum=False, length=16), primary_key=True
    )
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    fees: Mapped[int] = mapped_column(BigInteger)


# ---- month rollups -----------------------------------------------------------
# The day rollups regrouped by month (first day of the month, zone time), with
# the enterprise left out or the line's details left out, so that a report over
# whole months reads a number of cells that stops growing with the shipments
# (docs/statistics.md, "Month rollups"). Kept with their day rollup, from the
# same rows (``statistics.rollups``).


def _key(kind: type[Direction] | type[Regime] | type[HandoverMode], length: int = 16) -> Any:
    return mapped_column(Enum(kind, native_enum=False, length=length), primary_key=True)


def _vehicle_kind() -> Any:
    return mapped_column(Enum(VehicleKind, native_enum=False, length=32), primary_key=True)


class TradeMeasures:
    """A trade month rollup's measures (its day rollup's, but the shipments)."""

    value_usd_cents: Mapped[int] = mapped_column(BigInteger)
    weight_kg: Mapped[int] = mapped_column(BigInteger)
    packages: Mapped[int] = mapped_column(BigInteger)
    lines: Mapped[int] = mapped_column(BigInteger)


class VehicleMeasures:
    """A vehicle month rollup's measures."""

    vehicles: Mapped[int] = mapped_column(BigInteger)
    shipments: Mapped[int] = mapped_column(BigInteger)


class TradeMonth(TradeMeasures, Base):
    """The trade rollup without the enterprise: month × gate × direction ×
    regime × HS heading × country pair × perishable × vehicle kind × handover
    mode. Shipments are left out: the report takes trucks from the vehicle rollups."""

    __tablename__ = "trade_month"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"), primary_key=True)
    direction: Mapped[Direction] = _key(Direction)
    regime: Mapped[Regime] = _key(Regime)
    hs_heading: Mapped[str] = mapped_column(String(4), primary_key=True)
    origin_country: Mapped[str] = mapped_column(String(2), primary_key=True)
    destination_country: Mapped[str] = mapped_column(String(2), primary_key=True)
    perishable: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    vehicle_kind: Mapped[VehicleKind] = _vehicle_kind()
    handover_mode: Mapped[HandoverMode] = _key(HandoverMode)


class TradeEnterpriseMonth(TradeMeasures, Base):
    """The trade rollup of each enterprise without the lines' details:
    enterprise × month × gate × direction × regime × vehicle kind × handover mode."""

    __tablename__ = "trade_enterprise_month"

    # The enterprise first: one enterprise's months are one range of the key.
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"), primary_key=True)
    direction: Mapped[Direction] = _key(Direction)
    regime: Mapped[Regime] = _key(Regime)
    vehicle_kind: Mapped[VehicleKind] = _vehicle_kind()
    handover_mode: Mapped[HandoverMode] = _key(HandoverMode)


class VehicleMonth(VehicleMeasures, Base):
    """The vehicle rollup without the enterprise: month × gate × direction ×
    regime × vehicle kind × carrying perishables × handover mode."""

    __tablename__ = "vehicle_month"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"), primary_key=True)
    direction: Mapped[Direction] = _key(Direction)
    regime: Mapped[Regime] = _key(Regime)
    vehicle_kind: Mapped[VehicleKind] = _vehicle_kind()
    perishable: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    handover_mode: Mapped[HandoverMode] = _key(HandoverMode)


class VehicleEnterpriseMonth(VehicleMeasures, Base):
    """The vehicle rollup by month: enterprise × month × gate × direction ×
    regime × vehicle kind × carrying perishables × handover mode."""

    __tablename__ = "vehicle_enterprise_month"

    # The enterprise first: one enterprise's months are one range of the key.
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"), primary_key=True)
    direction: Mapped[Direction] = _key(Direction)
    regime: Mapped[Regime] = _key(Regime)
    vehicle_kind: Mapped[VehicleKind] = _vehicle_kind()
    perishable: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    handover_mode: Mapped[HandoverMode] = _key(HandoverMode)
