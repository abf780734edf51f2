"""A report reads whole months from a month rollup and the days around them
from the day rollup (statistics.service): whatever the period, the groups and
the filters, its figures equal the day cells summed straight (Hypothesis, on
SQLite and PostgreSQL)."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from cuakhau.models import Crossing, Enterprise
from cuakhau.models.enums import Direction, Regime
from cuakhau.statistics.schemas import TradeGroup, TradeQuery
from cuakhau.statistics.service import Scope, scoped_trade_report
from tests.conftest import Database
from tests.factories import make_enterprise
from tests.statistics.straight import straight
from tests.statistics.trips import BOOKED_AT, DURIAN, WOOD, called, cross, two_way_gate

FIRST_DAY = BOOKED_AT.date()
# Crossings every 5 days from 7 December 2026 to 21 February 2027: three months, two of them whole.
DAYS = 77
GROUPS = [
    TradeGroup.gate,
    TradeGroup.direction,
    TradeGroup.hs_heading,
    TradeGroup.hs_chapter,
    TradeGroup.enterprise,
    TradeGroup.perishable,
]
# Where each group's value sits in a trade day cell's key (tests.statistics.straight).
TRADE_KEY = {
    TradeGroup.gate: 1,
    TradeGroup.direction: 2,
    TradeGroup.hs_heading: 4,
    TradeGroup.hs_chapter: 4,
    TradeGroup.enterprise: 5,
    TradeGroup.perishable: 8,
}
VEHICLE_KEY = {
    TradeGroup.gate: 1,
    TradeGroup.direction: 2,
    TradeGroup.enterprise: 4,
    TradeGroup.perishable: 6,
}


def _history(db: Database) -> list[int]:
    with db.write() as session:
        firms = list(session.scalars(select(Enterprise.id).order_by(Enterprise.id)))
        if session.scalar(select(Crossing.id).limit(1)) is not None:
            return firms
        gate = two_way_gate(session)
        enterprises = [make_enterprise(session), make_enterprise(session)]
        for n, days in enumerate(range(0, DAYS, 5)):
            import_ = n % 3 == 0
            crossing = called(
                session,
                gate,
                enterprises[n % 2],
                [{**DURIAN, "weight_kg": 1000 + n, "value_usd": "12.50", "perishable": True}]
                + ([{**WOOD, "value_usd": "3.25"}] if n % 2 else []),
                direction=Direction.import_ if import_ else Direction.export,
                regime=Regime.import_ if import_ else Regime.export,
            )
            cross(session, crossing, BOOKED_AT + timedelta(days=days))
        return [firm.id for firm in enterprises]


def _value(group: TradeGroup, value: Any) -> Any:
    if group is TradeGroup.hs_chapter:
        return value[:2]
    return value.value if hasattr(value, "value") else value


def _expected(
    cells: dict[tuple[Any, ...], tuple[int, ...]],
    where: dict[int, Any],
    first: date,
    last: date,
    groups: list[TradeGroup],
    positions: dict[TradeGroup, int],
    measures: int,
) -> dict[tuple[Any, ...], list[int]]:
    sums: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0] * measures)
    for key, cell in cells.items():
        if first <= key[0] <= last and all(key[i] == value for i, value in where.items()):
            group_key = tuple(_value(group, key[positions[group]]) for group in groups)
            for i in range(measures):
                sums[group_key][i] += cell[i]
    return dict(sums)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    start=st.integers(-3, DAYS),
    length=st.integers(0, DAYS),
    groups=st.lists(st.sampled_from(GROUPS), unique=True, max_size=2),
    firm=st.sampled_from([None, 0, 1]),
)
def test_a_report_over_any_days_equals_the_day_cells(
    db: Database, start: int, length: int, groups: list[TradeGroup], firm: int | None
):
    firms = _history(db)
    first = FIRST_DAY + timedelta(days=start)
    last = first + timedelta(days=length)
    enterprise_id = None if firm is None else firms[firm]
    query = TradeQuery(
        period="range", at=first, until=last, group_by=groups, enterprise_id=enterprise_id
    )
    with db.write() as session:
        report = scoped_trade_report(session, query, Scope(), today=last)
        trade, vehicles, *_ = straight(session)

    where = {} if enterprise_id is None else {5: enterprise_id}
    lines = _expected(trade, where, first, last, groups, TRADE_KEY, 4)
    read = {tuple(row.group[group.value] for group in groups): row.measures for row in report.rows}
    assert set(read) == set(lines)
    for key, (cents, weight, packages, count) in lines.items():
        assert read[key]["value_usd"] == Decimal(cents) / 100
        assert (read[key]["weight_kg"], read[key]["packages"], read[key]["lines"]) == (
            weight,
            packages,
            count,
        )
    if all(group in VEHICLE_KEY for group in groups):
        where = {} if enterprise_id is None else {4: enterprise_id}
        trucks = _expected(vehicles, where, first, last, groups, VEHICLE_KEY, 2)
        for key, (count, laden) in trucks.items():
            assert (read[key]["vehicles"], read[key]["shipments"]) == (count, laden)
        assert report.total.measures["vehicles"] == sum(c for c, _ in trucks.values())
    else:
        assert report.total.measures["vehicles"] is None
