"""trade statistics: what is counted (countries, vehicle kind, voided receipts) and the daily rollups

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 16:40:00.000000

Existing rows: cargo lines get the direction's countries (export VN → CN,
import CN → VN), crossed crossings their truck's kind, receipts their truck's
class. The rollups start empty: run ``cuakhau statistics rebuild`` once after
upgrading a database that already has crossings.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
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
VEHICLE_KIND = sa.Enum(
    "truck",
    "refrigerated_truck",
    "tractor_unit",
    "tanker",
    "van",
    name="vehiclekind",
    native_enum=False,
    length=32,
)
VEHICLE_CLASS = sa.Enum(
    "small", "truck", "container", name="vehicleclass", native_enum=False, length=16
)
FEE_KIND = sa.Enum("infrastructure", "yard", name="feekind", native_enum=False, length=16)
# models.enums.VEHICLE_CLASS_OF_KIND as it stood at this revision.
CLASS_OF_KIND = (
    "CASE vehicle.kind WHEN 'tractor_unit' THEN 'container' WHEN 'van' THEN 'small'"
    " ELSE 'truck' END"
)


def _grain(*columns: sa.Column) -> list[sa.Column]:
    return [
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("gate_id", sa.Integer(), sa.ForeignKey("gate.id"), nullable=False),
        *columns,
    ]


def upgrade() -> None:
    op.add_column("crossing", sa.Column("vehicle_kind", VEHICLE_KIND, nullable=True))
    op.create_index("ix_crossing_crossed_at", "crossing", ["crossed_at"], unique=False)
    op.execute(
        "UPDATE crossing SET vehicle_kind ="
        " (SELECT vehicle.kind FROM vehicle WHERE vehicle.id = crossing.vehicle_id)"
        " WHERE state IN ('crossed', 'returned')"
    )

    with op.batch_alter_table("cargo_line") as batch:
        batch.add_column(sa.Column("origin_country", sa.String(2), nullable=True))
        batch.add_column(sa.Column("destination_country", sa.String(2), nullable=True))
    op.execute(
        "UPDATE cargo_line SET origin_country = 'VN', destination_country = 'CN'"
        " WHERE crossing_id IN (SELECT id FROM crossing WHERE direction = 'export')"
    )
    op.execute(
        "UPDATE cargo_line SET origin_country = 'CN', destination_country = 'VN'"
        " WHERE origin_country IS NULL"
    )
    with op.batch_alter_table("cargo_line") as batch:
        batch.alter_column("origin_country", existing_type=sa.String(2), nullable=False)
        batch.alter_column("destination_country", existing_type=sa.String(2), nullable=False)

    with op.batch_alter_table("receipt") as batch:
        batch.add_column(sa.Column("vehicle_class", VEHICLE_CLASS, nullable=True))
        batch.add_column(sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("void_reason", sa.String(300), nullable=True))
        batch.drop_constraint("uq_receipt_crossing_id", type_="unique")
    op.execute(
        f"UPDATE receipt SET vehicle_class = (SELECT {CLASS_OF_KIND} FROM crossing"
        " JOIN vehicle ON vehicle.id = crossing.vehicle_id WHERE crossing.id = receipt.crossing_id)"
    )
    with op.batch_alter_table("receipt") as batch:
        batch.alter_column("vehicle_class", existing_type=VEHICLE_CLASS, nullable=False)
    op.create_index(
        "uq_receipt_crossing_in_force",
        "receipt",
        ["crossing_id"],
        unique=True,
        sqlite_where=sa.text("voided_at IS NULL"),
        postgresql_where=sa.text("voided_at IS NULL"),
    )

    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("gate_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_user_account_gate_id_gate"), "gate", ["gate_id"], ["id"]
        )

    op.create_table(
        "trade_day",
        *_grain(
            sa.Column("direction", DIRECTION, nullable=False),
            sa.Column("regime", REGIME, nullable=False),
            sa.Column("hs_heading", sa.String(4), nullable=False),
            sa.Column(
                "enterprise_id", sa.Integer(), sa.ForeignKey("enterprise.id"), nullable=False
            ),
            sa.Column("origin_country", sa.String(2), nullable=False),
            sa.Column("destination_country", sa.String(2), nullable=False),
            sa.Column("perishable", sa.Boolean(), nullable=False),
            sa.Column("vehicle_kind", VEHICLE_KIND, nullable=False),
            sa.Column("value_usd_cents", sa.BigInteger(), nullable=False),
            sa.Column("weight_kg", sa.BigInteger(), nullable=False),
            sa.Column("packages", sa.BigInteger(), nullable=False),
            sa.Column("lines", sa.BigInteger(), nullable=False),
            sa.Column("shipments", sa.BigInteger(), nullable=False),
        ),
        sa.PrimaryKeyConstraint(
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
            name=op.f("pk_trade_day"),
        ),
    )
    op.create_table(
        "vehicle_day",
        *_grain(
            sa.Column("direction", DIRECTION, nullable=False),
            sa.Column("regime", REGIME, nullable=False),
            sa.Column(
                "enterprise_id", sa.Integer(), sa.ForeignKey("enterprise.id"), nullable=False
            ),
            sa.Column("vehicle_kind", VEHICLE_KIND, nullable=False),
            sa.Column("perishable", sa.Boolean(), nullable=False),
            sa.Column("vehicles", sa.BigInteger(), nullable=False),
            sa.Column("shipments", sa.BigInteger(), nullable=False),
        ),
        sa.PrimaryKeyConstraint(
            "day",
            "gate_id",
            "direction",
            "regime",
            "enterprise_id",
            "vehicle_kind",
            "perishable",
            name=op.f("pk_vehicle_day"),
        ),
    )
    op.create_table(
        "fee_day",
        *_grain(
            sa.Column("vehicle_class", VEHICLE_CLASS, nullable=False),
            sa.Column("kind", FEE_KIND, nullable=False),
            sa.Column("amount_vnd", sa.BigInteger(), nullable=False),
            sa.Column("fees", sa.BigInteger(), nullable=False),
        ),
        sa.PrimaryKeyConstraint("day", "gate_id", "vehicle_class", "kind", name=op.f("pk_fee_day")),
    )


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_constraint("fk_user_account_gate_id_gate", type_="foreignkey")
        batch.drop_column("gate_id")
    op.drop_table("fee_day")
    op.drop_table("vehicle_day")
    op.drop_table("trade_day")
    op.drop_index("uq_receipt_crossing_in_force", table_name="receipt")
    # Voided receipts go (a crossing may have several), so that one per crossing holds again.
    op.execute(
        "DELETE FROM fee WHERE receipt_id IN (SELECT id FROM receipt WHERE voided_at IS NOT NULL)"
    )
    op.execute("DELETE FROM receipt WHERE voided_at IS NOT NULL")
    with op.batch_alter_table("receipt") as batch:
        batch.create_unique_constraint("uq_receipt_crossing_id", ["crossing_id"])
        batch.drop_column("void_reason")
        batch.drop_column("voided_at")
        batch.drop_column("vehicle_class")
    with op.batch_alter_table("cargo_line") as batch:
        batch.drop_column("destination_country")
        batch.drop_column("origin_country")
    op.execute("UPDATE crossing SET regime = 'transit' WHERE regime = 'border_resident'")
    op.drop_index("ix_crossing_crossed_at", table_name="crossing")
    with op.batch_alter_table("crossing") as batch:
        batch.drop_column("vehicle_kind")
