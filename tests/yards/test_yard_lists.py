"""Which yards a user works in, and who has over-stayed: the lists the yard page shows."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cuakhau.models import YardVisit
from cuakhau.models.enums import Role
from cuakhau.yards.visits import CheckIn, check_in, check_out, overstaying, visible_yards
from tests.conftest import Database
from tests.factories import make_enterprise, make_gate, make_user, make_vehicle, make_yard

NOW = datetime(2026, 12, 8, 5, 0, tzinfo=UTC)


@pytest.fixture
def yards(db: Database) -> Any:
    with db.write() as session:
        gate = make_gate(session, holiday_calendars=[])
        own, other = (make_enterprise(session, roles=["yard_operator"]) for _ in range(2))
        mine = make_yard(session, gate, own, code="B-MINE")
        theirs = make_yard(session, gate, other, code="A-THEIRS")
        closed = make_yard(session, gate, own, code="C-CLOSED")
        closed.is_active = False
        operator = make_user(session, Role.yard_operator, enterprise=own)
        officer = make_user(session, Role.gate_officer)
        firm = make_enterprise(session)
        plates = [make_vehicle(session, firm).plate for _ in range(4)]
        return mine, theirs, operator, officer, plates


def test_an_operator_works_in_its_own_active_yards_and_officers_in_all(db: Database, yards: Any):
    mine, theirs, operator, officer, _ = yards
    with db.write() as session:
        assert [y.code for y in visible_yards(session, operator)] == [mine.code]
        assert [y.code for y in visible_yards(session, officer)] == [theirs.code, mine.code]


def test_overstaying_lists_trucks_past_the_threshold_longest_first(db: Database, yards: Any):
    mine, theirs, _, _, plates = yards
    # Checked in 30, 2 and 50 hours ago, and one 40 hours ago that has left.
    ages = {plates[0]: 30, plates[1]: 2, plates[2]: 50, plates[3]: 40}
    with db.write() as session:
        for plate, hours in ages.items():
            check_in(session, mine, CheckIn(plate=plate), NOW - timedelta(hours=hours))
        check_out(session, mine, plates[3], NOW - timedelta(hours=1))
        over = overstaying(session, mine, NOW, timedelta(hours=24))
        assert [v.plate for v in over] == [plates[2], plates[0]]
        assert overstaying(session, mine, NOW, timedelta(hours=1))[-1].plate == plates[1]
        assert overstaying(session, theirs, NOW, timedelta(0)) == []
        assert overstaying(session, mine, NOW, timedelta(hours=60)) == []
    assert db.count(YardVisit) == 4
