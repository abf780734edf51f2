"""the board's rollups count by handover mode: trade_day and vehicle_day gain
the crossing's mode in their grain (the rows there are are drive-through);
trade_history's figures may say theirs

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 22:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each rollup's grain before the mode; the rollups' upsert (ON CONFLICT) needs
# the whole grain, the mode with it, as the primary key.
_GRAINS = {
    "trade_day": [
        "day",
        "gate_id",
        "direction",
        "regime",
        "hs_heading",
        "enterprise_id",
        "origin_country",
        "destination_country",
        "perishable",
        "vehicle_kind",
    ],
    "vehicle_day": [
        "day",
        "gate_id",
        "direction",
        "regime",
        "enterprise_id",
        "vehicle_kind",
        "perishable",
    ],
}


def _mode() -> sa.Enum:
    return sa.Enum(
        "drive_through",
        "trailer_swap",
        "transload",
        name="handovermode",
        native_enum=False,
        length=16,
    )


def upgrade() -> None:
    for table, grain in _GRAINS.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("handover_mode", _mode(), server_default="drive_through", nullable=False)
            )
            batch.drop_constraint(f"pk_{table}", type_="primary")
            batch.create_primary_key(f"pk_{table}", [*grain, "handover_mode"])
    with op.batch_alter_table("trade_history") as batch:
        batch.add_column(sa.Column("handover_mode", _mode(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("trade_history") as batch:
        batch.drop_column("handover_mode")
    # The mode's cells of one grain are added together again.
    for table, grain in _GRAINS.items():
        measures = (
            ["value_usd_cents", "weight_kg", "packages", "lines", "shipments"]
            if table == "trade_day"
            else ["vehicles", "shipments"]
        )
        columns = ", ".join(grain)
        sums = ", ".join(f"SUM({name}) AS {name}" for name in measures)
        op.execute(
            f"CREATE TABLE {table}_merged AS "
            f"SELECT {columns}, {sums} FROM {table} GROUP BY {columns}"
        )
        op.execute(f"DELETE FROM {table}")
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"pk_{table}", type_="primary")
            batch.drop_column("handover_mode")
            batch.create_primary_key(f"pk_{table}", grain)
        op.execute(
            f"INSERT INTO {table} ({columns}, {', '.join(measures)}) SELECT * FROM {table}_merged"
        )
        op.drop_table(f"{table}_merged")
