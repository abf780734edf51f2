"""handover modes: drive-through, trailer swap, transload; trailers in yards,
transfer drivers on duty, where each move happened

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 19:30:00.000000

The booking's functions read the new rule (``handover_offered``) and write the
crossing's mode: ``migrations/env.py`` installs this code's functions once the
schema reaches its head, as after every earlier migration.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PLACES = ("gate", "yard")
_OFFERS = (
    ("offers_drive_through", sa.true()),
    ("offers_trailer_swap", sa.false()),
    ("offers_transload", sa.false()),
)


def upgrade() -> None:
    for table in _PLACES:
        with op.batch_alter_table(table) as batch:
            for column, default in _OFFERS:
                batch.add_column(
                    sa.Column(column, sa.Boolean(), server_default=default, nullable=False)
                )
    with op.batch_alter_table("crossing") as batch:
        batch.add_column(
            sa.Column(
                "handover_mode",
                sa.Enum(
                    "drive_through",
                    "trailer_swap",
                    "transload",
                    name="handovermode",
                    native_enum=False,
                    length=16,
                ),
                server_default="drive_through",
                nullable=False,
            )
        )
        batch.add_column(sa.Column("handover_reason", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("outbound_plate", sa.String(length=16), nullable=True))
    with op.batch_alter_table("crossing_move") as batch:
        batch.add_column(sa.Column("yard_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_crossing_move_yard_id_yard"), "yard", ["yard_id"], ["id"])
    op.create_table(
        "trailer_stay",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trailer_plate", sa.String(length=16), nullable=False),
        sa.Column("crossing_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("yard_id", sa.Integer(), nullable=False),
        sa.Column(
            "waits_for",
            sa.Enum(
                "transfer_driver", "hand_back", name="trailerwait", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("is_loaded", sa.Boolean(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["crossing_id"], ["crossing.id"], name=op.f("fk_trailer_stay_crossing_id_crossing")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_trailer_stay_enterprise_id_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["yard_id"], ["yard.id"], name=op.f("fk_trailer_stay_yard_id_yard")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trailer_stay")),
    )
    op.create_index("ix_trailer_stay_open", "trailer_stay", ["yard_id", "left_at"])
    op.create_index(op.f("ix_trailer_stay_crossing_id"), "trailer_stay", ["crossing_id"])
    op.create_index(op.f("ix_trailer_stay_trailer_plate"), "trailer_stay", ["trailer_plate"])
    op.create_table(
        "transfer_shift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column(
            "side",
            sa.Enum("ours", "theirs", name="side", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("drivers", sa.Integer(), nullable=False),
        sa.CheckConstraint("drivers >= 0", name=op.f("ck_transfer_shift_drivers_non_negative")),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_transfer_shift_shift_order")),
        sa.ForeignKeyConstraint(
            ["gate_id"], ["gate.id"], name=op.f("fk_transfer_shift_gate_id_gate")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_shift")),
    )
    op.create_index("ix_transfer_shift_gate", "transfer_shift", ["gate_id", "starts_at"])


def downgrade() -> None:
    op.drop_index("ix_transfer_shift_gate", table_name="transfer_shift")
    op.drop_table("transfer_shift")
    op.drop_index(op.f("ix_trailer_stay_trailer_plate"), table_name="trailer_stay")
    op.drop_index(op.f("ix_trailer_stay_crossing_id"), table_name="trailer_stay")
    op.drop_index("ix_trailer_stay_open", table_name="trailer_stay")
    op.drop_table("trailer_stay")
    with op.batch_alter_table("crossing_move") as batch:
        batch.drop_constraint(op.f("fk_crossing_move_yard_id_yard"), type_="foreignkey")
        batch.drop_column("yard_id")
    with op.batch_alter_table("crossing") as batch:
        batch.drop_column("outbound_plate")
        batch.drop_column("handover_reason")
        batch.drop_column("handover_mode")
    for table in _PLACES:
        with op.batch_alter_table(table) as batch:
            for column, _ in _OFFERS:
                batch.drop_column(column)
