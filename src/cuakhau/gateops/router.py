"""Gate officers call trucks and record crossings when the cameras cannot."""

from typing import Annotated

from cuakhau.accounts.deps import require_roles
from cuakhau.clearance.service import get_crossing
from cuakhau.core.deps import DbSession, Now, api_router
from cuakhau.core.messages import translate
from cuakhau.core.schemas import Id
from cuakhau.crossings.schemas import CrossingDetail, CrossingRead
from cuakhau.crossings.views import crossing_detail
from cuakhau.gateops.schemas import ByHand, CallRequest, CallResult, SkippedRead
from cuakhau.gateops.service import call_next, record_by_hand
from cuakhau.models import User
from cuakhau.models.enums import CrossingState, Role

router = api_router(tags=["gate"])

Officer = Annotated[User, require_roles(Role.gate_officer, Role.admin)]


@router.post("/gates/{gate_id}/call", response_model=CallResult)
def call(
    gate_id: Id, data: CallRequest, session: DbSession, _user: Officer, now: Now
) -> CallResult:
    outcome = call_next(session, gate_id, data.direction, data.count, at=now)
    return CallResult(
        gate_id=gate_id,
        direction=data.direction,
        called=[CrossingRead.model_validate(c) for c in outcome.called],
        skipped=[
            SkippedRead(
                crossing_id=s.crossing.id,
                plate=s.crossing.plate,
                position=s.position,
                why=s.why,
                reason=translate(f"not_callable_{s.why.value}", "en"),
            )
            for s in outcome.skipped
        ],
    )


@router.post("/crossings/{crossing_id}/crossed", response_model=CrossingDetail)
def crossed(
    crossing_id: Id, data: ByHand, session: DbSession, _user: Officer, now: Now
) -> CrossingDetail:
    crossing = get_crossing(session, crossing_id)
    record_by_hand(session, crossing, CrossingState.crossed, data.reason, at=now)
    return crossing_detail(session, crossing)


@router.post("/crossings/{crossing_id}/returned", response_model=CrossingDetail)
def returned(
    crossing_id: Id, data: ByHand, session: DbSession, _user: Officer, now: Now
) -> CrossingDetail:
    crossing = get_crossing(session, crossing_id)
    record_by_hand(session, crossing, CrossingState.returned, data.reason, at=now)
    return crossing_detail(session, crossing)
