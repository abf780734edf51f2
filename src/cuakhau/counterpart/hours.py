"""The gate officer's view of the other side hour by hour: what our pattern
offers, what the other side accepts, what that leaves, what is booked and what
actually crossed."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.capacity.calendar import plan_day
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


def acceptance_by_hour(
    *, session: Session, gate_id: int, direction: Direction, day: date
) -> list[AcceptanceHour]:
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
    booked = dict(
        session.execute(
            select(CrossingWindow.starts_at, CrossingWindow.booked).where(
                CrossingWindow.gate_id == gate.id,
                CrossingWindow.direction == direction,
                CrossingWindow.starts_at >= start,
                CrossingWindow.starts_at < end,
            )
        ).all()
    )
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
    return [
        AcceptanceHour(
            starts_at=plan.starts_at,
            ends_at=plan.ends_at,
            ours=plan.capacity,
            accepted=accepted.get(plan.starts_at.astimezone(ZONE_TZ).hour),
            capacity=cut.capacity,
            booked=booked.get(plan.starts_at, 0),
            crossed=sum(1 for at in crossed_at if plan.starts_at <= at < plan.ends_at),
        )
        for plan, cut in zip(ours, effective, strict=True)
    ]
