"""Taking and giving back one unit of a window's capacity, and which windows
have room: a window is a capacity row (``core/units.py``, the one conditional
UPDATE every capacity row is taken by)."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func
from sqlalchemy.orm import Session

from cuakhau.core import units
from cuakhau.core.units import has_room as has_room  # the rule, for window queries
from cuakhau.models import CrossingWindow
from cuakhau.models.enums import LaneKind

# A re-plan (a capacity change) moves a truck only into a window with at least
# this long left when the change is made: the enterprise must hear of the move
# and the truck reach the gate. A window with less left is "ending"
# (docs/gate.md, "Capacity changes").
REPLAN_LEAD = timedelta(minutes=30)


def replan_reachable_from(now: datetime) -> datetime:
    """The earliest end a window may have to take a truck moved by a re-plan at ``now``."""
    return now + REPLAN_LEAD


def at_gate_from(window: Any, gate_id: Any, direction: Any, after: Any) -> ColumnElement[bool]:
    """Windows of a gate in one direction starting at ``after`` or later."""
    return and_(
        window.c.gate_id == gate_id,
        window.c.direction == direction,
        window.c.starts_at >= after,
    )


def in_lane(window: Any, lane: Any) -> ColumnElement[bool]:
    """Windows of ``lane``; of every lane when it is null (a booking that names none)."""
    return window.c.lane == func.coalesce(lane, window.c.lane)  # type: ignore[no-any-return]


def lane_preference(window: Any) -> tuple[Any, ...]:
    """How windows starting together are chosen among: a lane set apart for a
    kind of truck before the ordinary lane, so the ordinary's room is kept for
    the trucks that have no other."""
    return (case((window.c.lane == LaneKind.ordinary.name, 1), else_=0), window.c.lane)


def not_started(window: Any, now: Any) -> ColumnElement[bool]:
    """A window still to come at ``now``: the only kind a booking may take."""
    return window.c.starts_at > now


def open_to_arrivals(window: Any, gate_id: Any, direction: Any, now: Any) -> ColumnElement[bool]:
    """Windows of a gate in one direction that a truck arriving at ``now`` may be
    queued into: the one under way, while it lasts, and those to come."""
    return and_(
        window.c.gate_id == gate_id,
        window.c.direction == direction,
        window.c.ends_at > now,
    )


def take_unit(
    session: Session, window_id: int, *conditions: ColumnElement[bool]
) -> CrossingWindow | None:
    """The window as it is after taking one unit, or None when it is full or
    fails one of ``conditions``: one statement either way."""
    return units.take_unit(session, CrossingWindow, window_id, *conditions)


def release_unit(session: Session, window_id: int) -> None:
    units.release_unit(session, CrossingWindow, window_id)
