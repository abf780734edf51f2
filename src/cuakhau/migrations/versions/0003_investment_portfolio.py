"""investment portfolio

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 04:56:39.330091
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cuakhau.models.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "investment_project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_vi", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=True),
        sa.Column("foreign_invested", sa.Boolean(), nullable=False),
        sa.Column(
            "sector",
            sa.Enum(
                "zone_infrastructure",
                "yard",
                "trade_services",
                "logistics_warehousing",
                "manufacturing",
                "urban_other",
                name="sector",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "area",
            sa.Enum(
                "goods_transshipment_zone",
                "export_processing_zone_1",
                "non_tariff_zone",
                "industrial_zone",
                "gate_area",
                "urban_area",
                "other",
                name="area",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("land_area_ha", sa.Numeric(precision=12, scale=4), nullable=False),
        sa.Column("certificate_no", sa.String(length=64), nullable=False),
        sa.Column("certificate_date", sa.Date(), nullable=False),
        sa.Column("usd_rate", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("is_key", sa.Boolean(), nullable=False),
        sa.Column("is_illustrative", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            cuakhau.models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            cuakhau.models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(foreign_invested AND usd_rate > 0) OR (NOT foreign_invested AND usd_rate IS NULL)",
            name=op.f("ck_investment_project_usd_rate_for_fdi"),
        ),
        sa.CheckConstraint(
            "land_area_ha >= 0", name=op.f("ck_investment_project_land_area_non_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investment_project")),
        sa.UniqueConstraint("code", name=op.f("uq_investment_project_code")),
    )
    op.create_table(
        "investment_amendment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "registered",
                "capital_adjusted",
                "status_changed",
                "investors_replaced",
                "disbursement_reported",
                "milestone_planned",
                "milestone_reached",
                name="amendmentkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("capital_vnd", sa.BigInteger(), nullable=True),
        sa.Column("capital_usd", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "valid",
                "suspended",
                "terminated",
                "completed",
                name="projectstatus",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("disbursed_vnd", sa.BigInteger(), nullable=True),
        sa.Column(
            "milestone",
            sa.Enum(
                "land_handed_over",
                "construction_started",
                "in_operation",
                name="milestone",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("document_no", sa.String(length=64), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("recorded_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind <> 'disbursement_reported' OR disbursed_vnd IS NOT NULL",
            name=op.f("ck_investment_amendment_disbursed_given"),
        ),
        sa.CheckConstraint(
            "kind <> 'milestone_planned' OR planned_on IS NOT NULL",
            name=op.f("ck_investment_amendment_planned_on_given"),
        ),
        sa.CheckConstraint(
            "kind NOT IN ('milestone_planned', 'milestone_reached') OR milestone IS NOT NULL",
            name=op.f("ck_investment_amendment_milestone_given"),
        ),
        sa.CheckConstraint(
            "kind NOT IN ('registered', 'capital_adjusted') OR capital_vnd IS NOT NULL",
            name=op.f("ck_investment_amendment_capital_given"),
        ),
        sa.CheckConstraint(
            "kind NOT IN ('registered', 'status_changed') OR status IS NOT NULL",
            name=op.f("ck_investment_amendment_status_given"),
        ),
        sa.CheckConstraint(
            "capital_usd IS NULL OR capital_usd >= 0",
            name=op.f("ck_investment_amendment_usd_non_negative"),
        ),
        sa.CheckConstraint(
            "capital_vnd IS NULL OR capital_vnd >= 0",
            name=op.f("ck_investment_amendment_capital_non_negative"),
        ),
        sa.CheckConstraint(
            "disbursed_vnd IS NULL OR disbursed_vnd >= 0",
            name=op.f("ck_investment_amendment_disbursed_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["investment_project.id"],
            name=op.f("fk_investment_amendment_project_id_investment_project"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investment_amendment")),
    )
    with op.batch_alter_table("investment_amendment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_investment_amendment_effective_on"), ["effective_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_investment_amendment_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "investor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_vi", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("tax_code", sa.String(length=14), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("is_illustrative", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            cuakhau.models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            cuakhau.models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_investor_enterprise_id_enterprise")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investor")),
        sa.UniqueConstraint("code", name=op.f("uq_investor_code")),
        sa.UniqueConstraint("tax_code", name=op.f("uq_investor_tax_code")),
    )
    with op.batch_alter_table("investor", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_investor_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "amendment_investor",
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column("investor_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["amendment_id"],
            ["investment_amendment.id"],
            name=op.f("fk_amendment_investor_amendment_id_investment_amendment"),
        ),
        sa.ForeignKeyConstraint(
            ["investor_id"],
            ["investor.id"],
            name=op.f("fk_amendment_investor_investor_id_investor"),
        ),
        sa.PrimaryKeyConstraint("amendment_id", "investor_id", name=op.f("pk_amendment_investor")),
    )


def downgrade() -> None:
    op.drop_table("amendment_investor")
    with op.batch_alter_table("investor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_investor_enterprise_id"))

    op.drop_table("investor")
    with op.batch_alter_table("investment_amendment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_investment_amendment_project_id"))
        batch_op.drop_index(batch_op.f("ix_investment_amendment_effective_on"))

    op.drop_table("investment_amendment")
    op.drop_table("investment_project")
