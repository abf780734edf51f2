"""fee history: fee revenue imported from before cuakhau (the finance office's
sheets), beside the trade history; an import says which kind it holds

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-08 01:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VEHICLE_CLASS = sa.Enum(
    "small", "truck", "container", name="vehicleclass", native_enum=False, length=16
)
FEE_KIND = sa.Enum(
    "infrastructure",
    "yard",
    "transshipment",
    "storage",
    name="feekind",
    native_enum=False,
    length=16,
)


def upgrade() -> None:
    with op.batch_alter_table("history_import") as batch:
        # The imports there are are the customs office's trade figures.
        batch.add_column(
            sa.Column(
                "kind",
                sa.Enum("trade", "fees", name="historykind", native_enum=False, length=16),
                server_default="trade",
                nullable=False,
            )
        )
    op.create_table(
        "fee_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column("vehicle_class", VEHICLE_CLASS, nullable=False),
        sa.Column("kind", FEE_KIND, nullable=False),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=False),
        sa.Column("fees", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["history_import.id"],
            name=op.f("fk_fee_history_import_id_history_import"),
        ),
        sa.ForeignKeyConstraint(["gate_id"], ["gate.id"], name=op.f("fk_fee_history_gate_id_gate")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_history")),
    )
    op.create_index("ix_fee_history_import_id", "fee_history", ["import_id"])
    op.create_index("ix_fee_history_gate_id_first_day", "fee_history", ["gate_id", "first_day"])


def downgrade() -> None:
    op.drop_table("fee_history")
    with op.batch_alter_table("history_import") as batch:
        batch.drop_column("kind")
