"""trade history: figures imported from before cuakhau, and the first measured day per gate

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIRECTION = sa.Enum("export", "import_", name="direction", native_enum=False, length=16)
REGIME = sa.Enum(
    "export",
    "import_",
    "re_export",
    "transit",
    "border_resident",
    name="regime",
    native_enum=False,
    length=16,
)


def upgrade() -> None:
    op.create_table(
        "history_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("figures", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["imported_by_id"],
            ["user_account.id"],
            name=op.f("fk_history_import_imported_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history_import")),
    )
    op.create_table(
        "trade_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column("direction", DIRECTION, nullable=False),
        sa.Column("regime", REGIME, nullable=False),
        sa.Column("hs_code", sa.String(10), nullable=False),
        sa.Column("hs_heading", sa.String(4), nullable=False),
        sa.Column("value_usd_cents", sa.BigInteger(), nullable=False),
        sa.Column("weight_kg", sa.BigInteger(), nullable=False),
        sa.Column("vehicles", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["history_import.id"],
            name=op.f("fk_trade_history_import_id_history_import"),
        ),
        sa.ForeignKeyConstraint(
            ["gate_id"], ["gate.id"], name=op.f("fk_trade_history_gate_id_gate")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trade_history")),
    )
    op.create_index("ix_trade_history_import_id", "trade_history", ["import_id"])
    op.create_index("ix_trade_history_gate_id_first_day", "trade_history", ["gate_id", "first_day"])
    op.create_index("ix_vehicle_day_gate_id_day", "vehicle_day", ["gate_id", "day"])


def downgrade() -> None:
    op.drop_index("ix_vehicle_day_gate_id_day", table_name="vehicle_day")
    op.drop_table("trade_history")
    op.drop_table("history_import")
