"""queue forecasts: hourly runs, their forecasts, observed queues, warnings to the board

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cuakhau.models.base

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = cuakhau.models.base.UtcDateTime(timezone=True)


def _direction() -> sa.Enum:
    return sa.Enum("export", "import_", name="direction", native_enum=False, length=16)


def upgrade() -> None:
    op.create_table(
        "forecast_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hour", UTC_TIME, nullable=False),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("finished_at", UTC_TIME, nullable=True),
        sa.Column("failure", sa.String(length=500), nullable=True),
        sa.Column("horizon_hours", sa.Integer(), nullable=False),
        sa.Column("replications", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_run")),
        sa.UniqueConstraint("hour", name=op.f("uq_forecast_run_hour")),
    )
    op.create_table(
        "queue_forecast",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column("direction", _direction(), nullable=False),
        sa.Column("starts_at", UTC_TIME, nullable=False),
        sa.Column("ends_at", UTC_TIME, nullable=False),
        sa.Column("queue_mean", sa.Float(), nullable=False),
        sa.Column("queue_low", sa.Float(), nullable=False),
        sa.Column("queue_high", sa.Float(), nullable=False),
        sa.Column("wait_mean_hours", sa.Float(), nullable=True),
        sa.Column("wait_low_hours", sa.Float(), nullable=True),
        sa.Column("wait_high_hours", sa.Float(), nullable=True),
        sa.Column("measured_at", UTC_TIME, nullable=True),
        sa.Column("observed_queue", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["gate_id"], ["gate.id"], name=op.f("fk_queue_forecast_gate_id_gate")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["forecast_run.id"], name=op.f("fk_queue_forecast_run_id_forecast_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_forecast")),
    )
    op.create_index(op.f("ix_queue_forecast_run_id"), "queue_forecast", ["run_id"])
    op.create_index(
        "ix_queue_forecast_gate_period", "queue_forecast", ["gate_id", "direction", "starts_at"]
    )
    op.create_index("ix_queue_forecast_unmeasured", "queue_forecast", ["measured_at", "ends_at"])
    op.create_table(
        "queue_observation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column("direction", _direction(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("trucks_waiting", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["gate_id"], ["gate.id"], name=op.f("fk_queue_observation_gate_id_gate")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_observation")),
    )
    op.create_index(
        "ix_queue_observation_gate_at", "queue_observation", ["gate_id", "direction", "at"]
    )
    op.create_table(
        "forecast_warning",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column("direction", _direction(), nullable=False),
        sa.Column("raised_at", UTC_TIME, nullable=False),
        sa.Column("reaches_on", sa.Date(), nullable=False),
        sa.Column("expected_queue", sa.Float(), nullable=False),
        sa.Column("cleared_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["gate_id"], ["gate.id"], name=op.f("fk_forecast_warning_gate_id_gate")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_warning")),
    )
    op.create_index(
        "ix_forecast_warning_open", "forecast_warning", ["gate_id", "direction", "cleared_at"]
    )
    # A notice to the board has no enterprise.
    with op.batch_alter_table("notification") as batch_op:
        batch_op.alter_column("enterprise_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM notification WHERE enterprise_id IS NULL")
    with op.batch_alter_table("notification") as batch_op:
        batch_op.alter_column("enterprise_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("forecast_warning")
    op.drop_table("queue_observation")
    op.drop_table("queue_forecast")
    op.drop_table("forecast_run")
