"""counterpart gate: the other side's system, its signed messages

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 16:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "counterpart",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("key_salt", sa.String(length=64), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("applied_through", sa.Integer(), nullable=False),
        sa.Column("last_heard_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(["gate_id"], ["gate.id"], name=op.f("fk_counterpart_gate_id_gate")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counterpart")),
        sa.UniqueConstraint("key_id", name=op.f("uq_counterpart_key_id")),
    )
    op.create_index(op.f("ix_counterpart_gate_id"), "counterpart", ["gate_id"])
    op.create_table(
        "counterpart_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counterpart_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("body_digest", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["counterpart_id"],
            ["counterpart.id"],
            name=op.f("fk_counterpart_message_counterpart_id_counterpart"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counterpart_message")),
        sa.UniqueConstraint("counterpart_id", "message_id", name="message_id_once"),
        sa.UniqueConstraint("counterpart_id", "sequence", name="sequence_once"),
    )
    with op.batch_alter_table("capacity_override") as batch:
        batch.add_column(sa.Column("counterpart_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_capacity_override_counterpart_id_counterpart"),
            "counterpart",
            ["counterpart_id"],
            ["id"],
        )
    op.create_index(
        "ix_counterpart_message_waiting", "counterpart_message", ["counterpart_id", "applied_at"]
    )


def downgrade() -> None:
    with op.batch_alter_table("capacity_override") as batch:
        batch.drop_constraint(
            op.f("fk_capacity_override_counterpart_id_counterpart"), type_="foreignkey"
        )
        batch.drop_column("counterpart_id")
    op.drop_index("ix_counterpart_message_waiting", table_name="counterpart_message")
    op.drop_table("counterpart_message")
    op.drop_index(op.f("ix_counterpart_gate_id"), table_name="counterpart")
    op.drop_table("counterpart")
