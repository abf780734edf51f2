from dataclasses import asdict
from datetime import datetime
from typing import Any

from cuakhau.core.deps import DbSession, api_router
from cuakhau.core.schemas import OutputSchema
from cuakhau.crossings.public import Warning, wait_times
from cuakhau.models.base import utcnow
from cuakhau.models.enums import Direction

router = api_router(prefix="/public", tags=["public"])


class GateWaitRead(OutputSchema):
    gate_id: int
    gate_code: str
    name_vi: str
    name_en: str
    direction: Direction
    trucks_waiting: int
    capacity_today: int
    booked_today: int
    open_now: bool
    next_free_window_at: datetime | None
    estimated_wait_minutes: int | None
    estimate_error_p90_minutes: float | None
    warning: Warning


@router.get("/wait-times", response_model=list[GateWaitRead])
def public_wait_times(session: DbSession) -> Any:
    """Per gate and direction, for anyone, without login: trucks waiting, today's
    capacity, open or closed, the expected wait, the error of past estimates, and
    the warning colour (green < 500 waiting ≤ yellow < 1,000 ≤ orange < 5,000 ≤ red,
    configurable)."""
    return [GateWaitRead(**asdict(answer)) for answer in wait_times(session, utcnow())]
