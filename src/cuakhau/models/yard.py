from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cuakhau.models.base import Audited, Base, Timestamped
from cuakhau.models.enums import VehicleClass


class Yard(Base, Timestamped, Audited):
    """A parking / transshipment area (bến bãi) at a gate, run by an operator."""

    __tablename__ = "yard"
    __table_args__ = (CheckConstraint("cold_spaces >= 0", name="cold_spaces_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"), index=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    # Spaces with power for refrigerated trucks of perishables.
    cold_spaces: Mapped[int] = mapped_column(Integer, default=0)
    is_illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    # The handover modes offered here (``HandoverMode``); drive-through only by default.
    offers_drive_through: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    offers_trailer_swap: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    offers_transload: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A transshipment yard: cargo moves truck to truck in its bays (``transload``).
    is_transshipment: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    spaces: Mapped[list["YardSpace"]] = relationship(
        back_populates="yard",
        cascade="all, delete-orphan",
        order_by="YardSpace.vehicle_class",
        lazy="selectin",
    )


class YardSpace(Base, Audited):
    """How many vehicles of one class a yard holds."""

    __tablename__ = "yard_space"
    __table_args__ = (
        UniqueConstraint("yard_id", "vehicle_class"),
        CheckConstraint("spaces >= 0", name="spaces_non_negative"),
        # Check-in takes a space by a conditional UPDATE; this is the backstop.
        CheckConstraint("occupied >= 0 AND occupied <= spaces", name="occupied_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    yard_id: Mapped[int] = mapped_column(ForeignKey("yard.id", ondelete="CASCADE"))
    vehicle_class: Mapped[VehicleClass] = mapped_column(
        Enum(VehicleClass, native_enum=False, length=16)
    )
    spaces: Mapped[int] = mapped_column(Integer)
    occupied: Mapped[int] = mapped_column(Integer, default=0, server_default=false())

    yard: Mapped[Yard] = relationship(back_populates="spaces")
