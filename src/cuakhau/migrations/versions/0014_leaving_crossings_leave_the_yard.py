"""leaving crossings leave the yard: end the visits the old code left open

Before this revision a truck that crossed, was rejected or had its booking
cancelled stayed "in the yard" until someone checked it out by hand: its visit
open, its space taken, its dwell growing. The state machine now ends the visit
at that moment (``yards.stay``); here the visits already left open end at the
moment their crossing left, and their spaces are given back.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 16:30:00.000000
"""

from collections import Counter
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from cuakhau.models.base import UtcDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# crossings.states.LEAVING_STATES when this revision was written.
LEAVING = ("crossed", "rejected", "cancelled")

visits = sa.table(
    "yard_visit",
    sa.column("id", sa.Integer),
    sa.column("yard_id", sa.Integer),
    sa.column("crossing_id", sa.Integer),
    sa.column("vehicle_class", sa.String),
    sa.column("checked_in_at", UtcDateTime(timezone=True)),
    sa.column("checked_out_at", UtcDateTime(timezone=True)),
)
moves = sa.table(
    "crossing_move",
    sa.column("crossing_id", sa.Integer),
    sa.column("to_state", sa.String),
    sa.column("at", UtcDateTime(timezone=True)),
)
spaces = sa.table(
    "yard_space",
    sa.column("yard_id", sa.Integer),
    sa.column("vehicle_class", sa.String),
    sa.column("occupied", sa.Integer),
)


def upgrade() -> None:
    bind = op.get_bind()
    left_at = (
        sa.select(sa.func.min(moves.c.at))
        .where(moves.c.crossing_id == visits.c.crossing_id, moves.c.to_state.in_(LEAVING))
        .scalar_subquery()
    )
    stale = bind.execute(
        sa.select(
            visits.c.id,
            visits.c.yard_id,
            visits.c.vehicle_class,
            visits.c.checked_in_at,
            sa.type_coerce(left_at, UtcDateTime(timezone=True)).label("left_at"),
        ).where(visits.c.checked_out_at.is_(None), left_at.is_not(None))
    ).all()
    freed: Counter[tuple[int, str]] = Counter()
    for visit_id, yard_id, vehicle_class, checked_in_at, left in stale:
        bind.execute(
            sa.update(visits)
            .where(visits.c.id == visit_id)
            .values(checked_out_at=max(left, checked_in_at))
        )
        freed[(yard_id, vehicle_class)] += 1
    for (yard_id, vehicle_class), count in freed.items():
        bind.execute(
            sa.update(spaces)
            .where(spaces.c.yard_id == yard_id, spaces.c.vehicle_class == vehicle_class)
            .values(
                occupied=sa.case((spaces.c.occupied > count, spaces.c.occupied - count), else_=0)
            )
        )


def downgrade() -> None:
    # The trucks did leave: their visits stay ended.
    pass
