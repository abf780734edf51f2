"""window change reasons: why a truck changed window, as a code

A window change (a re-plan, lateness, a walk-in) kept its reason as English
words only; it now keeps the reason's catalogue code and values too, as a move
does (``crossings.reasons``), so the enterprise's crossing page says it in the
reader's language. Rows already written get their codes from their words, which
never varied.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 13:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The words the system wrote before this revision, and their codes.
CODES = {
    "capacity reduced": "capacity_reduced",
    "capacity increased": "capacity_increased",
    "late: lost its window": "late",
    "walk-in": "walk_in",
}


def upgrade() -> None:
    op.add_column("window_change", sa.Column("reason_code", sa.String(length=32), nullable=True))
    op.add_column(
        "window_change", sa.Column("reason_params", sa.JSON(none_as_null=True), nullable=True)
    )
    changes = sa.table(
        "window_change",
        sa.column("reason", sa.String),
        sa.column("reason_code", sa.String),
        sa.column("reason_params", sa.JSON(none_as_null=True)),
    )
    connection = op.get_bind()
    for words, code in CODES.items():
        connection.execute(
            changes.update()
            .where(changes.c.reason == words)
            .values(reason_code=code, reason_params={})
        )


def downgrade() -> None:
    op.drop_column("window_change", "reason_params")
    op.drop_column("window_change", "reason_code")
