"""Figures from before cuakhau: the customs office's periodic spreadsheets
(trade) and the finance office's (fee revenue), imported (docs/statistics.md,
"History from before cuakhau"). Each figure is one row of one import and
covers a period (a day, a month, a quarter, any range); an import is removed
whole. Kept apart from the rollups, which hold
only what cuakhau measured, so a rebuild never touches them."""

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cuakhau.models.base import Audited, Base, UtcDateTime
from cuakhau.models.enums import Direction, FeeKind, HandoverMode, HistoryKind, Regime, VehicleClass


class HistoryImport(Base, Audited):
    """One imported file: its kind (trade or fee figures), who imported it,
    when, and whether it is synthetic (the demo's made-up history, labelled
    wherever its figures show)."""

    __tablename__ = "history_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[HistoryKind] = mapped_column(
        Enum(HistoryKind, native_enum=False, length=16),
        default=HistoryKind.trade,
        server_default=HistoryKind.trade.value,
    )
    file_name: Mapped[str] = mapped_column(String(200))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    figures: Mapped[int] = mapped_column(Integer)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)


class TradeHistory(Base):
    """One imported figure: a period × gate × direction × regime × HS code's
    value, weight and vehicles. No two figures of the same gate, direction,
    regime and HS heading cover the same day (checked on import)."""

    __tablename__ = "trade_history"
    __table_args__ = (Index("ix_trade_history_gate_id_first_day", "gate_id", "first_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("history_import.id"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"))
    direction: Mapped[Direction] = mapped_column(Enum(Direction, native_enum=False, length=16))
    regime: Mapped[Regime] = mapped_column(Enum(Regime, native_enum=False, length=16))
    # As the file gave it (4 to 10 digits); reports group by its heading.
    hs_code: Mapped[str] = mapped_column(String(10))
    hs_heading: Mapped[str] = mapped_column(String(4))
    value_usd_cents: Mapped[int] = mapped_column(BigInteger)
    weight_kg: Mapped[int] = mapped_column(BigInteger)
    vehicles: Mapped[int] = mapped_column(BigInteger)
    # How the cargo changed hands, where the figure says (the demo's synthetic
    # figures do; the customs office's spreadsheets do not).
    handover_mode: Mapped[HandoverMode | None] = mapped_column(
        Enum(HandoverMode, native_enum=False, length=16)
    )


class FeeHistory(Base):
    """One imported fee figure: a period × gate × vehicle class × fee kind's
    revenue in đồng and number of fees. No two figures of the same gate,
    vehicle class and fee kind cover the same day (checked on import)."""

    __tablename__ = "fee_history"
    __table_args__ = (Index("ix_fee_history_gate_id_first_day", "gate_id", "first_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("history_import.id"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"))
    vehicle_class: Mapped[VehicleClass] = mapped_column(
        Enum(VehicleClass, native_enum=False, length=16)
    )
    kind: Mapped[FeeKind] = mapped_column(Enum(FeeKind, native_enum=False, length=16))
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    fees: Mapped[int] = mapped_column(BigInteger)
