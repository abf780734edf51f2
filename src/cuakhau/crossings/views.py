"""Building the API's answers about crossings (shared by the routers and pages)."""

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from cuakhau.crossings.queue import QueueEntry
from cuakhau.crossings.schemas import (
    CrossingDetail,
    CrossingRead,
    MoveRead,
    Position,
    QueueEntryRead,
    WindowChangeRead,
)
from cuakhau.models import Crossing, CrossingMove, CrossingWindow, WindowChange


def crossing_detail(session: Session, crossing: Crossing) -> CrossingDetail:
    window = session.get(CrossingWindow, crossing.window_id) if crossing.window_id else None
    moves = session.scalars(
        select(CrossingMove)
        .where(CrossingMove.crossing_id == crossing.id)
        .order_by(CrossingMove.id)
    )
    return CrossingDetail(
        **CrossingRead.model_validate(crossing).model_dump(),
        window_starts_at=window.starts_at if window else None,
        window_ends_at=window.ends_at if window else None,
        moves=[MoveRead.model_validate(m) for m in moves],
        window_changes=_window_changes(session, crossing),
    )


def _window_changes(session: Session, crossing: Crossing) -> list[WindowChangeRead]:
    before, after = aliased(CrossingWindow), aliased(CrossingWindow)
    rows = session.execute(
        select(WindowChange, before.starts_at, after.starts_at)
        .outerjoin(before, before.id == WindowChange.from_window_id)
        .outerjoin(after, after.id == WindowChange.to_window_id)
        .where(WindowChange.crossing_id == crossing.id)
        .order_by(WindowChange.id)
    )
    return [
        WindowChangeRead(
            at=change.at,
            from_window_starts_at=from_starts_at,
            to_window_starts_at=to_starts_at,
            reason=change.reason,
            reason_code=change.reason_code,
            reason_params=change.reason_params,
        )
        for change, from_starts_at, to_starts_at in rows
    ]


def queue_entry(entry: QueueEntry) -> QueueEntryRead:
    crossing = entry.crossing
    return QueueEntryRead(
        position=entry.position,
        crossing_id=crossing.id,
        plate=crossing.plate,
        enterprise_id=crossing.enterprise_id,
        state=crossing.state,
        priority_class_id=crossing.priority_class_id,
        window_id=crossing.window_id,
        window_starts_at=entry.window.starts_at if entry.window else None,
        estimated_crossing_at=entry.estimated_crossing_at,
        is_walk_in=crossing.is_walk_in,
    )


def position_view(entry: QueueEntry) -> Position:
    return Position(
        crossing_id=entry.crossing.id,
        plate=entry.crossing.plate,
        state=entry.crossing.state,
        position=entry.position or None,
        window_starts_at=entry.window.starts_at if entry.window else None,
        estimated_crossing_at=entry.estimated_crossing_at,
    )
