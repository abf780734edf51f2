"""``cuakhau statistics rebuild`` puts right rollups that no longer match the raw rows."""

from datetime import UTC, datetime

from sqlalchemy import delete, update
from typer.testing import CliRunner

from cuakhau.cli.app import app
from cuakhau.crossings.states import move
from cuakhau.models import FeeDay, TradeDay
from cuakhau.models.enums import CrossingState
from tests.conftest import Database
from tests.factories import make_called_crossing, make_enterprise, make_open_gate, make_tariff
from tests.statistics.straight import rolled_up, straight

BOOKED_AT = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)


def test_rebuild_recomputes_every_rollup_over_months(db: Database, database_url: str):
    with db.write() as session:
        gate = make_open_gate(session)
        firm = make_enterprise(session)
        make_tariff(session, amount_vnd=250_000)
        # Crossed in three months, one of them a year apart.
        for moment in ("2026-12-08T03:00", "2027-01-31T18:00", "2027-12-31T16:59"):
            crossing = make_called_crossing(session, firm, gate, now=BOOKED_AT)
            at = datetime.fromisoformat(moment).replace(tzinfo=UTC)
            move(session, crossing, CrossingState.crossed, at=at)
    with db.write() as session:
        assert rolled_up(session) == straight(session)
        # Figures gone wrong (a hand-made change, a bug since fixed).
        session.execute(delete(FeeDay))
        session.execute(update(TradeDay).values(value_usd_cents=1))
        assert rolled_up(session) != straight(session)

    result = CliRunner().invoke(
        app, ["statistics", "rebuild"], env={"CUAKHAU_DATABASE_URL": database_url}
    )

    assert result.exit_code == 0, result.output
    # Two day rollups of crossings, one of receipts and four month rollups,
    # over Dec 2026 … Dec 2027: 13 months each.
    assert "in 91 steps" in result.output
    assert "trade_day 3, vehicle_day 3, fee_day 3, trade_month 3" in result.output
    with db.write() as session:
        assert rolled_up(session) == straight(session)
