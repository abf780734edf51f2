"""The management board's dashboard, for the zone or one gate: the queue now,
capacity against bookings over the next 48 hours, today's throughput by hour, yard
occupancy, how far estimates were off, and the no-show rate.

The API (``GET /api/v1/dashboard``) and the board's page both read ``dashboard``;
per-gate and per-yard figures come from the functions the other endpoints use.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cuakhau.capacity.service import ensure_windows
from cuakhau.core.clock import ZONE_TZ, local_date, local_datetime
from cuakhau.core.errors import NotFound
from cuakhau.crossings.queue import estimate_accuracy
from cuakhau.crossings.rules import no_show_counts, policy
from cuakhau.crossings.states import OPEN_STATES
from cuakhau.dashboard.schemas import (
    Dashboard,
    GateAccuracy,
    GateRef,
    HourThroughput,
    NoShowRate,
    QueueCount,
    WindowLoad,
    YardUse,
)
from cuakhau.forecast.views import forecasts
from cuakhau.models import Crossing, CrossingWindow, Gate, Yard
from cuakhau.models.enums import CrossingState, Direction
from cuakhau.yards.visits import occupancy

HORIZON = timedelta(hours=48)
# The period the public wait page judges estimates over.
ACCURACY_PERIOD = timedelta(days=30)
QUEUE_STATES = [state for state in CrossingState if state in OPEN_STATES]


def gates_in_view(session: Session, gate_id: int | None) -> list[Gate]:
    """One gate (404 if unknown), or every active gate of the zone."""
    if gate_id is not None:
        gate = session.get(Gate, gate_id)
        if gate is None:
            raise NotFound("gate", gate_id)
        return [gate]
    return list(session.scalars(select(Gate).where(Gate.is_active.is_(True)).order_by(Gate.id)))


def handles(gate: Gate, direction: Direction) -> bool:
    return gate.handles_export if direction is Direction.export else gate.handles_import


def directions_of(gates: Sequence[Gate]) -> list[Direction]:
    return [d for d in Direction if any(handles(gate, d) for gate in gates)]


def queue_now(session: Session, gates: Sequence[Gate]) -> list[QueueCount]:
    """Open crossings by direction and state, zeros included."""
    rows = session.execute(
        select(Crossing.direction, Crossing.state, func.count())
        .where(Crossing.gate_id.in_([g.id for g in gates]), Crossing.state.in_(OPEN_STATES))
        .group_by(Crossing.direction, Crossing.state)
    ).all()
    counts = {(direction, state): trucks for direction, state, trucks in rows}
    return [
        QueueCount(direction=direction, state=state, trucks=counts.get((direction, state), 0))
        for direction in directions_of(gates)
        for state in QUEUE_STATES
    ]


def window_loads(session: Session, gates: Sequence[Gate], now: datetime) -> list[WindowLoad]:
    """Windows not yet over that start within the horizon, capacity and bookings
    summed over the gates by direction and start; made first where missing."""
    end = now + HORIZON
    for gate in gates:
        for direction in Direction:
            if handles(gate, direction):
                ensure_windows(session, gate, direction, local_date(now), local_date(end))
    rows = session.execute(
        select(
            CrossingWindow.direction,
            CrossingWindow.starts_at,
            func.max(CrossingWindow.ends_at),
            func.sum(CrossingWindow.capacity),
            func.sum(CrossingWindow.booked),
        )
        .where(
            CrossingWindow.gate_id.in_([g.id for g in gates]),
            CrossingWindow.ends_at > now,
            CrossingWindow.starts_at < end,
        )
        .group_by(CrossingWindow.direction, CrossingWindow.starts_at)
        .order_by(CrossingWindow.starts_at, CrossingWindow.direction)
    ).all()
    return [
        WindowLoad(
            direction=direction,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            booked=booked,
        )
        for direction, starts_at, ends_at, capacity, booked in rows
    ]


def throughput_today(
    session: Session, gates: Sequence[Gate], now: datetime
) -> list[HourThroughput]:
    """Trucks crossed in each zone-time hour of today so far, by direction."""
    midnight = local_datetime(local_date(now), time(0))
    crossed = session.execute(
        select(Crossing.direction, Crossing.crossed_at).where(
            Crossing.gate_id.in_([g.id for g in gates]),
            Crossing.crossed_at >= midnight,
            Crossing.crossed_at <= now,
        )
    ).all()
    # A day in zone time has no daylight-saving jumps: hours count on from midnight.
    per_hour = Counter(
        (direction, int((at - midnight) / timedelta(hours=1))) for direction, at in crossed
    )
    hours = now.astimezone(ZONE_TZ).hour + 1
    return [
        HourThroughput(
            starts_at=midnight + timedelta(hours=hour),
            direction=direction,
            crossed=per_hour[(direction, hour)],
        )
        for hour in range(hours)
        for direction in directions_of(gates)
    ]


def yard_use(session: Session, gates: Sequence[Gate], now: datetime) -> list[YardUse]:
    """Each active yard of these gates, its spaces of every class together."""
    yards = session.scalars(
        select(Yard)
        .where(Yard.gate_id.in_([g.id for g in gates]), Yard.is_active.is_(True))
        .order_by(Yard.gate_id, Yard.id)
    )
    uses = []
    for yard in yards:
        now_in = occupancy(session, yard, now)
        uses.append(
            YardUse(
                yard_id=yard.id,
                gate_id=yard.gate_id,
                code=yard.code,
                name_vi=yard.name_vi,
                name_en=yard.name_en,
                spaces=sum(c.spaces for c in now_in.classes),
                occupied=sum(c.occupied for c in now_in.classes),
                cold_spaces=now_in.cold_spaces,
                cold_occupied=now_in.cold_occupied,
            )
        )
    return uses


def no_show_rate(
    session: Session, gates: Sequence[Gate], since: datetime, now: datetime
) -> NoShowRate:
    no_shows, bookings = no_show_counts(session, since, now, gate_ids=[g.id for g in gates])
    return NoShowRate(
        since=since,
        bookings=bookings,
        no_shows=no_shows,
        rate=no_shows / bookings if bookings else None,
    )


def dashboard(session: Session, now: datetime, gate_id: int | None = None) -> Dashboard:
    gates = gates_in_view(session, gate_id)
    accuracy_since = now - ACCURACY_PERIOD
    return Dashboard(
        at=now,
        gate_id=gate_id,
        gates=[GateRef.model_validate(gate) for gate in gates],
        queue=queue_now(session, gates),
        windows=window_loads(session, gates, now),
        throughput=throughput_today(session, gates, now),
        yards=yard_use(session, gates, now),
        accuracy_since=accuracy_since,
        accuracy=[
            GateAccuracy(
                gate_code=gate.code,
                **asdict(estimate_accuracy(session, gate.id, accuracy_since)),
            )
            for gate in gates
        ],
        no_shows=no_show_rate(
            session, gates, now - timedelta(days=policy(session).no_show_period_days), now
        ),
        forecast=forecasts(session, gates, now),
    )
