from datetime import time
from decimal import Decimal

from sqlalchemy import CheckConstraint, Enum, Integer, Numeric, String, Time
from sqlalchemy.orm import Mapped, mapped_column

from cuakhau.models.base import Audited, Base, Timestamped
from cuakhau.models.enums import PriorityMatch


class PriorityClass(Base, Timestamped, Audited):
    """A class of crossings served in rank order (1 first), e.g. perishable, ordinary,
    empty return. Which crossings fall in it is ``match``; all of it is data."""

    __tablename__ = "priority_class"
    __table_args__ = (
        CheckConstraint("rank >= 1", name="rank_positive"),
        CheckConstraint(
            "window_share IS NULL OR (window_share > 0 AND window_share <= 1)",
            name="share_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_vi: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    rank: Mapped[int] = mapped_column(Integer)
    match: Mapped[PriorityMatch] = mapped_column(
        Enum(PriorityMatch, native_enum=False, length=16), unique=True
    )
    # At most this share of any one window may go to this class (None: no cap).
    window_share: Mapped[Decimal | None] = mapped_column(Numeric(4, 3))


class BookingPolicy(Base, Timestamped, Audited):
    """The zone's booking rules (one row). Each rule that refuses a request names itself."""

    __tablename__ = "booking_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    cancel_cutoff_minutes: Mapped[int] = mapped_column(Integer, default=120)
    late_grace_minutes: Mapped[int] = mapped_column(Integer, default=60)
    # After the window ends plus this, a booked truck that has not arrived is a no-show.
    no_show_after_minutes: Mapped[int] = mapped_column(Integer, default=120)
    no_show_rate_threshold: Mapped[Decimal] = mapped_column(Numeric(4, 3), default=Decimal("0.2"))
    no_show_min_bookings: Mapped[int] = mapped_column(Integer, default=10)
    no_show_period_days: Mapped[int] = mapped_column(Integer, default=30)
    # Enterprises over the threshold get at most this share of a peak window.
    peak_share_cap: Mapped[Decimal] = mapped_column(Numeric(4, 3), default=Decimal("0.1"))
    peak_starts_at: Mapped[time] = mapped_column(Time, default=time(7, 0))
    peak_ends_at: Mapped[time] = mapped_column(Time, default=time(11, 0))
    max_open_bookings_per_vehicle: Mapped[int] = mapped_column(Integer, default=1)
    booking_horizon_days: Mapped[int] = mapped_column(Integer, default=14)
    # Trucks waiting at a gate: the public warning colours (Vietnam's 2022 map).
    warning_yellow: Mapped[int] = mapped_column(Integer, default=500)
    warning_orange: Mapped[int] = mapped_column(Integer, default=1000)
    warning_red: Mapped[int] = mapped_column(Integer, default=5000)
