from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from cuakhau.models.base import Audited, Base, UtcDateTime
from cuakhau.models.enums import VehicleClass


class YardVisit(Base, Audited):
    """A truck's stay in a yard, from check-in to check-out; dwell is the difference."""

    __tablename__ = "yard_visit"
    __table_args__ = (Index("ix_yard_visit_open", "yard_id", "checked_out_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    yard_id: Mapped[int] = mapped_column(ForeignKey("yard.id"))
    crossing_id: Mapped[int | None] = mapped_column(ForeignKey("crossing.id"), index=True)
    plate: Mapped[str] = mapped_column(String(16), index=True)
    vehicle_class: Mapped[VehicleClass] = mapped_column(
        Enum(VehicleClass, native_enum=False, length=16)
    )
    cold: Mapped[bool] = mapped_column(default=False)
    checked_in_at: Mapped[datetime] = mapped_column(UtcDateTime)
    checked_out_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
