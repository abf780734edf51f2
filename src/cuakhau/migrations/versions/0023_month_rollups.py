"""month rollups: the day rollups regrouped by month, without the enterprise or without the lines' details

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-08 01:20:00.000000

Filled from the day rollups already there, so the reports agree the moment
the upgrade ends.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str, length: int = 16) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length)


# The enums as they stand at this revision.
KEYS = {
    "month": lambda: sa.Column("month", sa.Date(), nullable=False),
    "enterprise_id": lambda: sa.Column(
        "enterprise_id", sa.Integer(), sa.ForeignKey("enterprise.id"), nullable=False
    ),
    "gate_id": lambda: sa.Column("gate_id", sa.Integer(), sa.ForeignKey("gate.id"), nullable=False),
    "direction": lambda: sa.Column(
        "direction", _enum("direction", "export", "import_"), nullable=False
    ),
    "regime": lambda: sa.Column(
        "regime",
        _enum("regime", "export", "import_", "re_export", "transit", "border_resident"),
        nullable=False,
    ),
    "hs_heading": lambda: sa.Column("hs_heading", sa.String(4), nullable=False),
    "origin_country": lambda: sa.Column("origin_country", sa.String(2), nullable=False),
    "destination_country": lambda: sa.Column("destination_country", sa.String(2), nullable=False),
    "perishable": lambda: sa.Column("perishable", sa.Boolean(), nullable=False),
    "vehicle_kind": lambda: sa.Column(
        "vehicle_kind",
        _enum(
            "vehiclekind",
            "truck",
            "refrigerated_truck",
            "tractor_unit",
            "tanker",
            "van",
            length=32,
        ),
        nullable=False,
    ),
    "handover_mode": lambda: sa.Column(
        "handover_mode",
        _enum("handovermode", "drive_through", "trailer_swap", "transload"),
        nullable=False,
    ),
}
TRADE = ("value_usd_cents", "weight_kg", "packages", "lines")
VEHICLE = ("vehicles", "shipments")
# table: (the day rollup it regroups, its keys, its measures); an enterprise's
# rollup has the enterprise first, so that one enterprise's months are one
# range of the key.
MONTH_ROLLUPS = {
    "trade_month": (
        "trade_day",
        (
            "month",
            "gate_id",
            "direction",
            "regime",
            "hs_heading",
            "origin_country",
            "destination_country",
            "perishable",
            "vehicle_kind",
            "handover_mode",
        ),
        TRADE,
    ),
    "trade_enterprise_month": (
        "trade_day",
        (
            "enterprise_id",
            "month",
            "gate_id",
            "direction",
            "regime",
            "vehicle_kind",
            "handover_mode",
        ),
        TRADE,
    ),
    "vehicle_month": (
        "vehicle_day",
        ("month", "gate_id", "direction", "regime", "vehicle_kind", "perishable", "handover_mode"),
        VEHICLE,
    ),
    "vehicle_enterprise_month": (
        "vehicle_day",
        (
            "enterprise_id",
            "month",
            "gate_id",
            "direction",
            "regime",
            "vehicle_kind",
            "perishable",
            "handover_mode",
        ),
        VEHICLE,
    ),
}


def upgrade() -> None:
    month = (
        "date_trunc('month', day)::date"
        if op.get_bind().dialect.name == "postgresql"
        else "date(day, 'start of month')"
    )
    for table, (day_rollup, keys, measures) in MONTH_ROLLUPS.items():
        op.create_table(
            table,
            *(KEYS[key]() for key in keys),
            *(sa.Column(name, sa.BigInteger(), nullable=False) for name in measures),
            sa.PrimaryKeyConstraint(*keys, name=op.f(f"pk_{table}")),
        )
        grain = ", ".join(month if key == "month" else key for key in keys)
        sums = ", ".join(f"sum({name})" for name in measures)
        op.execute(
            f"INSERT INTO {table} ({', '.join(keys)}, {', '.join(measures)})"
            f" SELECT {grain}, {sums} FROM {day_rollup} GROUP BY {grain}"
        )


def downgrade() -> None:
    for table in reversed(MONTH_ROLLUPS):
        op.drop_table(table)
