"""A gate with two-truck windows 07:00–19:00 and one enterprise, at a fixed moment."""

from datetime import UTC, datetime

import pytest

from cuakhau.crossings.rules import policy
from cuakhau.models import Enterprise, Gate
from tests.conftest import Database
from tests.factories import make_enterprise, make_gate, make_pattern, make_priority_classes

# 03:00 on a Tuesday in Lạng Sơn; the first window opens at 07:00 (00:00 UTC).
NOW = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)


@pytest.fixture
def zone(db: Database) -> tuple[Gate, Enterprise]:
    with db.write() as session:
        make_priority_classes(session)
        gate = make_gate(session, holiday_calendars=[])
        make_pattern(session, gate, capacity=2)
        firm = make_enterprise(session)
    return gate, firm


@pytest.fixture
def gate_id(db: Database) -> int:
    """A gate with three-truck windows round the clock, for the API's tests."""
    with db.write() as session:
        # The zone's booking rules, as a running zone has them: the express lane
        # books only under a policy row, which the general path (or the no-show
        # sweep's first pass, a background job the tests' app does not run) makes.
        policy(session)
        make_priority_classes(session)
        gate = make_gate(session, holiday_calendars=[])
        make_pattern(session, gate, capacity=3, hours=range(24))
        return gate.id
