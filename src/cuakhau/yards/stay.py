"""The end of a truck's stay in a yard: its visit closed and its space given back.

Kept apart from ``yards.visits`` (which books trucks in through the crossing's
services) so that the crossing's one state machine can end the stay of a truck
that leaves the zone (``crossings.states.move``) without importing its callers."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cuakhau.live.changes import yard_changed
from cuakhau.models import Yard, YardSpace, YardVisit


def end_visit(session: Session, visit: YardVisit, gate_id: int, at: datetime) -> None:
    """Check the truck out at ``at`` (never before it checked in: a camera's read
    may reach us late) and give its space back."""
    visit.checked_out_at = max(at, visit.checked_in_at)
    yard_changed(session, gate_id)
    session.execute(
        update(YardSpace)
        .where(
            YardSpace.yard_id == visit.yard_id,
            YardSpace.vehicle_class == visit.vehicle_class,
            YardSpace.occupied > 0,
        )
        .values(occupied=YardSpace.occupied - 1)
        .execution_options(synchronize_session=False)
    )


def end_crossing_stay(session: Session, crossing_id: int, at: datetime) -> None:
    """A crossing that leaves the zone (crossed, rejected, cancelled) leaves its
    yard at that moment: every path that moves it ends its open visit. The
    visit is locked (PostgreSQL; SQLite transactions are serial): a check-out
    by hand at the same moment waits, then finds it ended, and the space is
    given back once."""
    open_visits = session.execute(
        select(YardVisit, Yard.gate_id)
        .join(Yard, Yard.id == YardVisit.yard_id)
        .where(YardVisit.crossing_id == crossing_id, YardVisit.checked_out_at.is_(None))
        .with_for_update(of=YardVisit)
    ).all()
    for visit, gate_id in open_visits:
        end_visit(session, visit, gate_id, at)
