"""GET /api/v1/public/statistics: a month's totals by gate and direction for
anyone, with the cells few enterprises make up (or one dominates) suppressed,
and their complements, so that no suppressed figure comes back by subtraction."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cuakhau.models import Enterprise, Gate
from cuakhau.models.enums import Direction, Regime
from cuakhau.statistics.disclosure import TOTAL, Cell, Layout
from tests.conftest import Database
from tests.factories import make_enterprise
from tests.statistics.test_disclosure import subtract_until_stuck
from tests.statistics.trips import crossed, two_way_gate

WOOD = {"hs_code": "940360", "description": "Đồ gỗ", "packages": 1, "weight_kg": 100}


@pytest.fixture
def november(db: Database) -> tuple[Gate, Gate]:
    """November 2025: at the first gate three exporters alike and one importer;
    at the second three exporters and three importers alike."""
    with db.write() as session:
        first, second = two_way_gate(session), two_way_gate(session)
        firms: list[Enterprise] = [
            make_enterprise(session, roles=["exporter", "importer"]) for _ in range(3)
        ]

        def cross(gate: Gate, firm: Enterprise, day: int, direction: Direction) -> None:
            regime = Regime.export if direction is Direction.export else Regime.import_
            crossed(
                session,
                gate,
                firm,
                datetime(2025, 11, day, 3, tzinfo=UTC),
                cargo=[{**WOOD, "value_usd": "1000.00"}],
                direction=direction,
                regime=regime,
            )

        for n, firm in enumerate(firms):
            cross(first, firm, 3 + n, Direction.export)
            cross(second, firm, 3 + n, Direction.export)
            cross(second, firm, 10 + n, Direction.import_)
        cross(first, firms[0], 20, Direction.import_)
        return first, second


def published(table: dict[str, Any]) -> tuple[dict[Cell, int], set[Cell]]:
    values, hidden = {}, set()
    for cell in table["cells"]:
        key = (cell["gate_id"] or TOTAL, cell["direction"] or TOTAL)
        if cell["suppressed"]:
            assert cell["measures"] is None
            hidden.add(key)
        else:
            values[key] = cell["measures"]["vehicles"]
    return values, hidden


def test_the_public_sees_totals_without_what_one_enterprise_made(
    client: TestClient, november: tuple[Gate, Gate]
):
    first, _second = november
    response = client.get("/api/v1/public/statistics", params={"at": "2025-11-15"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["month"]["period"] == {"first": "2025-11-01", "last": "2025-11-30", "days": 30}
    assert body["year_before"]["period"]["first"] == "2024-11-01"
    assert (body["min_contributors"], body["dominance"]) == (3, "0.85")
    values, hidden = published(body["month"])
    # The one importer's cell, and its complements: with two gates, the
    # other three inner cells (a rectangle), while every total stands.
    inner = {(gate.id, direction) for gate in november for direction in ("export", "import")}
    assert hidden == inner
    gates = [gate["id"] for gate in body["gates"]]
    layout = Layout(rows=gates, columns=["export", "import"])
    recovered = subtract_until_stuck(layout, values)
    assert not hidden & recovered.keys()
    # The zone's total stands: many enterprises make it up.
    assert values[(TOTAL, TOTAL)] == 10
    assert values[(first.id, TOTAL)] == 4
    assert values[(TOTAL, "import")] == 4
    zone = next(
        c for c in body["month"]["cells"] if c["gate_id"] is None and c["direction"] is None
    )
    assert zone["sources"] == ["measured"]


def test_a_month_not_over_is_not_published(client: TestClient):
    response = client.get("/api/v1/public/statistics", params={"at": "2099-01-01"})
    assert response.status_code == 422
    assert response.json()["code"] == "statistics_public_month_not_over"
    assert client.get("/api/v1/public/statistics").status_code == 200
