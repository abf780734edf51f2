from typing import Any

from cuakhau.core.deps import DbSession, api_router
from cuakhau.crossings.public import GateWaitRead, wait_times
from cuakhau.models.base import utcnow

router = api_router(prefix="/public", tags=["public"])


@router.get("/wait-times", response_model=list[GateWaitRead])
def public_wait_times(session: DbSession) -> Any:
    """Per gate and direction, for anyone, without login: trucks waiting, today's
    capacity, open or closed, the expected wait, the error of past estimates, and
    the warning colour (green < 500 waiting ≤ yellow < 1,000 ≤ orange < 5,000 ≤ red,
    configurable)."""
    return wait_times(session, utcnow())
