"""The gate officer's view of the other side hour by hour: what our pattern
offers, what the other side accepts, what that leaves, what is booked and what
actually crossed."""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.capacity.calendar import WindowPlan, plan_day
from cuakhau.capacity.service import capacity_inputs, get_gate
from cuakhau.core.clock import ZONE_TZ, local_datetime
from cuakhau.models import Crossing, CrossingWindow
from cuakhau.models.enums import Direction


@dataclass(frozen=True)
class AcceptanceHour:
    starts_at: datetime
    ends_at: datetime
    ours: int
    accepted: int | None
    capacity: int
    booked: int
    crossed: int

    @property
    def short(self) -> bool:
        """The other side takes fewer than we could send."""
        return self.accepted is not None and self.accepted < self.ours


def _hour(at: datetime) -> datetime:
    """The zone-time hour a moment falls in."""
    return at.astimezone(ZONE_TZ).replace(minute=0, second=0, microsecond=0).astimezone(UTC)


def acceptance_by_hour(
    *, session: Session, gate_id: int, direction: Direction, day: date
) -> list[AcceptanceHour]:
    """Hour by hour, the gate's lanes together: the other side's acceptance
    counts trucks whatever lane they came by (``capacity.calendar.shared``)."""
    gate = get_gate(session=session, gate_id=gate_id)
    patterns, overrides = capacity_inputs(session, gate, day, day)
    ours = plan_day(
        patterns,
        [o for o in overrides if o.counterpart_id is None],
        gate.holiday_calendars,
        direction,
        day,
    )
    effective = plan_day(patterns, overrides, gate.holiday_calendars, direction, day)
    accepted = {
        o.from_time.hour: int(o.value)
        for o in overrides
        if o.counterpart_id is not None
        and o.direction == direction
        and o.from_time is not None
        and o.value is not None
    }
    start, end = local_datetime(day, time()), local_datetime(day + timedelta(days=1), time())
    booked: Counter[datetime] = Counter()
    for starts_at, count in session.execute(
        select(CrossingWindow.starts_at, CrossingWindow.booked).where(
            CrossingWindow.gate_id == gate.id,
            CrossingWindow.direction == direction,
            CrossingWindow.starts_at >= start,
            CrossingWindow.starts_at < end,
        )
    ):
        booked[_hour(starts_at)] += count
    crossed_at = list(
        session.scalars(
            select(Crossing.crossed_at).where(
                Crossing.gate_id == gate.id,
                Crossing.direction == direction,
                Crossing.crossed_at >= start,
                Crossing.crossed_at < end,
            )
        )
    )
    hours: dict[datetime, list[tuple[WindowPlan, WindowPlan]]] = {}
    for plan, cut in zip(ours, effective, strict=True):
        hours.setdefault(_hour(plan.starts_at), []).append((plan, cut))
    rows = []
    for hour, plans in sorted(hours.items()):
        ends_at = max(plan.ends_at for plan, _ in plans)
        rows.append(
            AcceptanceHour(
                starts_at=hour,
                ends_at=ends_at,
                ours=sum(plan.capacity for plan, _ in plans),
                accepted=accepted.get(hour.astimezone(ZONE_TZ).hour),
                capacity=sum(cut.capacity for _, cut in plans),
                booked=booked[hour],
                crossed=sum(1 for at in crossed_at if hour <= at < ends_at),
            )
        )
    return rows
