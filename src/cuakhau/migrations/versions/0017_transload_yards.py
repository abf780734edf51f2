"""transload yards: bays, stevedore shifts, their hours, and transloads

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _stamps() -> list[sa.Column]:
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def _hours(name: str, owner: str, owner_table: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(owner, sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "booked >= 0 AND booked <= capacity", name=op.f(f"ck_{name}_booked_range")
        ),
        sa.ForeignKeyConstraint(
            [owner], [f"{owner_table}.id"], name=op.f(f"fk_{name}_{owner}_{owner_table}")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint(owner, "starts_at", name=op.f(f"uq_{name}_{owner}")),
    )


def upgrade() -> None:
    with op.batch_alter_table("yard") as batch:
        batch.add_column(
            sa.Column("is_transshipment", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "transload_bay",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("yard_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("ordinary", "cold", name="baykind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("rate", sa.Integer(), nullable=False),
        sa.Column(
            "rate_unit",
            sa.Enum("tonne", "container", name="rateunit", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.CheckConstraint("capacity >= 1", name=op.f("ck_transload_bay_capacity_positive")),
        sa.CheckConstraint("rate >= 1", name=op.f("ck_transload_bay_rate_positive")),
        sa.ForeignKeyConstraint(
            ["yard_id"], ["yard.id"], name=op.f("fk_transload_bay_yard_id_yard")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transload_bay")),
        sa.UniqueConstraint("yard_id", "code", name=op.f("uq_transload_bay_yard_id")),
    )
    op.create_index(op.f("ix_transload_bay_yard_id"), "transload_bay", ["yard_id"])
    op.create_table(
        "stevedore_shift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("yard_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.Column("teams", sa.Integer(), nullable=False),
        *_stamps(),
        sa.CheckConstraint("teams >= 0", name=op.f("ck_stevedore_shift_teams_non_negative")),
        sa.ForeignKeyConstraint(
            ["yard_id"], ["yard.id"], name=op.f("fk_stevedore_shift_yard_id_yard")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stevedore_shift")),
        sa.UniqueConstraint("yard_id", "starts_at", name=op.f("uq_stevedore_shift_yard_id")),
    )
    op.create_index(op.f("ix_stevedore_shift_yard_id"), "stevedore_shift", ["yard_id"])
    _hours("bay_hour", "bay_id", "transload_bay")
    _hours("stevedore_hour", "yard_id", "yard")
    states = ("booked", "arrived", "started", "unloaded", "finished", "cancelled", "no_show")
    moments = (
        "in_zone_since",
        "arrived_at",
        "started_at",
        "unloaded_at",
        "finished_at",
        "ended_at",
    )
    counts = ("packages_in", "weight_in_kg", "packages_out", "weight_out_kg")
    op.create_table(
        "transload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("yard_id", sa.Integer(), nullable=False),
        sa.Column("bay_id", sa.Integer(), nullable=False),
        sa.Column("crossing_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("inbound_plate", sa.String(length=32), nullable=False),
        sa.Column("outbound_plate", sa.String(length=32), nullable=True),
        sa.Column("cargo", sa.String(length=200), nullable=False),
        sa.Column("perishable", sa.Boolean(), nullable=False),
        sa.Column("weight_kg", sa.Integer(), nullable=False),
        sa.Column("containers", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(*states, name="transloadstate", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        *(sa.Column(name, sa.DateTime(timezone=True), nullable=True) for name in moments),
        *(sa.Column(name, sa.Integer(), nullable=True) for name in counts),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hold_released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hold_release_reason", sa.String(length=300), nullable=True),
        *_stamps(),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_transload_slot_order")),
        sa.ForeignKeyConstraint(["yard_id"], ["yard.id"], name=op.f("fk_transload_yard_id_yard")),
        sa.ForeignKeyConstraint(
            ["bay_id"], ["transload_bay.id"], name=op.f("fk_transload_bay_id_transload_bay")
        ),
        sa.ForeignKeyConstraint(
            ["crossing_id"], ["crossing.id"], name=op.f("fk_transload_crossing_id_crossing")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_transload_enterprise_id_enterprise")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transload")),
    )
    op.create_index("ix_transload_bay_starts", "transload", ["bay_id", "starts_at"])
    for column in ("yard_id", "crossing_id", "enterprise_id"):
        op.create_index(op.f(f"ix_transload_{column}"), "transload", [column])


def downgrade() -> None:
    op.drop_table("transload")
    op.drop_table("stevedore_hour")
    op.drop_table("bay_hour")
    op.drop_table("stevedore_shift")
    op.drop_table("transload_bay")
    with op.batch_alter_table("yard") as batch:
        batch.drop_column("is_transshipment")
