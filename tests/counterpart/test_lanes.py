"""The other side's acceptance at a gate with lanes: its trucks per hour cap the
lanes together, shared in proportion to their capacity, and the trucks a cut
moves stay in their lane."""

from datetime import time

from sqlalchemy import select

from cuakhau.core.clock import local_datetime
from cuakhau.counterpart.hours import acceptance_by_hour
from cuakhau.models import Crossing, CrossingWindow, Gate
from cuakhau.models.enums import Direction, LaneKind
from tests.conftest import Database
from tests.counterpart.conftest import DAY, Other
from tests.factories import make_pattern


def test_the_other_sides_trucks_per_hour_cap_the_lanes_together(other: Other, db: Database):
    with db.write() as session:
        gate = session.get_one(Gate, other.gate_id)
        make_pattern(session, gate, capacity=3, hours=range(7, 10), lane=LaneKind.freight_road)

    answer = other.send(1, trucks=4)
    assert answer.status_code == 200, answer.text

    seven = local_datetime(DAY, time(7))
    with db.write() as session:
        capacity = dict(
            session.execute(
                select(CrossingWindow.lane, CrossingWindow.capacity).where(
                    CrossingWindow.gate_id == other.gate_id, CrossingWindow.starts_at == seven
                )
            ).all()
        )
        assert capacity == {LaneKind.ordinary: 2, LaneKind.freight_road: 2}
        # Three were booked in the ordinary lane at 07:00: one moves, to its lane's 08:00.
        windows = sorted(
            (crossing.lane, lane, starts)
            for crossing, lane, starts in session.execute(
                select(Crossing, CrossingWindow.lane, CrossingWindow.starts_at).join(
                    CrossingWindow, CrossingWindow.id == Crossing.window_id
                )
            )
        )
        assert [(lane, starts) for _, lane, starts in windows] == [
            (LaneKind.ordinary, seven),
            (LaneKind.ordinary, seven),
            (LaneKind.ordinary, local_datetime(DAY, time(8))),
        ]
        assert all(crossing_lane is lane for crossing_lane, lane, _ in windows)
        first, *_ = acceptance_by_hour(
            session=session, gate_id=other.gate_id, direction=Direction.export, day=DAY
        )
    assert (first.starts_at, first.ours, first.accepted, first.capacity, first.booked) == (
        seven,
        6,
        4,
        4,
        2,
    )
