"""zone contact: where investors and carriers reach the management board

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 08:25:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("office_address", 300), ("phone", 32), ("email", 200), ("website", 200))


def upgrade() -> None:
    with op.batch_alter_table("zone") as batch:
        for name, length in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("zone") as batch:
        for name, _length in reversed(COLUMNS):
            batch.drop_column(name)
