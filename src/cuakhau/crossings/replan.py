"""Re-planning the queue when capacity changes, in the caller's one transaction.

When a window's capacity drops below what is booked, the crossings it keeps are
the first ``capacity`` in the stated fair order — priority class rank, then the
time they asked for their place — and the others move, in that same order, to
the next free windows of their lane at or after their own. When a window's capacity rises,
trucks already waiting in the zone are pulled into the freed room, in the same
order; a cut never pulls a truck earlier. No move goes into a window that is
ending (``windows.REPLAN_LEAD``). Nothing is lost or duplicated: every crossing
keeps exactly one window or waits for one."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.capacity.service import CapacityChange, capacity_changes, ensure_windows
from cuakhau.core.clock import local_date
from cuakhau.crossings.booking import change_window, take_next_free
from cuakhau.crossings.reasons import Reason, told
from cuakhau.crossings.rules import policy
from cuakhau.crossings.schemas import ReplanMove
from cuakhau.crossings.states import OPEN_STATES, WAITING_STATES, recorded_reason
from cuakhau.crossings.windows import release_unit, replan_reachable_from, take_unit
from cuakhau.live.changes import queue_changed
from cuakhau.models import Crossing, CrossingWindow, Gate, PriorityClass
from cuakhau.models.enums import CrossingState, Direction, NotificationEvent
from cuakhau.notifications.outbox import enqueue

# Why a re-plan moved a truck.
_REDUCED = Reason("capacity_reduced")
_INCREASED = Reason("capacity_increased")


def fair_key(crossing: Crossing, ranks: dict[int, int]) -> tuple[int, datetime, int]:
    return (ranks[crossing.priority_class_id], crossing.queued_at, crossing.id)


def _ranks(session: Session) -> tuple[dict[int, int], dict[int, str]]:
    classes = list(session.scalars(select(PriorityClass)))
    return {c.id: c.rank for c in classes}, {c.id: c.code for c in classes}


def apply_capacity_changes(
    session: Session, changes: Sequence[CapacityChange], now: datetime
) -> list[ReplanMove]:
    ranks, codes = _ranks(session)
    displaced: list[tuple[Crossing, CrossingWindow]] = []
    raised: list[CrossingWindow] = []
    for change in changes:
        window = change.window
        session.refresh(window)
        if change.capacity > window.capacity:
            raised.append(window)
        if window.booked > change.capacity and window.ends_at > now:
            holders = list(
                session.scalars(
                    select(Crossing).where(
                        Crossing.window_id == window.id,
                        Crossing.state.in_(OPEN_STATES),
                    )
                )
            )
            holders.sort(key=lambda c: fair_key(c, ranks))
            for crossing in holders[change.capacity :]:
                release_unit(session, window.id)
                displaced.append((crossing, window))
        # The rows given back above make room for the new capacity under the CHECK.
        session.flush()
        session.refresh(window)
        window.capacity = max(change.capacity, window.booked)
        window.note = change.note
    session.flush()

    moves = []
    displaced.sort(key=lambda pair: fair_key(pair[0], ranks))
    for crossing, old in displaced:
        new = take_next_free(
            session,
            crossing.gate_id,
            crossing.direction,
            max(old.starts_at, now),
            now,
            ending_from=replan_reachable_from(now),
            lane=old.lane,
        )
        moves.append(_record(session, crossing, old, new, codes, now, _REDUCED))
    moves.extend(_pull_forward(session, raised, ranks, codes, now))
    for change in changes:
        queue_changed(session, change.window.gate_id, change.window.direction.value)
    session.flush()
    return moves


def _record(
    session: Session,
    crossing: Crossing,
    old: CrossingWindow | None,
    new: CrossingWindow | None,
    codes: dict[int, str],
    now: datetime,
    reason: Reason,
) -> ReplanMove:
    change_window(session, crossing, new, now, reason)
    enqueue(
        session,
        crossing,
        NotificationEvent.moved_by_replan,
        at=now,
        **told(reason),
        from_window_starts_at=old.starts_at.isoformat() if old else None,
        to_window_starts_at=new.starts_at.isoformat() if new else None,
    )
    return ReplanMove(
        crossing_id=crossing.id,
        plate=crossing.plate,
        priority_class=codes[crossing.priority_class_id],
        from_window_id=old.id if old else None,
        from_starts_at=old.starts_at if old else None,
        to_window_id=new.id if new else None,
        to_starts_at=new.starts_at if new else None,
        **recorded_reason(reason),
    )


def _pull_forward(
    session: Session,
    raised: Sequence[CrossingWindow],
    ranks: dict[int, int],
    codes: dict[int, str],
    now: datetime,
) -> list[ReplanMove]:
    """Fill room that a rise opened up with trucks already waiting in the zone for
    a later window (or for none): they are here, so earlier is better for them.
    Room left in a window that was cut is not new room: nobody is pulled into it."""
    moves = []
    reachable_from = replan_reachable_from(now)
    opened = sorted(
        (window for window in raised if window.ends_at >= reachable_from),
        key=lambda w: w.starts_at,
    )
    for window in opened:
        session.refresh(window)
        if window.booked >= window.capacity:
            continue
        waiting = list(
            session.scalars(
                select(Crossing)
                .outerjoin(CrossingWindow, CrossingWindow.id == Crossing.window_id)
                .where(
                    Crossing.gate_id == window.gate_id,
                    Crossing.direction == window.direction,
                    # A truck moves only within its lane: the lane's rule let it in.
                    Crossing.lane == window.lane,
                    Crossing.state.in_(WAITING_STATES - {CrossingState.called}),
                    (Crossing.window_id.is_(None)) | (CrossingWindow.starts_at > window.starts_at),
                )
            )
        )
        waiting.sort(key=lambda c: fair_key(c, ranks))
        for crossing in waiting:
            if not take_unit(session, window.id):
                break
            old = session.get(CrossingWindow, crossing.window_id) if crossing.window_id else None
            if old is not None:
                release_unit(session, old.id)
            moves.append(_record(session, crossing, old, window, codes, now, _INCREASED))
    return moves


@dataclass(frozen=True)
class Replan:
    changed_windows: int
    moves: list[ReplanMove]


def replan_gate(session: Session, gate: Gate, now: datetime) -> Replan:
    """Bring the gate's windows from today to the horizon in line with its pattern
    and overrides, making those it adds, moving trucks as the fair order says."""
    rules = policy(session)
    today = local_date(now)
    last_day = today + timedelta(days=rules.booking_horizon_days)
    # Windows the change adds (a lane, an hour) are made now: a booking's
    # "earliest" looks only among the windows made up to the horizon.
    for direction in Direction:
        ensure_windows(session, gate, direction, today, last_day)
    changes = capacity_changes(session, gate, today, last_day)
    return Replan(len(changes), apply_capacity_changes(session, changes, now))
