"""The officer's hour-by-hour view: our capacity, the other side's acceptance,
what is in force, booked and crossed."""

from datetime import time, timedelta

from sqlalchemy import select

from cuakhau.core.clock import local_datetime
from cuakhau.counterpart.hours import acceptance_by_hour
from cuakhau.models import Crossing
from cuakhau.models.enums import CrossingState, Direction
from tests.conftest import Database
from tests.counterpart.conftest import DAY, Other


def test_each_hour_sets_the_other_sides_acceptance_beside_ours(other: Other, db: Database) -> None:
    assert other.send(1, trucks=1).status_code == 200
    with db.write() as session:
        first = session.scalars(select(Crossing).order_by(Crossing.id)).first()
        first.state = CrossingState.crossed
        first.crossed_at = local_datetime(DAY, time(7, 40))
        hours = acceptance_by_hour(
            session=session, gate_id=other.gate_id, direction=Direction.export, day=DAY
        )
        imports = acceptance_by_hour(
            session=session, gate_id=other.gate_id, direction=Direction.import_, day=DAY
        )
    seven, eight, nine = hours
    assert (seven.ours, seven.accepted, seven.capacity, seven.booked, seven.crossed) == (
        3,
        1,
        1,
        1,
        1,
    )
    assert seven.short
    assert (eight.ours, eight.accepted, eight.capacity, eight.booked, eight.crossed) == (
        3,
        None,
        3,
        2,
        0,
    )
    assert not eight.short
    assert nine.ends_at - nine.starts_at == timedelta(hours=1)
    # No import pattern at this gate: no import hours.
    assert imports == []
