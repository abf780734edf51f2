"""Taking and giving back one unit of a capacity row: any table with
``capacity`` and ``booked`` columns (a gate's window, a bay's hour, a yard's
stevedore hour).

The unit is taken by a conditional UPDATE (``booked < capacity``) and its row
count, in the caller's transaction: this holds on PostgreSQL under many
processes and on SQLite alike, where "count, then insert" and "lock, then
insert" both over-book (docs/architecture.md, "Booking"). Each table keeps
``booked <= capacity`` as a CHECK constraint, the backstop."""

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, update
from sqlalchemy.orm import Session

Row = TypeVar("Row")


def has_room(table: Any) -> ColumnElement[bool]:
    """``table``: a capacity table or an alias of it."""
    return table.c.booked < table.c.capacity  # type: ignore[no-any-return]


def take_unit(
    session: Session, model: type[Row], row_id: int, *conditions: ColumnElement[bool]
) -> Row | None:
    """The row as it is after taking one unit, or None when it is full or fails
    one of ``conditions``: one statement either way. The row stays locked (on
    PostgreSQL) until the caller's transaction ends."""
    columns: Any = model
    return session.scalars(
        update(model)
        .where(columns.id == row_id, has_room(columns.__table__), *conditions)
        .values(booked=columns.booked + 1)
        .returning(model)
        .execution_options(synchronize_session=False, populate_existing=True)
    ).one_or_none()


def release_unit(session: Session, model: type[Any], row_id: int) -> None:
    session.execute(
        update(model)
        .where(model.id == row_id, model.booked > 0)
        .values(booked=model.booked - 1)
        .execution_options(synchronize_session=False)
    )
