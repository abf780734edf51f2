"""The display board at a gate or a yard's gate: the trucks called now and the
ones to be called next, for drivers to read from afar. It shows plates and
times only: never an enterprise, a driver or a cargo."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from cuakhau.crossings.queue import QueueEntry, eligible_to_call, queue_with_estimates
from cuakhau.models import Gate
from cuakhau.models.enums import CrossingState, Direction

# Trucks a board lists under "called" and under "next": what fits in type read
# from ten metres; the rest are counted.
ROWS = 4
_NO_WINDOW = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class BoardLine:
    plate: str
    direction: Direction
    window_starts_at: datetime | None
    window_ends_at: datetime | None

    @classmethod
    def of(cls, entry: QueueEntry) -> "BoardLine":
        window = entry.window
        return cls(
            entry.crossing.plate,
            entry.crossing.direction,
            window.starts_at if window else None,
            window.ends_at if window else None,
        )


@dataclass(frozen=True)
class DisplayBoard:
    gate: Gate
    called: list[BoardLine]
    next: list[BoardLine]
    more_called: int
    more_next: int


def display_board(
    session: Session, gate: Gate, now: datetime, yard_id: int | None = None
) -> DisplayBoard:
    """Both directions, each list in window order (queue order within a
    direction); with ``yard_id`` only the trucks waiting in that yard (the board
    at its exit)."""
    called: list[BoardLine] = []
    upcoming: list[BoardLine] = []
    for direction in Direction:
        entries = [
            e
            for e in queue_with_estimates(session, gate.id, direction, now)
            if yard_id is None or e.crossing.yard_id == yard_id
        ]
        ready = {c.id for c in eligible_to_call(session, gate.id, direction)}
        called += [BoardLine.of(e) for e in entries if e.crossing.state is CrossingState.called]
        upcoming += [BoardLine.of(e) for e in entries if e.crossing.id in ready]
    # Stable: equal windows keep each direction's queue order.
    called.sort(key=_window_order)
    upcoming.sort(key=_window_order)
    return DisplayBoard(
        gate,
        called[:ROWS],
        upcoming[:ROWS],
        max(len(called) - ROWS, 0),
        max(len(upcoming) - ROWS, 0),
    )


def _window_order(line: BoardLine) -> tuple[bool, datetime]:
    # A truck waiting for a window goes after those that have one.
    return (line.window_starts_at is None, line.window_starts_at or _NO_WINDOW)
