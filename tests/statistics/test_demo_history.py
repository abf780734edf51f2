"""The demo's synthetic history: the reference zone's magnitudes, its Tết dip
and December collapse, the same figures for the same day, loaded through the
history import and marked synthetic in every answer."""

import statistics
from collections import defaultdict
from datetime import date

from fastapi.testclient import TestClient

from cuakhau.models import FeeHistory, HistoryImport, TradeHistory
from cuakhau.models.enums import Direction, FeeKind, HistoryKind, Role
from cuakhau.statistics.demo import (
    DAYS,
    FLOWS,
    load_synthetic_history,
    synthetic_fee_figures,
    synthetic_figures,
)
from tests.conftest import Database, People
from tests.factories import make_gate

GATES = {code: n for n, code in enumerate(FLOWS, start=1)}
LAST = date(2026, 12, 6)


def trucks_by_day(gate: str | None = None, fruit: bool = False) -> dict[date, int]:
    fruits = {"0810", "0804"}
    days: dict[date, int] = defaultdict(int)
    for figure in synthetic_figures(GATES, LAST):
        if gate is not None and figure.gate_id != GATES[gate]:
            continue
        if fruit and not (figure.hs_code in fruits and figure.direction is Direction.export):
            continue
        days[figure.period.first] += figure.vehicles
    return days


def test_the_reference_zone_s_magnitudes():
    zone = trucks_by_day()
    assert len(zone) == DAYS
    assert min(zone) == date(2024, 12, 7)
    assert max(zone) == LAST
    ordinary = [n for day, n in zone.items() if day.month in (4, 10) and day.weekday() < 6]
    assert 1000 <= statistics.median(ordinary) <= 1500
    huu_nghi = [n for day, n in trucks_by_day("HUU-NGHI").items() if day.month in (6, 7, 8)]
    assert 700 <= statistics.median(huu_nghi) <= 800
    fruit = trucks_by_day(fruit=True)
    july = [fruit[day] for day in fruit if day.month == 7 and day.weekday() < 6]
    assert 350 <= statistics.median(july) <= 450
    january = [fruit[day] for day in fruit if day.month == 1 and day.day > 20]
    assert statistics.median(january) < 250


def test_tet_and_the_december_collapse():
    zone = trucks_by_day()
    before_tet = statistics.mean(zone[date(2026, 2, day)] for day in range(2, 9))
    tet = statistics.mean(zone[date(2026, 2, day)] for day in range(15, 22))
    assert tet < before_tet * 0.3
    november = statistics.mean(
        n for day, n in zone.items() if (day.year, day.month) == (2024, 12) and day.day < 10
    )
    collapse = statistics.mean(
        n for day, n in zone.items() if (day.year, day.month) == (2024, 12) and day.day >= 10
    )
    a_year_on = statistics.mean(
        n for day, n in zone.items() if (day.year, day.month) == (2025, 12) and day.day >= 10
    )
    assert collapse < november * 0.65
    assert a_year_on > collapse * 1.5


def test_the_same_day_gives_the_same_history():
    assert synthetic_figures(GATES, LAST) == synthetic_figures(GATES, LAST)
    assert synthetic_figures(GATES, LAST) != synthetic_figures(GATES, LAST, seed=20)


def test_loaded_once_and_marked_synthetic(client: TestClient, db: Database, people: People):
    with db.write() as session:
        make_gate(session, code="HUU-NGHI")
        loaded = load_synthetic_history(session, date(2026, 12, 7))
        assert [(item.kind, item.synthetic) for item in loaded] == [
            (HistoryKind.trade, True),
            (HistoryKind.fees, True),
        ]
        assert load_synthetic_history(session, date(2026, 12, 7)) == []
    assert db.count(HistoryImport) == 2
    assert db.count(TradeHistory) == len(FLOWS["HUU-NGHI"]) * DAYS
    # Each day: infrastructure for containers and trucks, yard stays of trucks.
    assert db.count(FeeHistory) == 3 * DAYS
    report = client.get(
        "/api/v1/statistics/trade",
        params={"period": "month", "at": "2025-12-01", "compare": "year_before"},
        headers=people[Role.board],
    ).json()
    assert report["sources"] == ["synthetic"]
    assert report["total"]["sources"] == ["synthetic"]
    change = report["total"]["compared"][0]["change"]["vehicles"]
    assert float(change["relative"]) > 0.3  # December 2024 collapsed
    fees = client.get(
        "/api/v1/statistics/fees",
        params={"period": "year", "at": "2026-01-01", "compare": "year_before"},
        headers=people[Role.board],
    ).json()
    assert fees["sources"] == ["synthetic"]
    assert fees["total"]["compared"][0]["sources"] == ["synthetic"]
    assert fees["total"]["measures"]["amount_vnd"] > 0


def test_fee_revenue_at_the_press_s_magnitude():
    """Nearly 228 billion đồng of infrastructure fees from 1 January to 20
    April 2025 zone-wide, and the trucks' Tết dip in the revenue too."""
    trade = synthetic_figures(GATES, LAST)
    fees = synthetic_fee_figures(trade)
    assert fees == synthetic_fee_figures(synthetic_figures(GATES, LAST))

    def infrastructure(first: date, last: date) -> int:
        return sum(
            figure.amount_vnd
            for figure in fees
            if figure.kind is FeeKind.infrastructure and first <= figure.period.first <= last
        )

    spring_2025 = infrastructure(date(2025, 1, 1), date(2025, 4, 20))
    assert 200_000_000_000 <= spring_2025 <= 250_000_000_000
    assert infrastructure(date(2026, 1, 1), date(2026, 4, 20)) > spring_2025
    before_tet = infrastructure(date(2026, 2, 2), date(2026, 2, 8))
    assert infrastructure(date(2026, 2, 15), date(2026, 2, 21)) < before_tet * 0.3
    assert all(figure.amount_vnd >= 0 and figure.fees >= 0 for figure in fees)
