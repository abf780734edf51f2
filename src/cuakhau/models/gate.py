from datetime import time
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Enum, Numeric, String, Time, false, true
from sqlalchemy.orm import Mapped, mapped_column

from cuakhau.models.base import Audited, Base, Timestamped
from cuakhau.models.enums import GateKind, GateMode


class Gate(Base, Timestamped, Audited):
    """A border crossing (cửa khẩu or lối mở) with its counterpart across the border."""

    __tablename__ = "gate"
    __table_args__ = (
        CheckConstraint("handles_export OR handles_import", name="handles_a_direction"),
        CheckConstraint("opens_at < closes_at", name="hours_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[GateKind] = mapped_column(Enum(GateKind, native_enum=False, length=32))
    mode: Mapped[GateMode] = mapped_column(Enum(GateMode, native_enum=False, length=16))
    counterpart_name: Mapped[str | None] = mapped_column(String(200))
    counterpart_name_zh: Mapped[str | None] = mapped_column(String(200))
    province: Mapped[str] = mapped_column(String(100))
    district: Mapped[str] = mapped_column(String(100))
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    # Local (Asia/Ho_Chi_Minh) opening hours.
    opens_at: Mapped[time] = mapped_column(Time)
    closes_at: Mapped[time] = mapped_column(Time)
    handles_export: Mapped[bool] = mapped_column(Boolean, default=True)
    handles_import: Mapped[bool] = mapped_column(Boolean, default=True)
    # Countries whose public holidays close the gate, e.g. "CN,VN" (the ``holidays`` package).
    holiday_calendars: Mapped[str] = mapped_column(
        String(32), default="VN,CN", server_default="VN,CN"
    )
    # The handover modes offered here (``HandoverMode``); drive-through only by default.
    offers_drive_through: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    offers_trailer_swap: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    offers_transload: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
