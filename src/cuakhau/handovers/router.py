"""The handover API (docs/handovers.md): a crossing's mode and steps, the
yards' trailers, the transfer drivers on duty and the queue waiting for them."""

from typing import Annotated, Any

from fastapi import Query

from cuakhau.accounts.deps import require_roles
from cuakhau.core.deps import AppSettings, DbSession, Now, api_router
from cuakhau.core.schemas import Id
from cuakhau.crossings.access import visible_crossing
from cuakhau.crossings.schemas import CrossingDetail
from cuakhau.crossings.views import crossing_detail
from cuakhau.handovers import service, trailers
from cuakhau.handovers.schemas import (
    HandoverModeChange,
    HandoverStep,
    TrailerRead,
    TransferQueue,
    TransferShiftIn,
    TransferShiftRead,
)
from cuakhau.models import User
from cuakhau.models.enums import Role, TrailerWait

router = api_router(tags=["handovers"])

# The yard operator runs the handover; the gate officer sees it across.
YardOperator = Annotated[User, require_roles(Role.admin, Role.yard_operator)]
HandoverSide = Annotated[User, require_roles(Role.admin, Role.yard_operator, Role.gate_officer)]
TrailerReader = Annotated[
    User, require_roles(Role.admin, Role.yard_operator, Role.gate_officer, Role.board)
]
Rostering = Annotated[User, require_roles(Role.admin, Role.gate_officer)]


@router.put("/crossings/{crossing_id}/handover-mode", response_model=CrossingDetail)
def change_handover_mode(
    crossing_id: Id, data: HandoverModeChange, session: DbSession, user: YardOperator
) -> Any:
    """Change how the crossing's cargo crosses, with the reason (audited)."""
    crossing = visible_crossing(session=session, user=user, crossing_id=crossing_id)
    service.change_mode(session, crossing, data.handover_mode, reason=data.reason)
    return crossing_detail(session, crossing)


@router.post("/crossings/{crossing_id}/handover", response_model=CrossingDetail)
def record_handover_step(
    crossing_id: Id, data: HandoverStep, session: DbSession, user: HandoverSide, now: Now
) -> Any:
    """Record one step of the crossing's handover; a step its mode does not
    take, or not from where it is, is refused (409) and changes nothing."""
    crossing = visible_crossing(session=session, user=user, crossing_id=crossing_id)
    service.record_step(
        session,
        crossing,
        data.to_state,
        at=now,
        reason=data.reason,
        yard_id=data.yard_id,
        loaded=data.loaded,
        outbound_plate=data.outbound_plate,
    )
    return crossing_detail(session, crossing)


@router.get("/trailers", response_model=list[TrailerRead])
def list_trailers(
    session: DbSession,
    user: TrailerReader,
    now: Now,
    settings: AppSettings,
    gate_id: Annotated[Id | None, Query()] = None,
    yard_id: Annotated[Id | None, Query()] = None,
    waits_for: Annotated[TrailerWait | None, Query()] = None,
    overdue: Annotated[bool, Query()] = False,
) -> Any:
    """The trailers standing in yards without their tractors, longest first."""
    return trailers.trailers(
        session,
        now,
        settings.hand_back_overdue_hours,
        gate_id=gate_id,
        yard_id=yard_id,
        waits_for=waits_for,
        overdue_only=overdue,
        operator_id=trailers.operator_scope(user),
    )


@router.get("/gates/{gate_id}/transfer-queue", response_model=TransferQueue)
def gate_transfer_queue(
    gate_id: Id, session: DbSession, user: TrailerReader, now: Now, settings: AppSettings
) -> Any:
    """Trailers waiting for a transfer driver, against the drivers on duty."""
    return trailers.transfer_queue(
        session, gate_id, now, settings.hand_back_overdue_hours, trailers.operator_scope(user)
    )


@router.post("/gates/{gate_id}/transfer-shifts", response_model=TransferShiftRead, status_code=201)
def add_transfer_shift(
    gate_id: Id, data: TransferShiftIn, session: DbSession, user: Rostering
) -> Any:
    """Transfer drivers on duty at the gate over a shift, ours or the other side's."""
    return trailers.add_shift(session, gate_id, data)


@router.get("/gates/{gate_id}/transfer-shifts", response_model=list[TransferShiftRead])
def list_transfer_shifts(gate_id: Id, session: DbSession, user: TrailerReader, now: Now) -> Any:
    """The gate's shifts of transfer drivers not yet over."""
    return trailers.shifts(session, gate_id, now)
