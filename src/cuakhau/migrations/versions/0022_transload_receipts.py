"""transload receipts: a transload with no crossing of ours has its own receipt

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 22:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IN_FORCE = sa.text("voided_at IS NULL")


def _in_force_index(of: str) -> None:
    op.create_index(
        f"uq_receipt_{of}_in_force",
        "receipt",
        [f"{of}_id"],
        unique=True,
        sqlite_where=IN_FORCE,
        postgresql_where=IN_FORCE,
    )


def upgrade() -> None:
    # Dropped around the batch: SQLite's copy of the table would not keep its condition.
    op.drop_index("uq_receipt_crossing_in_force", table_name="receipt")
    with op.batch_alter_table("receipt") as batch:
        batch.add_column(sa.Column("transload_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_receipt_transload_id_transload"), "transload", ["transload_id"], ["id"]
        )
        batch.alter_column("crossing_id", existing_type=sa.Integer(), nullable=True)
        batch.create_check_constraint(
            "of_crossing_or_transload", "(crossing_id IS NULL) <> (transload_id IS NULL)"
        )
    _in_force_index("crossing")
    _in_force_index("transload")


def downgrade() -> None:
    op.drop_index("uq_receipt_transload_in_force", table_name="receipt")
    op.drop_index("uq_receipt_crossing_in_force", table_name="receipt")
    op.execute(
        "DELETE FROM fee WHERE receipt_id IN"
        " (SELECT id FROM receipt WHERE transload_id IS NOT NULL)"
    )
    op.execute("DELETE FROM receipt WHERE transload_id IS NOT NULL")
    with op.batch_alter_table("receipt") as batch:
        batch.drop_constraint(op.f("ck_receipt_of_crossing_or_transload"), type_="check")
        batch.drop_constraint(op.f("fk_receipt_transload_id_transload"), type_="foreignkey")
        batch.drop_column("transload_id")
        batch.alter_column("crossing_id", existing_type=sa.Integer(), nullable=False)
    _in_force_index("crossing")
