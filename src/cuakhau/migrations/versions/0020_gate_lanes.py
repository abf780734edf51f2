"""lanes at a gate: a lane kind on the weekly pattern, the windows, the
overrides and the crossings; vehicles registered as unmanned

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 22:30:00.000000

Every row there is becomes the ordinary lane's, so a gate with no other lane
keeps working as before. The booking's functions read the new rule
(``lane_allowed``) and write the crossing's lane: ``migrations/env.py``
installs this code's functions once the schema reaches its head.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LANES = ("ordinary", "freight_road", "perishable", "unmanned")
# The unique constraints that now include the lane: each table's columns before.
_UNIQUE = {
    "capacity_pattern": ("gate_id", "direction", "weekday", "starts_at"),
    "crossing_window": ("gate_id", "direction", "starts_at"),
}


# The columns that name a window.
_POINTING_AT_WINDOWS = (
    ("crossing", "window_id"),
    ("window_change", "from_window_id"),
    ("window_change", "to_window_id"),
)


def _lane(*, nullable: bool) -> sa.Column[str]:
    return sa.Column(
        "lane",
        sa.Enum(*_LANES, name="lanekind", native_enum=False, length=16),
        server_default=None if nullable else "ordinary",
        nullable=nullable,
    )


def _with_lane(columns: tuple[str, ...]) -> list[str]:
    """The lane after the direction: a gate's rows of one direction, lane by lane."""
    at = columns.index("direction") + 1
    return [*columns[:at], "lane", *columns[at:]]


def upgrade() -> None:
    for table, columns in _UNIQUE.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(_lane(nullable=False))
            batch.drop_constraint(op.f(f"uq_{table}_gate_id"), type_="unique")
            batch.create_unique_constraint(op.f(f"uq_{table}_gate_id"), _with_lane(columns))
    with op.batch_alter_table("crossing") as batch:
        batch.add_column(_lane(nullable=False))
    with op.batch_alter_table("capacity_override") as batch:
        batch.add_column(_lane(nullable=True))
    with op.batch_alter_table("vehicle") as batch:
        batch.add_column(
            sa.Column("is_unmanned", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("vehicle") as batch:
        batch.drop_column("is_unmanned")
    with op.batch_alter_table("capacity_override") as batch:
        batch.drop_column("lane")
    with op.batch_alter_table("crossing") as batch:
        batch.drop_column("lane")
    # Only the ordinary lane's rows fit the constraints without the lane: the
    # other lanes' windows go, and a crossing that held one waits for capacity,
    # as one does when the horizon is full.
    other_lanes = "SELECT id FROM crossing_window WHERE lane <> 'ordinary'"
    for table, column in _POINTING_AT_WINDOWS:
        op.execute(sa.text(f"UPDATE {table} SET {column} = NULL WHERE {column} IN ({other_lanes})"))
    for table, columns in _UNIQUE.items():
        op.execute(sa.text(f"DELETE FROM {table} WHERE lane <> 'ordinary'"))
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"uq_{table}_gate_id"), type_="unique")
            batch.create_unique_constraint(op.f(f"uq_{table}_gate_id"), list(columns))
            batch.drop_column("lane")
