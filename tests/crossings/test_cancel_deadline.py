"""The cancellation cut-off as a moment, for pages that show it: the same moment
``cancel`` holds to."""

from datetime import timedelta

import pytest

from cuakhau.crossings.booking import arrive, cancel, cancel_deadline
from cuakhau.crossings.rules import RuleRefused, policy
from cuakhau.models import CrossingWindow
from tests.conftest import Database
from tests.crossings.conftest import NOW
from tests.factories import make_booking


def test_the_deadline_is_the_cutoff_before_the_window(db: Database, zone):  # type: ignore[no-untyped-def]
    gate, firm = zone
    with db.write() as session:
        crossing = make_booking(session, firm, gate, now=NOW)
        window = session.get_one(CrossingWindow, crossing.window_id)
        deadline = cancel_deadline(session, crossing)
        assert deadline == window.starts_at - timedelta(minutes=120)
        policy(session).cancel_cutoff_minutes = 30
        assert cancel_deadline(session, crossing) == window.starts_at - timedelta(minutes=30)


def test_cancel_holds_to_the_deadline_to_the_second(db: Database, zone):  # type: ignore[no-untyped-def]
    gate, firm = zone
    with db.write() as session:
        late = make_booking(session, firm, gate, now=NOW)
        deadline = cancel_deadline(session, late)
        assert deadline is not None
        with pytest.raises(RuleRefused):
            cancel(session, late, deadline + timedelta(seconds=1))
        on_time = make_booking(session, firm, gate, now=NOW)
        cancel(session, on_time, deadline)
        assert cancel_deadline(session, on_time) is None


def test_no_deadline_once_the_truck_has_arrived(db: Database, zone):  # type: ignore[no-untyped-def]
    gate, firm = zone
    with db.write() as session:
        crossing = make_booking(session, firm, gate, now=NOW)
        arrive(session, crossing, NOW)
        assert cancel_deadline(session, crossing) is None
