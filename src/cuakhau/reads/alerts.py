"""The officer's side of plate reads: the open alerts, and resolving one, with
the move the camera should have made recorded by hand."""

from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from cuakhau.core.clock import utcnow
from cuakhau.core.errors import Conflict, InvalidInput, NotFound
from cuakhau.core.rows import page_of, paginate
from cuakhau.core.schemas import Page
from cuakhau.crossings.booking import arrive
from cuakhau.crossings.states import move
from cuakhau.models import Crossing, PlateAlert, PlateRead, User
from cuakhau.models.enums import CrossingState
from cuakhau.reads.schemas import AlertFilters, AlertRead, AlertResolve
from cuakhau.reads.service import TARGET, alert_text


def alert_query(filters: AlertFilters) -> Select[Any]:
    stmt = select(PlateAlert).join(PlateRead, PlateRead.id == PlateAlert.plate_read_id)
    if filters.open is not None:
        stmt = stmt.where(
            PlateAlert.resolved_at.is_(None)
            if filters.open
            else PlateAlert.resolved_at.is_not(None)
        )
    if filters.kind is not None:
        stmt = stmt.where(PlateAlert.kind == filters.kind.value)
    if filters.gate_id is not None:
        # The read names its gate (or its yard's); a read matched to a crossing also
        # belongs to that crossing's gate.
        stmt = stmt.outerjoin(Crossing, Crossing.id == PlateRead.crossing_id).where(
            or_(PlateRead.gate_id == filters.gate_id, Crossing.gate_id == filters.gate_id)
        )
    return stmt.order_by(PlateAlert.id)


def list_alerts(session: Session, filters: AlertFilters, language: str) -> Page[AlertRead]:
    alerts, total = paginate(session, alert_query(filters), filters)
    return page_of(AlertRead, alert_views(session, alerts, language), total, filters)


def alert_views(session: Session, alerts: list[PlateAlert], language: str) -> list[AlertRead]:
    read_ids = [alert.plate_read_id for alert in alerts]
    reads = {r.id: r for r in session.scalars(select(PlateRead).where(PlateRead.id.in_(read_ids)))}
    return [_view(alert, reads[alert.plate_read_id], language) for alert in alerts]


def _detail(alert: PlateAlert, language: str) -> str:
    # Alerts written before their parameters were kept have only their text.
    if alert.params is None:
        return alert.detail
    return alert_text(alert.kind, alert.params, language)


def _view(alert: PlateAlert, read: PlateRead, language: str) -> AlertRead:
    return AlertRead(
        id=alert.id,
        kind=alert.kind,
        # Alerts written before their parameters were kept have only their text.
        detail=alert.detail
        if alert.params is None
        else alert_text(alert.kind, alert.params, language),
        created_at=alert.created_at,
        resolved_at=alert.resolved_at,
        resolved_by_user_id=alert.resolved_by_user_id,
        resolution=alert.resolution,
        plate_read_id=read.id,
        read_id=read.read_id,
        plate_as_read=read.plate_as_read,
        plate=read.plate,
        point=read.point,
        read_at=read.read_at,
        confidence=read.confidence,
        gate_id=read.gate_id,
        yard_id=read.yard_id,
        crossing_id=read.crossing_id,
    )


# What an officer may record through an alert: only what a camera could have.
MOVES_BY_HAND = frozenset(TARGET.values())


def resolve(
    session: Session, alert_id: int, data: AlertResolve, user: User, language: str
) -> AlertRead:
    alert = session.get(PlateAlert, alert_id)
    if alert is None:
        raise NotFound("plate_alert", alert_id)
    if alert.resolved_at is not None:
        raise Conflict("plate_alert_resolved", id=alert_id)
    read = session.get(PlateRead, alert.plate_read_id)
    assert read is not None
    if (data.crossing_id is None) != (data.to_state is None):
        raise InvalidInput("plate_alert_move_incomplete", field="to_state")
    if data.crossing_id is not None and data.to_state is not None:
        if data.to_state not in MOVES_BY_HAND:
            raise InvalidInput("plate_alert_move_not_allowed", field="to_state")
        crossing = session.get(Crossing, data.crossing_id)
        if crossing is None:
            raise NotFound("crossing", data.crossing_id)
        reason = f"alert #{alert.id}: {data.resolution}"
        if data.to_state is CrossingState.arrived and crossing.state is CrossingState.booked:
            arrive(session, crossing, read.read_at, yard_id=read.yard_id)
        else:
            move(session, crossing, data.to_state, at=read.read_at, reason=reason)
    alert.resolved_at = utcnow()
    alert.resolved_by_user_id = user.id
    alert.resolution = data.resolution
    session.flush()
    return _view(alert, read, language)
