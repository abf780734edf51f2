"""What the other side reads: our crossings expected at the gate in the next
hours (waiting, or in a handover on our side), with their handover mode and
their cargo summed by HS heading (4 digits)."""

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cuakhau.core.messages import translate
from cuakhau.counterpart.schemas import CargoByHeading, ExpectedCrossing, ExpectedCrossings
from cuakhau.crossings.states import HANDING_OVER, OPEN_STATES
from cuakhau.models import CargoLine, Counterpart, Crossing, CrossingWindow

MAX_HOURS_AHEAD = 72


def expected_crossings(
    session: Session, counterpart: Counterpart, now: datetime, hours: int, language: str
) -> ExpectedCrossings:
    """Open crossings, and those in a handover on our side, whose window has
    not ended and starts within ``hours``."""
    until = now + timedelta(hours=hours)
    rows = session.execute(
        select(Crossing, CrossingWindow)
        .join(CrossingWindow, Crossing.window_id == CrossingWindow.id)
        .where(
            Crossing.gate_id == counterpart.gate_id,
            Crossing.state.in_(sorted(OPEN_STATES | HANDING_OVER)),
            CrossingWindow.ends_at > now,
            CrossingWindow.starts_at < until,
        )
        .options(selectinload(Crossing.cargo))
        .order_by(CrossingWindow.starts_at, Crossing.queued_at, Crossing.id)
    ).all()
    return ExpectedCrossings(
        gate_id=counterpart.gate_id,
        language=language,
        from_time=now,
        to_time=until,
        crossings=[
            ExpectedCrossing(
                crossing_id=crossing.id,
                plate=crossing.plate,
                trailer_plate=crossing.trailer_plate,
                direction=crossing.direction,
                handover_mode=crossing.handover_mode,
                state=crossing.state,
                state_label=translate(f"state_{crossing.state.value}", language),
                lane=crossing.lane,
                lane_label=translate(f"lane_{crossing.lane.value}", language),
                window_starts_at=window.starts_at,
                window_ends_at=window.ends_at,
                cargo=_by_heading(crossing.cargo),
            )
            for crossing, window in rows
        ],
    )


def _by_heading(lines: list[CargoLine]) -> list[CargoByHeading]:
    totals: dict[str, list[int | Decimal]] = defaultdict(lambda: [0, 0, Decimal(0)])
    for line in lines:
        total = totals[line.hs_code[:4]]
        total[0] += line.packages
        total[1] += line.weight_kg
        total[2] += line.value_usd
    return [
        CargoByHeading(hs_heading=h, packages=p, weight_kg=w, value_usd=v)
        for h, (p, w, v) in sorted(totals.items())
    ]
