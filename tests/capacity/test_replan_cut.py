"""A capacity cut moves trucks only later, never into a window that is ending,
and says it was a cut; a rise pulls waiting trucks earlier, but not into a
window with less than ``REPLAN_LEAD`` left. The clock is set by each test."""

import threading
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from cuakhau.capacity import planning
from cuakhau.capacity.schemas import OverrideCreate
from cuakhau.core.actor import Actor
from cuakhau.core.clock import local_date, local_datetime
from cuakhau.core.database import session_scope
from cuakhau.core.errors import Conflict
from cuakhau.crossings.booking import arrive
from cuakhau.crossings.reasons import said
from cuakhau.crossings.windows import REPLAN_LEAD
from cuakhau.models import CapacityOverride, CrossingWindow, Notification, WindowChange
from cuakhau.models.enums import OverrideKind
from tests.conftest import Database
from tests.factories import (
    make_booking,
    make_enterprise,
    make_gate,
    make_pattern,
    make_priority_classes,
)

# 15:43 on Tuesday 8 December in Lạng Sơn: 17 minutes left in the 15:00 window.
NOW = datetime(2026, 12, 8, 8, 43, tzinfo=UTC)
DAY = local_date(NOW)
# 15:05: the trucks booked and reached the zone.
BOOKED = NOW - timedelta(minutes=38)


def _at(hour: int) -> datetime:
    return local_datetime(DAY, time(hour))


def _override(kind: OverrideKind, value: str) -> OverrideCreate:
    return OverrideCreate(
        kind=kind,
        direction="export",
        starts_on=DAY,
        ends_on=DAY,
        value=Decimal(value),
        reason="Trung Quốc giảm năng lực tiếp nhận",
    )


@pytest.fixture
def waiting(db: Database) -> int:
    """Eight trucks a window from 07:00 to 19:00; three trucks booked for 16:00
    are already in the zone, and the 15:00 window is empty."""
    with db.write() as session:
        make_priority_classes(session)
        gate = make_gate(session, holiday_calendars=[])
        make_pattern(session, gate, capacity=8, hours=range(7, 19))
        firm = make_enterprise(session)
        first = make_booking(session, firm, gate, now=BOOKED)
        sixteen = session.scalar(
            select(CrossingWindow.id).where(
                CrossingWindow.gate_id == gate.id, CrossingWindow.starts_at == _at(16)
            )
        )
        assert first.window_id == sixteen
        others = [make_booking(session, firm, gate, now=BOOKED) for _ in range(2)]
        for crossing in (first, *others):
            assert crossing.window_id == sixteen
            arrive(session, crossing, BOOKED)
        return gate.id


def _moves(
    db: Database, gate_id: int, data: OverrideCreate, now: datetime
) -> list[tuple[datetime | None, str | None]]:
    """Where the change moves trucks to, and why it says it does."""
    with db.write() as session:
        result = planning.create_override(session=session, gate_id=gate_id, data=data, now=now)
    return sorted((m.to_starts_at, m.reason_code) for m in result.moves)


def test_a_cut_moves_trucks_only_later_and_says_it_was_a_cut(db: Database, waiting: int):
    with db.write() as session:
        preview = planning.create_override(
            session=session,
            gate_id=waiting,
            data=_override(OverrideKind.factor, "0.25"),
            now=NOW,
            preview=True,
        )
    # 8 × 0.25 = 2 places at 16:00: the third truck goes to 17:00, nobody to 15:00.
    assert [(m.from_starts_at, m.to_starts_at) for m in preview.moves] == [(_at(16), _at(17))]
    assert (preview.moves[0].reason_code, preview.moves[0].reason) == (
        "capacity_reduced",
        "capacity cut",
    )

    assert _moves(db, waiting, _override(OverrideKind.factor, "0.25"), NOW) == [
        (_at(17), "capacity_reduced")
    ]
    changes = db.scalars(select(WindowChange).where(WindowChange.to_window_id.is_not(None)))
    moved = [c for c in changes if c.reason_code is not None and c.reason_code != "arrived"]
    assert [(c.reason_code, c.reason) for c in moved] == [("capacity_reduced", "capacity cut")]
    assert said(None, moved[0].reason_code, moved[0].reason_params, "vi") == (
        "năng lực thông quan bị cắt giảm"
    )
    notices = db.scalars(select(Notification))
    told = [n.payload for n in notices if n.payload.get("reason_code") == "capacity_reduced"]
    assert len(told) == 1
    assert told[0]["reason"] == "capacity cut"


def test_a_rise_pulls_waiting_trucks_only_into_a_window_not_ending(db: Database, waiting: int):
    # At 15:43 the 15:00 window has 17 minutes left: it is ending, nobody is pulled in.
    assert _at(16) - NOW < REPLAN_LEAD
    assert _moves(db, waiting, _override(OverrideKind.factor, "2"), NOW) == []


def test_a_rise_early_in_the_window_pulls_waiting_trucks_in(db: Database, waiting: int):
    early = _at(15) + timedelta(minutes=10)
    assert _at(16) - early >= REPLAN_LEAD
    assert (
        _moves(db, waiting, _override(OverrideKind.factor, "2"), early)
        == [(_at(15), "capacity_increased")] * 3
    )


def test_the_same_override_twice_is_refused(db: Database, waiting: int):
    cut = _override(OverrideKind.factor, "0.25")
    assert _moves(db, waiting, cut, NOW) == [(_at(17), "capacity_reduced")]
    with db.write() as session, pytest.raises(Conflict) as refused:
        planning.create_override(
            session=session,
            gate_id=waiting,
            data=cut.model_copy(update={"reason": "Gửi lại lần hai"}),
            now=NOW,
            preview=True,
        )
    assert refused.value.code == "override_duplicate"
    # Another kind or value is another change: a set capacity of 2 keeps both trucks.
    assert _moves(db, waiting, _override(OverrideKind.capacity, "2"), NOW) == []


def test_the_same_override_sent_at_once_is_saved_once(db: Database, waiting: int):
    """Two officers (or a double click) send the same cut at the same moment: the
    gate's lock lets one check after the other, so one is saved, one refused."""
    racers = 4
    barrier = threading.Barrier(racers)
    outcomes: list[str] = []

    def race() -> None:
        barrier.wait()
        try:
            with session_scope(db.factory, Actor(label="officer")) as session:
                planning.create_override(
                    session=session,
                    gate_id=waiting,
                    data=_override(OverrideKind.factor, "0.25"),
                    now=NOW,
                )
            outcomes.append("saved")
        except Conflict as refused:
            outcomes.append(refused.code)

    threads = [threading.Thread(target=race) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["override_duplicate"] * (racers - 1) + ["saved"]
    assert db.count(CapacityOverride) == 1
