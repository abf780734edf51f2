"""forecast warning hour: the hour orange is first expected, beside its day

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-08 02:40:00.000000

Warnings raised before the forecasts were hourly keep only their day.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cuakhau.models.base

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("forecast_warning") as batch:
        batch.add_column(
            sa.Column("reaches_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("forecast_warning") as batch:
        batch.drop_column("reaches_at")
