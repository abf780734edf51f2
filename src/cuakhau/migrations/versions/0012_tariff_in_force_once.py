"""tariff lines in force once: PostgreSQL refuses two versions of a line on one day

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 14:20:00.000000
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite takes one writer at a time (BEGIN IMMEDIATE): the service's check holds there.
    if op.get_bind().dialect.name != "postgresql":
        return
    # Lines stored by racing requests before this constraint: ending them here
    # would rewrite prices, so a person chooses which version stays.
    overlapping = (
        op.get_bind()
        .execute(
            text(
                "SELECT a.code, a.id, b.id FROM tariff a JOIN tariff b"
                " ON a.code = b.code AND a.id < b.id"
                " AND daterange(a.effective_from, a.effective_to, '[]')"
                " && daterange(b.effective_from, b.effective_to, '[]')"
                " ORDER BY a.code, a.id, b.id"
            )
        )
        .all()
    )
    if overlapping:
        pairs = ", ".join(f"{code}: {first} and {second}" for code, first, second in overlapping)
        raise RuntimeError(
            "tariff lines in force on the same days (code: ids); end or delete one of each"
            f" pair, then upgrade again: {pairs}"
        )
    # Trusted since PostgreSQL 13: the database's owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.execute(
        "ALTER TABLE tariff ADD CONSTRAINT ex_tariff_in_force_once"
        " EXCLUDE USING gist (code WITH =, daterange(effective_from, effective_to, '[]') WITH &&)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # btree_gist stays: other objects of the database may use it.
    op.execute("ALTER TABLE tariff DROP CONSTRAINT ex_tariff_in_force_once")
