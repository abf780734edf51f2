"""Marking what changed in this transaction, for the live channel to announce
after commit (never before: a rolled-back change must not be announced)."""

from sqlalchemy.orm import Session

QUEUE_CHANGES_KEY = "queue_changes"


def queue_changed(session: Session, gate_id: int, direction: str) -> None:
    session.info.setdefault(QUEUE_CHANGES_KEY, set()).add((gate_id, direction))


def yard_changed(session: Session, gate_id: int) -> None:
    """A yard of this gate filled or emptied a space: the gate's pages in both
    directions read again (the yard page, and the queue a walk-in may join)."""
    for direction in ("export", "import"):
        queue_changed(session, gate_id, direction)
