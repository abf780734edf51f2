from datetime import datetime

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from cuakhau.models.base import Base, UtcDateTime


class NoShowStanding(Base):
    """An enterprise's bookings and no-shows over the rolling no-show period, as
    the no-show sweep last reckoned them (``crossings.rules``). A booking for a
    peak window reads this one row: counting the enterprise's history on each
    such booking cost more the longer the enterprise had booked."""

    __tablename__ = "no_show_standing"

    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), primary_key=True)
    # Bookings, not cancelled and not walk-ins, whose window fell in the period.
    bookings: Mapped[int] = mapped_column(Integer)
    no_shows: Mapped[int] = mapped_column(Integer)
    reckoned_at: Mapped[datetime] = mapped_column(UtcDateTime)
