"""The live queue of a gate and direction: who goes next and when, and how
honest the estimates given so far have been."""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from cuakhau.crossings.states import OPEN_STATES, WAITING_STATES
from cuakhau.models import Crossing, CrossingWindow, PriorityClass, QueueEstimate
from cuakhau.models.enums import CrossingState, Direction


@dataclass(frozen=True)
class QueueEntry:
    crossing: Crossing
    position: int
    window: CrossingWindow | None
    estimated_crossing_at: datetime | None


def ordered_queue(session: Session, gate_id: int, direction: Direction) -> list[Crossing]:
    """Open crossings in the order they will be served: window, then priority class
    rank, then when they asked for their place; trucks waiting for a window last."""
    rows = session.execute(
        select(Crossing)
        .outerjoin(CrossingWindow, CrossingWindow.id == Crossing.window_id)
        .join(PriorityClass, PriorityClass.id == Crossing.priority_class_id)
        .where(
            Crossing.gate_id == gate_id,
            Crossing.direction == direction,
            Crossing.state.in_(OPEN_STATES),
        )
        .order_by(
            CrossingWindow.starts_at.is_(None),
            CrossingWindow.starts_at,
            PriorityClass.rank,
            Crossing.queued_at,
            Crossing.id,
        )
    )
    return list(rows.scalars())


def queue_with_estimates(
    session: Session, gate_id: int, direction: Direction, now: datetime
) -> list[QueueEntry]:
    """Each crossing with its position and estimated crossing time.

    Within a window, trucks are spread evenly over its length in queue order; a
    window already under way serves its remaining trucks over what is left of it.
    A truck waiting for a window has no estimate: saying one would be a guess.
    """
    crossings = ordered_queue(session, gate_id, direction)
    window_ids = {c.window_id for c in crossings if c.window_id is not None}
    windows = {
        w.id: w
        for w in session.scalars(select(CrossingWindow).where(CrossingWindow.id.in_(window_ids)))
    }
    seen_in_window: dict[int, int] = defaultdict(int)
    entries = []
    for position, crossing in enumerate(crossings, start=1):
        window = windows.get(crossing.window_id) if crossing.window_id else None
        estimate = None
        if window is not None:
            estimate = estimated_turn(window, seen_in_window[window.id], now)
            seen_in_window[window.id] += 1
        entries.append(QueueEntry(crossing, position, window, estimate))
    return entries


def estimated_turn(window: CrossingWindow, ahead: int, now: datetime) -> datetime:
    """When a truck with ``ahead`` trucks before it in ``window`` crosses: the
    window's trucks spread evenly over it, or over what is left of it once under way."""
    start = max(window.starts_at, now)
    length = max(window.ends_at - start, timedelta(0))
    return start + length * (ahead / max(window.capacity, 1))


def trucks_in_window(session: Session, window_id: int) -> int:
    """The trucks still to cross in a window."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Crossing)
            .where(Crossing.window_id == window_id, Crossing.state.in_(OPEN_STATES))
        )
        or 0
    )


def position_of(session: Session, crossing: Crossing, now: datetime) -> QueueEntry:
    """Where one truck stands; the estimate is recorded, to be judged when it crosses."""
    return positions_of(session, [crossing], now)[crossing.id]


def positions_of(
    session: Session, crossings: Iterable[Crossing], now: datetime
) -> dict[int, QueueEntry]:
    """Where each truck stands, by crossing id, each queue read once however many
    of its trucks are asked about; the estimates are recorded, to be judged when
    the trucks cross. A truck in no queue (no longer open) stands at 0."""
    asked = {crossing.id: crossing for crossing in crossings}
    found: dict[int, QueueEntry] = {}
    for gate_id, direction in sorted({(c.gate_id, c.direction) for c in asked.values()}):
        for entry in queue_with_estimates(session, gate_id, direction, now):
            if entry.crossing.id in asked:
                found[entry.crossing.id] = entry
    estimates = [
        {
            "crossing_id": entry.crossing.id,
            "gate_id": entry.crossing.gate_id,
            "given_at": now,
            "position": entry.position,
            "estimated_crossing_at": entry.estimated_crossing_at,
        }
        for entry in found.values()
        if entry.estimated_crossing_at is not None
    ]
    if estimates:
        # One statement for them all: the ORM would insert them one by one to
        # learn each id, which nothing here needs.
        session.execute(insert(QueueEstimate), estimates)
    return {
        crossing_id: found.get(crossing_id, QueueEntry(crossing, 0, None, None))
        for crossing_id, crossing in asked.items()
    }


@dataclass(frozen=True)
class EstimateAccuracy:
    gate_id: int
    estimates: int
    mean_error_minutes: float | None
    mean_absolute_error_minutes: float | None
    p90_absolute_error_minutes: float | None


def estimate_accuracy(session: Session, gate_id: int, since: datetime) -> EstimateAccuracy:
    """Estimates given since ``since`` against the actual crossing times.
    A positive mean error means trucks crossed later than they were told."""
    rows = session.execute(
        select(QueueEstimate.estimated_crossing_at, Crossing.crossed_at)
        .join(Crossing, Crossing.id == QueueEstimate.crossing_id)
        .where(
            QueueEstimate.gate_id == gate_id,
            QueueEstimate.given_at >= since,
            Crossing.crossed_at.is_not(None),
        )
    ).all()
    errors = [(crossed - estimated).total_seconds() / 60 for estimated, crossed in rows]
    summary = error_summary(errors)
    return EstimateAccuracy(
        gate_id=gate_id,
        estimates=len(errors),
        mean_error_minutes=summary.mean,
        mean_absolute_error_minutes=summary.mean_absolute,
        p90_absolute_error_minutes=summary.p90_absolute,
    )


@dataclass(frozen=True)
class ErrorSummary:
    """How wrong a set of estimates was; None for each when there are none."""

    mean: float | None
    mean_absolute: float | None
    p90_absolute: float | None


def error_summary(errors: list[float]) -> ErrorSummary:
    """Mean error (its sign says which way estimates lean), mean absolute error and
    the absolute error nine estimates in ten stay within. The one measure of error
    for queue estimates and for queue forecasts."""
    if not errors:
        return ErrorSummary(None, None, None)
    absolute = sorted(abs(e) for e in errors)
    p90 = absolute[nine_in_ten(len(absolute))]
    return ErrorSummary(sum(errors) / len(errors), sum(absolute) / len(absolute), p90)


def nine_in_ten(count: int) -> int:
    """Where, in ``count`` absolute errors sorted, the one nine in ten stay
    within is (the nearest rank)."""
    return min(count - 1, math.ceil(0.9 * count) - 1)


def trucks_waiting(session: Session, gate_id: int, direction: Direction) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Crossing)
            .where(
                Crossing.gate_id == gate_id,
                Crossing.direction == direction,
                Crossing.state.in_(WAITING_STATES),
            )
        )
        or 0
    )


class Place(StrEnum):
    """Where a truck in the queue is."""

    on_the_road = "on_the_road"  # booked only, not yet in the zone
    in_the_zone = "in_the_zone"  # at a yard or the gate
    called = "called"  # called to the gate


class Customs(StrEnum):
    """How far customs and quarantine have got with a truck in the queue."""

    not_declared = "not_declared"
    awaiting_decision = "awaiting_decision"
    held = "held"
    cleared = "cleared"


class NotCallable(StrEnum):
    """Why a truck in the queue may not be called to the gate now."""

    not_arrived = "not_arrived"
    not_declared = "not_declared"
    awaiting_decision = "awaiting_decision"
    held = "held"
    already_called = "already_called"


@dataclass(frozen=True)
class Readiness:
    place: Place
    customs: Customs
    # None: the truck may be called now.
    not_callable: NotCallable | None


# The one rule of who may be called: a truck is called once customs (and
# quarantine, which holds it until released) have cleared it, and never twice.
_READINESS: Mapping[CrossingState, Readiness] = {
    CrossingState.booked: Readiness(
        Place.on_the_road, Customs.not_declared, NotCallable.not_arrived
    ),
    CrossingState.arrived: Readiness(
        Place.in_the_zone, Customs.not_declared, NotCallable.not_declared
    ),
    CrossingState.declared: Readiness(
        Place.in_the_zone, Customs.awaiting_decision, NotCallable.awaiting_decision
    ),
    CrossingState.held: Readiness(Place.in_the_zone, Customs.held, NotCallable.held),
    CrossingState.cleared: Readiness(Place.in_the_zone, Customs.cleared, None),
    CrossingState.called: Readiness(Place.called, Customs.cleared, NotCallable.already_called),
}


def readiness(crossing: Crossing) -> Readiness:
    """Where a truck in the queue is, how far its clearance has got, and why it
    may not be called yet (a held one's grounds are on the crossing)."""
    return _READINESS[crossing.state]


def eligible_to_call(session: Session, gate_id: int, direction: Direction) -> list[Crossing]:
    """The trucks a gate officer may call next, in queue order."""
    return [
        c for c in ordered_queue(session, gate_id, direction) if readiness(c).not_callable is None
    ]
