"""cargo lines by crossing: an index

A crossing's cargo lines were found by reading every cargo line: 10 ms for
one crossing's detail with 70,000 lines on the booking benchmark's database,
and more with every booking. Deleting a crossing read them all too, for its
cascade.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 17:05:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_cargo_line_crossing_id"), "cargo_line", ["crossing_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_cargo_line_crossing_id"), table_name="cargo_line")
