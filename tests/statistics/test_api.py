"""GET /api/v1/statistics/...: figures from the rollups, with comparisons, for
whoever may see them; corrections through the API change the day they belong to."""

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cuakhau.core.clock import local_date
from cuakhau.models import AuditEntry, Gate, Receipt, User
from cuakhau.models.enums import Role
from tests.conftest import Database, People
from tests.factories import bearer, make_user
from tests.statistics.trips import WOOD, called


def trade(client: TestClient, headers: dict[str, str], **params: Any) -> Any:
    response = client.get("/api/v1/statistics/trade", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_month_by_gate_and_direction_with_both_comparisons(
    client: TestClient, people: People, gates: tuple[Gate, Gate]
):
    first, second = gates
    report = trade(
        client,
        people[Role.board],
        period="month",
        at="2026-12-15",
        group_by=["gate", "direction"],
        compare=["year_before", "month_before"],
    )
    assert report["period"] == {"first": "2026-12-01", "last": "2026-12-31", "days": 31}
    assert report["comparisons"]["month_before"]["last"] == "2026-11-30"
    rows = {(row["group"]["gate"], row["group"]["direction"]): row for row in report["rows"]}
    export = rows[(first.id, "export")]
    assert Decimal(export["measures"]["value_usd"]) == Decimal("61000.50")
    assert export["measures"]["vehicles"] == 2
    assert export["measures"]["weight_kg"] == 40_500
    year_before, month_before = export["compared"]
    assert Decimal(year_before["measures"]["value_usd"]) == Decimal("60000.00")
    assert Decimal(year_before["change"]["value_usd"]["absolute"]) == Decimal("1000.50")
    assert Decimal(year_before["change"]["value_usd"]["relative"]) == Decimal("0.0167")
    assert Decimal(month_before["change"]["vehicles"]["relative"]) == Decimal("1.0000")
    # A truck that crossed empty is a vehicle, and no shipment.
    empty = rows[(second.id, "export")]["measures"]
    assert (empty["vehicles"], empty["shipments"], empty["lines"]) == (1, 0, 0)
    # Nothing crossed before at the second gate: no relative change to give.
    assert rows[(second.id, "export")]["compared"][0]["change"]["vehicles"]["relative"] is None
    total = report["total"]["measures"]
    assert (total["vehicles"], Decimal(total["value_usd"])) == (4, Decimal("61200.50"))


def test_by_heading_counts_value_not_trucks(
    client: TestClient, people: People, gates: tuple[Gate, Gate]
):
    report = trade(
        client, people[Role.admin], period="month", at="2026-12-01", group_by=["hs_heading"]
    )
    assert [
        (row["group"]["hs_heading"], row["measures"]["value_usd"]) for row in report["rows"]
    ] == [
        ("0810", "60000.00"),
        ("9403", "1200.50"),
    ]
    # A truck with fruit and furniture would be counted under both: vehicles are left out.
    assert report["rows"][0]["measures"]["vehicles"] is None
    chapter = trade(client, people[Role.admin], period="year", at="2026-06-01", hs="08")
    assert chapter["total"]["measures"]["value_usd"] == "90000.00"
    by_origin = trade(
        client, people[Role.admin], period="month", at="2026-12-01", origin_country="TH"
    )
    assert by_origin["total"]["measures"]["value_usd"] == "200.00"


def test_an_enterprise_sees_its_own_and_the_zone_totals_only(
    client: TestClient, people: People, gates: tuple[Gate, Gate]
):
    headers = people[Role.enterprise]
    own = trade(client, headers, period="month", at="2026-12-01", group_by=["gate"])
    assert own["total"]["measures"]["vehicles"] == 2
    zone = trade(client, headers, period="month", at="2026-12-01", zone_totals="true")
    assert zone["total"]["measures"]["vehicles"] == 4
    whole = {"group": {}, "names": {}, "measures": zone["total"]["measures"]}
    assert zone["rows"] == [{**whole, "sources": ["measured"], "compared": []}]
    for params in (
        {"enterprise_id": people.other_enterprise.id},
        {"zone_totals": "true", "group_by": "enterprise"},
    ):
        response = client.get("/api/v1/statistics/trade", params=params, headers=headers)
        assert response.status_code == 403, response.text


def test_an_officer_sees_their_gate(
    client: TestClient, db: Database, people: People, gates: tuple[Gate, Gate]
):
    first, second = gates
    response = client.get("/api/v1/statistics/trade", headers=people[Role.gate_officer])
    assert response.status_code == 409
    assert response.json()["code"] == "statistics_no_gate"
    with db.write() as session:
        officer = make_user(session, Role.customs)
        session.get_one(User, officer.id).gate_id = second.id
        headers = bearer(session, officer)
    report = trade(client, headers, period="month", at="2026-12-01")
    assert report["total"]["measures"]["vehicles"] == 1
    other = client.get("/api/v1/statistics/trade", params={"gate_id": first.id}, headers=headers)
    assert other.status_code == 403


def test_corrections_change_the_day_they_belong_to(
    client: TestClient, db: Database, people: People, gates: tuple[Gate, Gate]
):
    first, _ = gates
    with db.write() as session:
        crossing = called(session, first, people.own_enterprise, [{**WOOD, "value_usd": "10.00"}])
    admin = people[Role.admin]
    moved = client.post(
        f"/api/v1/crossings/{crossing.id}/moves",
        json={"to_state": "crossed", "reason": "seen crossing"},
        headers=admin,
    )
    assert moved.status_code == 200, moved.text
    # The zone's day it crossed (UTC+7), whatever the hour the test runs at.
    today = local_date(datetime.fromisoformat(moved.json()["crossed_at"])).isoformat()

    def day(path: str = "trade") -> dict[str, Any]:
        response = client.get(
            f"/api/v1/statistics/{path}",
            params={"period": "day", "at": today, "gate_id": first.id},
            headers=admin,
        )
        assert response.status_code == 200, response.text
        return response.json()["total"]["measures"]  # type: ignore[no-any-return]

    assert (day()["value_usd"], day("fees")["amount_vnd"]) == ("10.00", 300_000)
    mended = client.patch(
        f"/api/v1/crossings/{crossing.id}/cargo/1",
        json={"value_usd": "12.34", "destination_country": "hk"},
        headers=people[Role.customs],
    )
    assert mended.status_code == 200, mended.text
    assert mended.json()["cargo"][0]["destination_country"] == "HK"
    assert day()["value_usd"] == "12.34"
    audit = db.scalars(
        select(AuditEntry).where(AuditEntry.entity == "cargo_line").order_by(AuditEntry.id)
    )
    assert audit[-1].actor_label == people.users[Role.customs].username
    refused = client.patch(
        f"/api/v1/crossings/{crossing.id}/cargo/1",
        json={"origin_country": "XX"},
        headers=admin,
    )
    assert refused.status_code == 422
    assert (
        client.patch(
            f"/api/v1/crossings/{crossing.id}/cargo/2", json={"packages": 1}, headers=admin
        ).status_code
        == 404
    )
    receipt_id = db.scalar(select(Receipt.id).where(Receipt.crossing_id == crossing.id))
    voided = client.post(
        f"/api/v1/receipts/{receipt_id}/void", json={"reason": "wrong truck"}, headers=admin
    )
    assert voided.status_code == 200, voided.text
    assert day("fees")["amount_vnd"] == 0
    again = client.post(
        f"/api/v1/receipts/{receipt_id}/void", json={"reason": "wrong truck"}, headers=admin
    )
    assert again.status_code == 409
    undone = client.post(
        f"/api/v1/crossings/{crossing.id}/moves",
        json={"to_state": "called", "reason": "recorded by mistake"},
        headers=admin,
    )
    assert undone.status_code == 200, undone.text
    assert undone.json()["crossed_at"] is None
    assert day()["vehicles"] == 0
    recrossed = client.post(
        f"/api/v1/crossings/{crossing.id}/moves",
        json={"to_state": "crossed", "reason": "crossed now"},
        headers=admin,
    )
    assert recrossed.status_code == 200, recrossed.text
    assert (day()["vehicles"], day("fees")["amount_vnd"]) == (1, 300_000)
    assert db.count(Receipt, Receipt.crossing_id == crossing.id) == 2


@pytest.mark.parametrize(
    "params",
    [
        {"group_by": "colour"},
        {"hs": "081"},
        {"period": "range", "at": "2026-12-05", "until": "2026-12-01"},
        {"until": "2026-12-01"},
        {"compare": "decade_before"},
        {"origin_country": "XX"},
    ],
)
def test_bad_questions_get_a_422(client: TestClient, people: People, params: dict[str, str]):
    response = client.get("/api/v1/statistics/trade", params=params, headers=people[Role.board])
    assert response.status_code == 422, response.text
