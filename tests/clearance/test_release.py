"""Release is for held crossings only: a declared red-channel truck cannot skip its
inspection by being released."""

from typing import Any

import pytest
from sqlalchemy import select

from cuakhau.clearance.schemas import Declaration
from cuakhau.clearance.service import decide, declare, release
from cuakhau.core.clock import utcnow
from cuakhau.core.errors import Conflict
from cuakhau.models import Crossing, CrossingMove
from cuakhau.models.enums import CrossingState, CustomsChannel
from tests.conftest import Database
from tests.factories import advance, make_booking, make_enterprise, make_open_gate


@pytest.fixture
def declared_red(db: Database) -> Any:
    with db.write() as session:
        gate = make_open_gate(session)
        crossing = make_booking(session, make_enterprise(session), gate, now=utcnow())
        advance(session, crossing, CrossingState.arrived, at=utcnow())
        red = Declaration(declaration_no="305123456789", channel=CustomsChannel.red)
        return declare(session, crossing, red, at=utcnow()).id


def test_a_declared_crossing_is_not_released_and_nothing_changes(db: Database, declared_red: int):
    moves = db.count(CrossingMove)
    with db.write() as session:
        crossing = session.get(Crossing, declared_red)
        assert crossing is not None
        with pytest.raises(Conflict) as refused:
            release(session, crossing, "no inspection", at=utcnow())
    assert refused.value.code == "release_not_held"
    assert db.scalar(select(Crossing.state).where(Crossing.id == declared_red)) == (
        CrossingState.declared
    )
    assert db.count(CrossingMove) == moves


def test_a_held_crossing_is_released(db: Database, declared_red: int):
    with db.write() as session:
        crossing = session.get(Crossing, declared_red)
        assert crossing is not None
        decide(session, crossing, at=utcnow())
        assert crossing.state is CrossingState.held
        release(session, crossing, "inspection passed", at=utcnow())
    released = db.scalar(select(Crossing).where(Crossing.id == declared_red))
    assert (released.state, released.hold_reason) == (CrossingState.cleared, None)
