from typing import Any

from fastapi import Request

from cuakhau.core.deps import DbSession, Now, api_router
from cuakhau.crossings.public import GateWaitRead, shared_wait_times

router = api_router(prefix="/public", tags=["public"])


@router.get("/wait-times", response_model=list[GateWaitRead])
def public_wait_times(request: Request, session: DbSession, now: Now) -> Any:
    """Per gate and direction, for anyone, without login: trucks waiting, today's
    capacity, open or closed, the expected wait, the error of past estimates, and
    the warning colour (green < 500 waiting ≤ yellow < 1,000 ≤ orange < 5,000 ≤ red,
    configurable). The answer is shared for up to two seconds, and renewed as
    soon as a queue changes."""
    return shared_wait_times(request).get(session, now)
