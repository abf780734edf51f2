"""Fees: tariffs over time, receipts numbered without gaps, totals, isolation."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cuakhau.core.clock import local_date, utcnow
from cuakhau.crossings.states import move
from cuakhau.fees.service import charge_crossing
from cuakhau.fees.tariffs import load_tariffs, shipped_tariffs
from cuakhau.models import Crossing, Enterprise, Fee, Gate, Receipt, YardVisit
from cuakhau.models.enums import CrossingState, Role
from tests.conftest import Database, People
from tests.factories import (
    make_called_crossing,
    make_enterprise,
    make_open_gate,
    make_tariff,
    make_yard,
)

# Booked for a window ahead of this moment; the crossing itself happens at real time.
BOOKED_AT = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)


@pytest.fixture
def gate(db: Database) -> Gate:
    with db.write() as session:
        return make_open_gate(session)


def called(db: Database, enterprise: Enterprise, gate: Gate, count: int = 1) -> list[int]:
    with db.write() as session:
        return [
            make_called_crossing(session, enterprise, gate, now=BOOKED_AT).id for _ in range(count)
        ]


def test_old_crossings_keep_the_price_in_force_when_they_crossed(db: Database, gate: Gate):
    """Priced with the shipped illustrative tariff: 2025 and 2026 prices differ."""
    with db.write() as session:
        assert load_tariffs(session, shipped_tariffs()) == (14, 0)
        assert load_tariffs(session, shipped_tariffs()) == (0, 14)
        firm = make_enterprise(session)
        yard = make_yard(session, gate, make_enterprise(session, roles=["yard_operator"]))
    old, new = called(db, firm, gate, count=2)
    in_2025 = datetime(2025, 6, 1, 3, 0, tzinfo=UTC)
    in_2026 = datetime(2026, 2, 1, 3, 0, tzinfo=UTC)
    with db.write() as session:
        # 30 hours in the yard, never checked out: charged up to the crossing, 3 × 12 h.
        session.add(
            YardVisit(
                yard_id=yard.id,
                crossing_id=old,
                plate="12C-000.01",
                vehicle_class="truck",
                checked_in_at=in_2025 - timedelta(hours=30),
            )
        )
        session.flush()
        first = charge_crossing(session, session.get_one(Crossing, old), in_2025)
        second = charge_crossing(session, session.get_one(Crossing, new), in_2026)
        assert first is not None
        assert second is not None
        receipts = [(first.number, first.total_vnd), (second.number, second.total_vnd)]
        fees = {
            receipt_id: sorted((f.kind.value, f.quantity, f.amount_vnd) for f in rows)
            for receipt_id in (first.id, second.id)
            for rows in [session.scalars(select(Fee).where(Fee.receipt_id == receipt_id))]
        }
    # A 15-tonne truck: the "10 t or more" line, 500,000 in 2025 and 600,000 in 2026.
    assert receipts == [("BL-2025-000001", 500_000 + 300_000), ("BL-2026-000001", 600_000)]
    assert fees[first.id] == [("infrastructure", 1, 500_000), ("yard", 3, 300_000)]
    assert fees[second.id] == [("infrastructure", 1, 600_000)]


def test_completed_crossing_gets_a_receipt_and_its_price_cannot_be_rewritten(
    client: TestClient, db: Database, people: People, gate: Gate
):
    admin, officer = people[Role.admin], people[Role.gate_officer]
    line = client.post(
        "/api/v1/tariffs",
        headers=admin,
        json={
            "code": "HT-TRUCK",
            "kind": "infrastructure",
            "vehicle_class": "truck",
            "description": "Xe tải",
            "amount_vnd": 400_000,
            "effective_from": "2020-01-01",
        },
    )
    assert line.status_code == 201, line.text
    (crossing_id,) = called(db, people.own_enterprise, gate)
    moved = client.post(
        f"/api/v1/crossings/{crossing_id}/moves",
        headers=officer,
        json={"to_state": "crossed", "reason": "qua biên giới"},
    )
    assert moved.status_code == 200, moved.text
    mine = client.get("/api/v1/receipts", headers=people[Role.enterprise]).json()
    assert mine["total"] == 1
    receipt = mine["items"][0]
    assert receipt["crossing_id"] == crossing_id
    assert receipt["number"] == f"BL-{local_date(utcnow()).year}-000001"
    assert receipt["total_vnd"] == 400_000
    assert receipt["fees"] == [
        {
            "tariff_id": line.json()["id"],
            "kind": "infrastructure",
            "quantity": 1,
            "amount_vnd": 400_000,
        }
    ]

    # The used line keeps its price; it can only be closed, not before its last use.
    url = f"/api/v1/tariffs/{line.json()['id']}"
    today = local_date(utcnow())
    refused = client.patch(url, headers=admin, json={"amount_vnd": 450_000})
    assert (refused.status_code, refused.json()["code"]) == (409, "tariff_in_use")
    too_early = client.patch(
        url, headers=admin, json={"effective_to": str(today - timedelta(days=1))}
    )
    assert (too_early.status_code, too_early.json()["code"]) == (409, "tariff_ends_before_use")
    assert client.patch(url, headers=admin, json={"effective_to": str(today)}).status_code == 200
    successor = {
        **{k: v for k, v in line.json().items() if k not in ("id", "effective_to")},
        "amount_vnd": 450_000,
    }
    overlap = client.post("/api/v1/tariffs", headers=admin, json=successor)
    assert (overlap.status_code, overlap.json()["code"]) == (409, "tariff_overlap")
    successor["effective_from"] = str(today + timedelta(days=1))
    assert client.post("/api/v1/tariffs", headers=admin, json=successor).status_code == 201
    in_force_today = client.get(f"/api/v1/tariffs?on={today}", headers=officer).json()
    assert [t["amount_vnd"] for t in in_force_today["items"]] == [400_000]
    again = client.get(f"/api/v1/receipts/{receipt['id']}", headers=people[Role.enterprise])
    assert again.json() == receipt


def test_an_enterprise_sees_only_its_own_receipts(
    client: TestClient, db: Database, people: People, gate: Gate
):
    with db.write() as session:
        make_tariff(session, amount_vnd=300_000)
    own = called(db, people.own_enterprise, gate)
    other = called(db, people.other_enterprise, gate)
    with db.write() as session:
        for crossing_id in own + other:
            move(
                session, session.get_one(Crossing, crossing_id), CrossingState.crossed, at=utcnow()
            )
    receipts = {r.crossing_id: r.id for r in db.scalars(select(Receipt))}
    enterprise = people[Role.enterprise]
    listed = client.get("/api/v1/receipts", headers=enterprise).json()
    assert [r["crossing_id"] for r in listed["items"]] == own
    asked_for_other = client.get(
        f"/api/v1/receipts?enterprise_id={people.other_enterprise.id}", headers=enterprise
    ).json()
    assert asked_for_other["total"] == 0
    response = client.get(f"/api/v1/receipts/{receipts[other[0]]}", headers=enterprise)
    assert response.status_code == 404
    staff = client.get("/api/v1/receipts", headers=people[Role.board]).json()
    assert staff["total"] == 2


def test_totals_per_enterprise_and_period(
    client: TestClient, db: Database, people: People, gate: Gate
):
    with db.write() as session:
        infrastructure = make_tariff(session, amount_vnd=300_000)
        yard = make_yard(session, gate, make_enterprise(session, roles=["yard_operator"]))
        make_tariff(session, kind="yard", amount_vnd=100_000, per_hours=12)
    own = called(db, people.own_enterprise, gate, count=2)
    other = called(db, people.other_enterprise, gate, count=1)
    now = utcnow()
    with db.write() as session:
        # One own crossing spent 13 hours in a yard: two started 12-hour units.
        session.add(
            YardVisit(
                yard_id=yard.id,
                crossing_id=own[0],
                plate="12C-000.02",
                vehicle_class="truck",
                checked_in_at=now - timedelta(hours=13),
                checked_out_at=now - timedelta(minutes=5),
            )
        )
        for crossing_id in own + other:
            move(
                session, session.get_one(Crossing, crossing_id), CrossingState.crossed, at=utcnow()
            )
    assert infrastructure.amount_vnd == 300_000
    today = local_date(now)
    board = people[Role.board]
    totals = client.get(f"/api/v1/fees/totals?from={today}&to={today}", headers=board).json()
    by_enterprise = {row["enterprise_id"]: row for row in totals["enterprises"]}
    assert by_enterprise[people.own_enterprise.id] == {
        "enterprise_id": people.own_enterprise.id,
        "receipts": 2,
        "infrastructure_vnd": 600_000,
        "yard_vnd": 200_000,
        "total_vnd": 800_000,
    }
    assert by_enterprise[people.other_enterprise.id]["total_vnd"] == 300_000
    assert totals["total_vnd"] == 1_100_000
    assert totals["from"] == str(today)
    earlier = client.get(
        f"/api/v1/fees/totals?to={today - timedelta(days=1)}", headers=board
    ).json()
    assert earlier["enterprises"] == []
    one = client.get(
        f"/api/v1/fees/totals?enterprise_id={people.other_enterprise.id}", headers=board
    ).json()
    assert [row["enterprise_id"] for row in one["enterprises"]] == [people.other_enterprise.id]
    mine = client.get("/api/v1/fees/totals", headers=people[Role.enterprise]).json()
    assert [row["enterprise_id"] for row in mine["enterprises"]] == [people.own_enterprise.id]


def test_receipt_numbers_are_gap_free_under_concurrent_completions(db: Database, gate: Gate):
    """Many transactions complete crossings at once; every third rolls back after
    taking its number. The committed receipts are numbered 1..n exactly."""
    with db.write() as session:
        make_tariff(session, amount_vnd=250_000)
        firm = make_enterprise(session)
    crossing_ids = called(db, firm, gate, count=24)
    start = threading.Barrier(len(crossing_ids))
    errors: list[BaseException] = []

    class Abandoned(Exception):
        pass

    def complete(index: int, crossing_id: int) -> None:
        try:
            start.wait()
            with db.write() as session:
                move(
                    session,
                    session.get_one(Crossing, crossing_id),
                    CrossingState.crossed,
                    at=utcnow(),
                )
                if index % 3 == 0:
                    raise Abandoned
        except Abandoned:
            pass
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=complete, args=(index, crossing_id))
        for index, crossing_id in enumerate(crossing_ids)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    receipts = db.scalars(select(Receipt))
    completed = {c for i, c in enumerate(crossing_ids) if i % 3}
    assert {r.crossing_id for r in receipts} == completed
    year = local_date(utcnow()).year
    assert sorted(r.number for r in receipts) == [
        f"BL-{year}-{n:06d}" for n in range(1, len(completed) + 1)
    ]
    crossed = db.count(Crossing, Crossing.state == CrossingState.crossed)
    assert crossed == len(completed)
