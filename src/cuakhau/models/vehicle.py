from sqlalchemy import Boolean, CheckConstraint, Enum, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from cuakhau.models.base import Audited, Base, Timestamped
from cuakhau.models.enums import VehicleKind


class Vehicle(Base, Timestamped, Audited):
    """A truck registered by an enterprise; the plate is stored normalised."""

    __tablename__ = "vehicle"
    __table_args__ = (
        CheckConstraint("axles BETWEEN 2 AND 10", name="axles_range"),
        CheckConstraint("payload_kg > 0", name="payload_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    plate: Mapped[str] = mapped_column(String(16), unique=True)
    plate_country: Mapped[str] = mapped_column(String(2))
    kind: Mapped[VehicleKind] = mapped_column(Enum(VehicleKind, native_enum=False, length=32))
    axles: Mapped[int] = mapped_column(Integer)
    payload_kg: Mapped[int] = mapped_column(Integer)
    trailer_plate: Mapped[str | None] = mapped_column(String(16))
    # Driven by no one aboard (the autonomous-truck pilot): only such a vehicle
    # may take a gate's unmanned windows (``crossings.rules``, "lane_allowed").
    is_unmanned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
