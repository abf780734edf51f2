"""windows made: how far each gate's windows have been made without a gap

A booking made the windows up to its horizon from the day of the latest window
on. Someone asking for the windows of a later day made that day's windows
first, and the days between were then never made: "earliest" skipped them. The
first booking on each gate and direction after this revision makes its whole
horizon again (windows already there are kept) and records how far.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 17:25:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "windows_made",
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column(
            "direction",
            sa.Enum("export", "import_", name="direction", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("through", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["gate_id"], ["gate.id"], name=op.f("fk_windows_made_gate_id_gate")
        ),
        sa.PrimaryKeyConstraint("gate_id", "direction", name=op.f("pk_windows_made")),
    )


def downgrade() -> None:
    op.drop_table("windows_made")
