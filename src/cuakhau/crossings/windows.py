"""Taking and giving back one unit of a window's capacity.

The unit is taken by a conditional UPDATE (``booked < capacity``) and its row
count, in the caller's transaction: this holds on PostgreSQL under many
processes and on SQLite alike, where "count, then insert" and "lock, then
insert" both over-book (DESIGN.md, "Capacity and booking")."""

from sqlalchemy import ColumnElement, update
from sqlalchemy.orm import Session

from cuakhau.models import CrossingWindow


def take_unit(
    session: Session, window_id: int, *conditions: ColumnElement[bool]
) -> CrossingWindow | None:
    """The window as it is after taking one unit, or None when it is full or
    fails one of ``conditions``: one statement either way."""
    return session.scalars(
        update(CrossingWindow)
        .where(
            CrossingWindow.id == window_id,
            CrossingWindow.booked < CrossingWindow.capacity,
            *conditions,
        )
        .values(booked=CrossingWindow.booked + 1)
        .returning(CrossingWindow)
        .execution_options(synchronize_session=False, populate_existing=True)
    ).one_or_none()


def release_unit(session: Session, window_id: int) -> None:
    session.execute(
        update(CrossingWindow)
        .where(CrossingWindow.id == window_id, CrossingWindow.booked > 0)
        .values(booked=CrossingWindow.booked - 1)
        .execution_options(synchronize_session=False)
    )
