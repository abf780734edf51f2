"""no-show standing: each enterprise's no-show rate, reckoned by the sweep

A booking for a peak window used to count the enterprise's bookings and
no-shows over the rolling period, reaching them through every crossing the
enterprise ever had. The no-show sweep now reckons those counts for every
enterprise at once, and a booking reads one row. The first sweep of a server
that starts on this revision fills the table.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 16:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cuakhau.models.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "no_show_standing",
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("bookings", sa.Integer(), nullable=False),
        sa.Column("no_shows", sa.Integer(), nullable=False),
        sa.Column("reckoned_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_no_show_standing_enterprise_id_enterprise"),
        ),
        sa.PrimaryKeyConstraint("enterprise_id", name=op.f("pk_no_show_standing")),
    )


def downgrade() -> None:
    op.drop_table("no_show_standing")
