"""The rollups always equal a straight computation from the raw rows, whatever
crossings of any handover mode cross, are undone, change mode, are returned or
handed back, have their cargo mended or their receipts voided, and whenever the
rollups are rebuilt (Hypothesis, on SQLite and PostgreSQL)."""

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.crossings.cargo import mend_line
from cuakhau.crossings.schemas import CargoLineMend
from cuakhau.crossings.states import BEFORE_CROSSING, move
from cuakhau.fees.service import void_receipt
from cuakhau.handovers.service import change_mode
from cuakhau.models import Crossing, Enterprise, Gate, Receipt, Tariff, Vehicle
from cuakhau.models.enums import CrossingState as S
from cuakhau.models.enums import Direction, HandoverMode, Regime, VehicleKind
from cuakhau.statistics.rollups import rebuild
from tests.conftest import Database
from tests.factories import (
    make_enterprise,
    make_tariff,
)
from tests.statistics.straight import rolled_up, straight
from tests.statistics.trips import BOOKED_AT, TO_CROSS, called, cross, two_way_gate

lines = st.lists(
    st.fixed_dictionaries(
        {
            "hs_code": st.sampled_from(["081090", "0810", "08109010", "940360", "0714"]),
            "description": st.just("hàng"),
            "packages": st.integers(0, 900),
            "weight_kg": st.integers(1, 30_000),
            "value_usd": st.decimals("0", "99999.99", places=2),
            "perishable": st.booleans(),
            "origin_country": st.sampled_from([None, "VN", "TH", "LA"]),
            "destination_country": st.sampled_from([None, "CN", "VN"]),
        }
    ),
    max_size=3,
)
book_op = st.tuples(
    st.just("book"),
    st.sampled_from(list(Direction)),
    st.sampled_from(list(Regime)),
    st.sampled_from(list(VehicleKind)),
    st.integers(0, 1),
    lines,
    st.sampled_from(list(HandoverMode)),
)
# Moments either side of the zone's midnight (17:00 UTC) and across days.
cross_op = st.tuples(st.just("cross"), st.integers(0, 2), st.integers(0, 40), st.integers(0, 23))
mend_op = st.tuples(
    st.just("mend"),
    st.integers(0, 2),
    st.integers(0, 2),
    st.fixed_dictionaries(
        {},
        optional={
            "value_usd": st.decimals("0", "99999.99", places=2),
            "weight_kg": st.integers(1, 30_000),
            "hs_code": st.sampled_from(["0901", "081090"]),
            "perishable": st.booleans(),
            "origin_country": st.sampled_from(["VN", "KH"]),
        },
    ).filter(bool),
)
other_op = st.tuples(st.sampled_from(["undo", "return", "hand_back", "void"]), st.integers(0, 2))
# The yard operator changes the mode of a crossing that has not crossed (or
# whose crossing was undone, to cross again another way).
mode_op = st.tuples(st.just("mode"), st.integers(0, 2), st.sampled_from(list(HandoverMode)))
operations = st.lists(
    st.one_of(book_op, cross_op, mend_op, other_op, mode_op, st.tuples(st.just("rebuild"))),
    min_size=3,
    max_size=12,
)


def _book(session: Session, gate: Gate, firms: list[Enterprise], op: tuple[Any, ...]) -> None:
    _, direction, regime, kind, firm, cargo, mode = op
    called(
        session, gate, firms[firm], cargo, direction=direction, regime=regime, kind=kind, mode=mode
    )


def _apply(session: Session, gate: Gate, firms: list[Enterprise], op: tuple[Any, ...]) -> None:
    if op[0] == "book":
        _book(session, gate, firms, op)
    elif op[0] == "rebuild":
        rebuild(session)
    else:
        # One of the latest few crossings the operation applies to.
        applicable = list(session.scalars(_APPLIES[op[0]].order_by(Crossing.id)))
        if applicable:
            _correct(session, applicable[-1 - op[1] % len(applicable)], op)


_crossed = select(Crossing).where(Crossing.state == S.crossed)
_APPLIES = {
    # Called, or back at the step before crossing after an undo.
    "cross": select(Crossing).where(Crossing.state.in_(BEFORE_CROSSING)),
    "mode": select(Crossing).where(Crossing.state == S.called),
    "undo": _crossed,
    "return": _crossed.where(Crossing.handover_mode != HandoverMode.transload),
    "hand_back": select(Crossing).where(
        Crossing.state.in_([S.crossed, S.returned]),
        Crossing.handover_mode == HandoverMode.trailer_swap,
    ),
    "mend": select(Crossing).where(Crossing.cargo.any()),
    "void": select(Crossing).where(
        Crossing.id.in_(select(Receipt.crossing_id).where(Receipt.voided_at.is_(None)))
    ),
}


def _correct(session: Session, crossing: Crossing, op: tuple[Any, ...]) -> None:
    if op[0] == "cross":
        at = BOOKED_AT + timedelta(days=op[2], hours=op[3])
        cross(session, crossing, at)
        # The truck is rebuilt as another kind: the crossing counts the kind it crossed as.
        vehicle = session.get_one(Vehicle, crossing.vehicle_id)
        vehicle.kind = VehicleKind.van if vehicle.kind is not VehicleKind.van else VehicleKind.truck
    elif op[0] == "undo":
        steps = TO_CROSS[crossing.handover_mode]
        before = steps[-2] if len(steps) > 1 else S.called
        move(session, crossing, before, at=BOOKED_AT, reason="recorded by mistake")
    elif op[0] == "mode":
        change_mode(session, crossing, op[2], reason="đầu kéo hỏng")
    elif op[0] == "return":
        move(session, crossing, S.returned, at=BOOKED_AT, reason="test")
    elif op[0] == "hand_back":
        # The swapped trailer back across, then with its owner again.
        if crossing.state is S.crossed:
            move(session, crossing, S.returned, at=BOOKED_AT, reason="test")
        move(session, crossing, S.handed_back, at=BOOKED_AT, reason="test")
    elif op[0] == "mend":
        line_no = op[2] % len(crossing.cargo) + 1
        mend_line(session, crossing, line_no, CargoLineMend(**op[3]))
    else:
        receipt = session.scalars(
            select(Receipt).where(Receipt.crossing_id == crossing.id, Receipt.voided_at.is_(None))
        ).one()
        void_receipt(session, receipt.id, at=BOOKED_AT, reason="issued in error")


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_rollups_equal_the_raw_rows_after_every_change(db: Database, ops: list[tuple[Any, ...]]):
    """Examples share the database: the figures must hold over all that came before too."""
    with db.write() as session:
        gate = session.scalar(select(Gate).limit(1)) or two_way_gate(session)
        firms = list(session.scalars(select(Enterprise).order_by(Enterprise.id)))
        if not firms:
            firms = [make_enterprise(session), make_enterprise(session)]
        if session.scalar(select(Tariff.id).limit(1)) is None:
            make_tariff(session, amount_vnd=250_000)
            make_tariff(session, vehicle_class="container", amount_vnd=1_100_000)
    for op in ops:
        with db.write() as session:
            _apply(session, gate, firms, op)
        with db.write() as session:
            assert rolled_up(session) == straight(session), op


def test_a_crossing_counts_once_a_truck_and_on_its_zone_day(db: Database):
    """Two lines of one heading, one of another: one vehicle, two trade cells; a
    crossing at 23:30 zone time (16:30 UTC) counts on that zone day."""
    with db.write() as session:
        gate = two_way_gate(session)
        firm = make_enterprise(session)
        make_tariff(session, amount_vnd=250_000)
        line = {"description": "x", "packages": 1, "weight_kg": 1000, "value_usd": "0.10"}
        _book(
            session,
            gate,
            [firm],
            (
                "book",
                Direction.export,
                Regime.border_resident,
                VehicleKind.refrigerated_truck,
                0,
                [
                    {**line, "hs_code": "081090", "perishable": True},
                    {**line, "hs_code": "08109010", "value_usd": "0.20"},
                    {**line, "hs_code": "0714"},
                ],
                HandoverMode.drive_through,
            ),
        )
        crossing = session.scalars(select(Crossing)).one()
        move(session, crossing, S.crossed, at=datetime(2026, 12, 8, 16, 30, tzinfo=UTC))
    with db.write() as session:
        trade, vehicles, fees, *_ = rolled_up(session)
    assert sorted((key[0].isoformat(), key[4], value) for key, value in trade.items()) == [
        ("2026-12-08", "0714", (10, 1000, 1, 1, 1)),
        ("2026-12-08", "0810", (10, 1000, 1, 1, 1)),
        ("2026-12-08", "0810", (20, 1000, 1, 1, 1)),
    ]
    assert list(vehicles.values()) == [(1, 1)]
    (key,) = vehicles
    assert key[3] is Regime.border_resident
    assert key[5] is VehicleKind.refrigerated_truck
    assert key[6] is True
    assert list(fees.values()) == [(250_000, 1)]
