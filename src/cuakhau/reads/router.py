"""Cameras post reads; gate officers work the alerts."""

from typing import Annotated

from fastapi import Path, Query, Request

from cuakhau.accounts.deps import require_roles
from cuakhau.core.deps import DbSession, Now, api_router
from cuakhau.core.messages import pick_language
from cuakhau.core.schemas import Id, Page
from cuakhau.models import User
from cuakhau.models.enums import Role
from cuakhau.reads import alerts
from cuakhau.reads.schemas import AlertFilters, AlertRead, AlertResolve, BatchResult, PlateReadBatch
from cuakhau.reads.service import ingest

router = api_router(tags=["plate reads"])

Camera = Annotated[User, require_roles(Role.camera, Role.admin)]
Officer = Annotated[User, require_roles(Role.gate_officer, Role.admin)]


@router.post("/plate-reads", response_model=BatchResult)
def post_plate_reads(
    request: Request, batch: PlateReadBatch, session: DbSession, camera: Camera, now: Now
) -> BatchResult:
    """A batch of 1–1000 reads, one transaction. A read that breaks a rule is
    refused alone (``refused``: its index and why, in the language asked for) and
    the rest are stored; re-posting a read changes nothing (outcome ``duplicate``,
    counted in ``already_known``). Each read's outcome is in ``results``, in order."""
    return ingest(
        session, camera=camera, reads=batch.reads, now=now, language=pick_language(request)
    )


@router.get("/plate-alerts", response_model=Page[AlertRead])
def list_plate_alerts(
    request: Request,
    session: DbSession,
    _user: Officer,
    filters: Annotated[AlertFilters, Query()],
) -> Page[AlertRead]:
    """Open and resolved alerts; ``detail`` is in the language asked for
    (``?lang=`` or Accept-Language), Vietnamese by default."""
    return alerts.list_alerts(session, filters, pick_language(request))


@router.post("/plate-alerts/{alert_id}/resolve", response_model=AlertRead)
def resolve_plate_alert(
    request: Request,
    alert_id: Annotated[Id, Path()],
    data: AlertResolve,
    session: DbSession,
    user: Officer,
) -> AlertRead:
    return alerts.resolve(session, alert_id, data, user, pick_language(request))
