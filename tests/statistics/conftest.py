"""The statistics' shared zone: trucks at two gates in December 2026, the same
days of November, and December 2025."""

import pytest

from cuakhau.models import Gate
from cuakhau.models.enums import Direction, Regime
from tests.conftest import Database, People
from tests.factories import make_tariff
from tests.statistics.trips import DURIAN, WOOD, at, crossed, two_way_gate


@pytest.fixture
def gates(db: Database, people: People) -> tuple[Gate, Gate]:
    """December 2026 at two gates, the same days of November, and December 2025."""
    own, other = people.own_enterprise, people.other_enterprise
    with db.write() as session:
        make_tariff(session, amount_vnd=300_000)
        first, second = two_way_gate(session), two_way_gate(session)
        fruit = [{**DURIAN, "weight_kg": 20_000, "value_usd": "30000.00", "perishable": True}]
        both = [*fruit, {**WOOD, "value_usd": "1000.50"}]
        crossed(session, first, own, at("2026-12-02"), cargo=both)
        crossed(session, first, other, at("2026-12-03"), cargo=fruit)
        crossed(
            session,
            first,
            own,
            at("2026-12-04"),
            cargo=[{**WOOD, "value_usd": "200.00", "origin_country": "TH"}],
            direction=Direction.import_,
            regime=Regime.transit,
        )
        crossed(session, second, other, at("2026-12-05"), cargo=[])
        crossed(session, first, own, at("2026-11-02"), cargo=fruit)
        crossed(session, first, own, at("2025-12-10"), cargo=fruit)
        crossed(session, first, own, at("2025-12-11"), cargo=fruit)
        return first, second
