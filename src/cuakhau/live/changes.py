"""Marking what changed in this transaction, for the live channel to announce
after commit (never before: a rolled-back change must not be announced)."""

from sqlalchemy.orm import Session

QUEUE_CHANGES_KEY = "queue_changes"


def queue_changed(session: Session, gate_id: int, direction: str) -> None:
    session.info.setdefault(QUEUE_CHANGES_KEY, set()).add((gate_id, direction))
