"""A transload's fees from the dated tariff, to the đồng: on its crossing's
receipt, or, with no crossing of ours, on its own receipt to the enterprise that
booked it, counted in the board's fee revenue like any other."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from cuakhau.accounts.service import issue_token
from cuakhau.core.clock import local_date, utcnow
from cuakhau.crossings.states import move
from cuakhau.models import Fee, Receipt, User
from cuakhau.models.enums import CrossingState, FeeKind, Role
from cuakhau.statistics.rollups import rebuild
from cuakhau.transload import service
from cuakhau.transload.reconcile import Tolerance
from cuakhau.transload.schemas import LoadedOut, TransloadBooking, Unloaded
from cuakhau.web.session import SESSION_COOKIE, sign
from tests.conftest import Database, People
from tests.factories import (
    make_called_crossing,
    make_enterprise,
    make_open_gate,
    make_tariff,
    make_transload_yard,
)
from tests.statistics.straight import rolled_up, straight
from tests.transload.conftest import API, book, booking, step

LOOSE = Tolerance(packages=0, weight_percent=Decimal(1))


def test_transshipment_and_storage_fees_go_on_the_crossings_receipt(db: Database):
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    with db.write() as session:
        gate = make_open_gate(session)
        firm = make_enterprise(session)
        yard, (bay,) = make_transload_yard(
            session, gate, make_enterprise(session, roles=["yard_operator"])
        )
        # A line of another kind and an old price of this one are not used.
        make_tariff(session, code="HT", amount_vnd=350_000)
        make_tariff(
            session,
            code="ST-T",
            kind="transshipment",
            vehicle_class="truck",
            amount_vnd=40_000,
            effective_from="2020-01-01",
            effective_to="2020-12-31",
        )
        make_tariff(
            session,
            code="ST-T",
            kind="transshipment",
            vehicle_class="truck",
            amount_vnd=41_500,
            effective_from="2021-01-01",
        )
        make_tariff(session, code="LK", kind="storage", amount_vnd=250_000, per_hours=24)
        crossing = make_called_crossing(session, firm, gate, now=now - timedelta(days=3))
        booked_at = now - timedelta(days=3)
        transload = service.book(
            session,
            yard,
            TransloadBooking(
                bay_id=bay.id,
                starts_at=booked_at + timedelta(hours=1),
                enterprise_id=firm.id,
                crossing_id=crossing.id,
                inbound_plate=crossing.plate,
                cargo="Thanh long",
                perishable=True,
                weight_kg=18000,
            ),
            None,
            booked_at,
        )
        service.arrive(session, transload, booked_at + timedelta(hours=1))
        service.start(transload, booked_at + timedelta(hours=1))
        service.unloaded(
            session,
            transload,
            Unloaded(packages=10, weight_kg=18000),
            booked_at + timedelta(hours=2),
        )
        # Kept two days and some hours: two whole days of storage.
        service.loaded_out(
            session,
            transload,
            LoadedOut(packages=10, weight_kg=17950),
            LOOSE,
            booked_at + timedelta(days=2, hours=9),
        )
        move(session, crossing, CrossingState.crossed, at=now)
        receipt = session.scalar(select(Receipt).where(Receipt.crossing_id == crossing.id))
        assert receipt is not None
        fees = {
            fee.kind: (fee.quantity, fee.amount_vnd)
            for fee in session.scalars(select(Fee).where(Fee.receipt_id == receipt.id))
        }
        assert fees[FeeKind.transshipment] == (18, 18 * 41_500)  # 17.95 t: 18 started tonnes
        assert fees[FeeKind.storage] == (2, 500_000)
        assert fees[FeeKind.infrastructure] == (1, 350_000)
        assert receipt.total_vnd == 350_000 + 747_000 + 500_000


def fee_revenue(client: TestClient, people: People, gate_id: int, day: str) -> int:
    """The board's fee revenue of the day at the gate, read from its rollup."""
    response = client.get(
        f"{API}/statistics/fees",
        params={"period": "day", "at": day, "gate_id": gate_id},
        headers=people[Role.board],
    )
    assert response.status_code == 200, response.text
    return int(response.json()["total"]["measures"]["amount_vnd"])


def test_a_transload_with_no_crossing_of_ours_has_its_own_receipt(
    client: TestClient, db: Database, people: People, zone: dict[str, Any]
):
    with db.write() as session:
        make_tariff(session, code="HT", amount_vnd=350_000)
        make_tariff(
            session, code="ST-T", kind="transshipment", vehicle_class="truck", amount_vnd=41_500
        )
        make_tariff(session, code="LK", kind="storage", amount_vnd=250_000, per_hours=24)
        # A line for a regime or a payload asks what the other side's vehicle does not say.
        make_tariff(session, code="ST-X", kind="transshipment", regime="transit", amount_vnd=99_000)
    runner = zone["operator"]
    made = book(client, zone, runner, booking(zone, people)).json()
    for name, body in (
        ("arrive", {}),
        ("start", {}),
        ("unloaded", {"packages": 1200, "weight_kg": 18000}),
        ("loaded-out", {"packages": 1200, "weight_kg": 17950}),
    ):
        assert step(client, zone, made["id"], name, **body).status_code == 200

    found = client.get(
        f"{API}/receipts", params={"transload_id": made["id"]}, headers=people[Role.admin]
    ).json()
    assert found["total"] == 1
    receipt = found["items"][0]
    # Billed to whoever booked the slot; 17.95 t loaded out is 18 started
    # tonnes; kept for less than a day, no storage.
    assert (receipt["crossing_id"], receipt["enterprise_id"]) == (None, people.own_enterprise.id)
    assert [(f["kind"], f["quantity"], f["amount_vnd"]) for f in receipt["fees"]] == [
        ("transshipment", 18, 18 * 41_500)
    ]
    assert receipt["total_vnd"] == 747_000
    assert receipt["number"].startswith(f"BL-{local_date(utcnow()).year}-")
    # The enterprise sees it among its own, in the API and on its pages.
    own = client.get(f"{API}/receipts/{receipt['id']}", headers=people[Role.enterprise])
    assert own.status_code == 200, own.text
    with db.write() as session:
        user = session.get_one(User, people.users[Role.enterprise].id)
        token, _ = issue_token(session=session, user=user, label="test", lifetime=None)
    settings = client.app.state.settings  # type: ignore[attr-defined]
    client.cookies.set(SESSION_COOKIE, sign(settings, SESSION_COOKIE, token))
    listed = client.get("/fees")
    assert listed.status_code == 200
    assert f"#{made['id']} · 12C-456.78" in listed.text
    page = client.get(f"/fees/receipts/{receipt['id']}")
    assert page.status_code == 200
    assert "12C-456.78 → 桂F12345 · Thanh long tươi" in page.text
    client.cookies.clear()

    # The board's fee revenue is the receipts issued, to the đồng.
    day = local_date(datetime.fromisoformat(receipt["issued_at"])).isoformat()
    gate_id = zone["yard"].gate_id
    issued = db.scalars(select(Receipt.total_vnd).where(Receipt.voided_at.is_(None)))
    assert fee_revenue(client, people, gate_id, day) == sum(issued) == 747_000
    with db.write() as session:
        assert rolled_up(session)[2] == straight(session)[2]
        # Rebuilt from scratch, the same.
        rebuild(session)
        assert rolled_up(session)[2] == straight(session)[2]

    # Said again: loaded out once, charged once.
    assert step(client, zone, made["id"], "loaded-out", packages=1, weight_kg=1).status_code == 409
    assert db.count(Receipt) == 1

    voided = client.post(
        f"{API}/receipts/{receipt['id']}/void",
        json={"reason": "nhầm xe"},
        headers=people[Role.admin],
    )
    assert voided.status_code == 200, voided.text
    assert fee_revenue(client, people, gate_id, day) == 0
    with db.write() as session:
        assert rolled_up(session)[2] == straight(session)[2] == {}
