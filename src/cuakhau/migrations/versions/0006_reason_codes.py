"""reason codes: the system's reasons for a move, and a hold's grounds, as codes

Until now a move's reason was kept as English words, and pages translated them
back by matching the words. A move now keeps the system's reason as a catalogue
code and its values (``crossings.reasons``), beside its English wording; a
crossing keeps the grounds of a hold as codes. Rows already written get their
codes from their words, with the patterns the pages used.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 10:20:00.000000
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The words the system wrote before this revision, and their codes.
GROUNDS = {"red channel: physical inspection": "inspection", "quarantine": "quarantine"}
# Most moves' words never varied: those rows are coded in one statement each.
CONSTANT = {
    "booked": "booked",
    "arrived": "arrived",
    "walk-in": "walk_in",
    "cancelled by the enterprise": "cancelled",
    "did not arrive": "no_show",
}
WORDS = (
    (r"called to gate (?P<gate>.+)", "called"),
    (r"plate read (?P<read>.+) \((?P<point>\w+)\)", "plate_read"),
    (r"declaration (?P<number>.+), (?P<channel>\w+) channel", "declared"),
    (r"(?P<channel>\w+) channel", "channel"),
    (r"by hand: (?P<reason>.*)", "by_hand"),
)


def coded(reason: str | None) -> tuple[str, dict[str, object]] | None:
    if not reason:
        return None
    if reason in CONSTANT:
        return CONSTANT[reason], {}
    grounds = reason.split("; ")
    if all(ground in GROUNDS for ground in grounds):
        return "held", {"grounds": [GROUNDS[ground] for ground in grounds]}
    for pattern, code in WORDS:
        matched = re.fullmatch(pattern, reason)
        if matched:
            return code, matched.groupdict()
    return None


def upgrade() -> None:
    # Plain ALTER TABLE, on SQLite too: a batch copy of ``crossing`` would have to
    # drop the table every other table refers to.
    op.add_column("crossing_move", sa.Column("reason_code", sa.String(length=32), nullable=True))
    op.add_column(
        "crossing_move", sa.Column("reason_params", sa.JSON(none_as_null=True), nullable=True)
    )
    op.add_column("crossing", sa.Column("hold_grounds", sa.JSON(none_as_null=True), nullable=True))

    moves = sa.table(
        "crossing_move",
        sa.column("id", sa.Integer),
        sa.column("reason", sa.String),
        sa.column("reason_code", sa.String),
        sa.column("reason_params", sa.JSON(none_as_null=True)),
    )
    crossings = sa.table(
        "crossing",
        sa.column("id", sa.Integer),
        sa.column("hold_reason", sa.String),
        sa.column("hold_grounds", sa.JSON(none_as_null=True)),
    )
    connection = op.get_bind()
    for words, code in CONSTANT.items():
        connection.execute(
            moves.update().where(moves.c.reason == words).values(reason_code=code, reason_params={})
        )
    varied = sa.select(moves.c.id, moves.c.reason).where(
        moves.c.reason.is_not(None), moves.c.reason.not_in(list(CONSTANT))
    )
    for move_id, reason in connection.execute(varied).all():
        found = coded(reason)
        if found is not None:
            code, params = found
            connection.execute(
                moves.update()
                .where(moves.c.id == move_id)
                .values(reason_code=code, reason_params=params)
            )
    held = sa.select(crossings.c.id, crossings.c.hold_reason).where(
        crossings.c.hold_reason.is_not(None)
    )
    for crossing_id, hold_reason in connection.execute(held).all():
        found = coded(hold_reason)
        if found is not None and found[0] == "held":
            connection.execute(
                crossings.update()
                .where(crossings.c.id == crossing_id)
                .values(hold_grounds=found[1]["grounds"])
            )


def downgrade() -> None:
    op.drop_column("crossing", "hold_grounds")
    op.drop_column("crossing_move", "reason_params")
    op.drop_column("crossing_move", "reason_code")
