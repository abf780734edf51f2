from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cuakhau.core.clock import utcnow
from cuakhau.models import Crossing, CrossingMove, CrossingWindow, Notification
from cuakhau.models.enums import CrossingState, Role
from tests.conftest import Database, People
from tests.factories import (
    advance,
    make_booking,
    make_enterprise,
    make_open_gate,
)


@pytest.fixture
def zone(db: Database) -> Any:
    with db.write() as session:
        gate = make_open_gate(session)
        firm = make_enterprise(session)
    return gate, firm


def arrived(db: Database, zone: Any, perishable: bool = False) -> Crossing:
    with db.write() as session:
        crossing = make_booking(session, zone[1], zone[0], now=utcnow(), perishable=perishable)
        return advance(session, crossing, CrossingState.arrived, at=utcnow())


def act(client: TestClient, people: People, crossing: Crossing, action: str, body: Any) -> Any:
    return client.post(
        f"/api/v1/crossings/{crossing.id}/{action}", json=body, headers=people[Role.customs]
    )


def declaration(channel: str, quarantine: bool = False) -> dict[str, Any]:
    return {"declaration_no": "305123456789", "channel": channel, "needs_quarantine": quarantine}


def test_green_channel_clears(client: TestClient, people: People, db: Database, zone: Any):
    crossing = arrived(db, zone)
    declared = act(client, people, crossing, "declaration", declaration("green"))
    assert declared.status_code == 200, declared.text
    assert (declared.json()["state"], declared.json()["channel"]) == ("declared", "green")
    cleared = act(client, people, crossing, "clearance", {})
    assert cleared.json()["state"] == "cleared"
    assert cleared.json()["hold_reason"] is None


def test_red_channel_held_released_called_crossed(
    client: TestClient, people: People, db: Database, zone: Any
):
    crossing = arrived(db, zone)
    act(client, people, crossing, "declaration", declaration("red"))
    held = act(client, people, crossing, "clearance", {})
    assert (held.json()["state"], held.json()["hold_reason"], held.json()["hold_grounds"]) == (
        "held",
        "red channel: physical inspection",
        ["inspection"],
    )
    released = act(client, people, crossing, "release", {"reason": "inspection passed"})
    assert (released.json()["state"], released.json()["hold_reason"]) == ("cleared", None)
    officer = people[Role.gate_officer]
    called = client.post(
        f"/api/v1/gates/{zone[0].id}/call", json={"direction": "export"}, headers=officer
    )
    assert [c["id"] for c in called.json()["called"]] == [crossing.id]
    crossed = client.post(
        f"/api/v1/crossings/{crossing.id}/crossed", json={"reason": "camera down"}, headers=officer
    )
    assert crossed.json()["state"] == "crossed"
    last = crossed.json()["moves"][-1]
    assert (last["reason"], last["reason_code"], last["reason_params"]) == (
        "recorded by hand: camera down",
        "by_hand",
        {"reason": "camera down"},
    )
    notices = db.scalars(
        select(Notification)
        .where(Notification.crossing_id == crossing.id)
        .order_by(Notification.id)
    )
    told = [
        (n.event.value, n.payload["reason_code"], n.payload["reason_params"])
        for n in list(notices)[-4:]
    ]
    # Each notice carries its move's reason as a code and values, for the
    # enterprise's own system to say in its language.
    assert told == [
        ("held", "held", {"grounds": ["inspection"]}),
        ("released", None, None),  # an officer's words, kept as typed
        ("called", "called", {"gate": zone[0].code}),
        ("crossed", "by_hand", {"reason": "camera down"}),
    ]


def test_quarantine_holds_even_on_green(
    client: TestClient, people: People, db: Database, zone: Any
):
    crossing = arrived(db, zone)
    act(client, people, crossing, "declaration", declaration("green", quarantine=True))
    held = act(client, people, crossing, "clearance", {})
    assert (held.json()["state"], held.json()["hold_reason"]) == ("held", "quarantine")


def test_illegal_moves_are_refused_and_change_nothing(
    client: TestClient, people: People, db: Database, zone: Any
):
    crossing = arrived(db, zone)
    moves = db.count(CrossingMove)
    early = act(client, people, crossing, "clearance", {})
    assert early.status_code == 409
    assert early.json()["code"] == "illegal_move"
    assert early.json()["allowed"] == ["declared"]
    assert act(client, people, crossing, "release", {"reason": "no hold"}).status_code == 409
    gate_officer = people[Role.gate_officer]
    by_hand = client.post(
        f"/api/v1/crossings/{crossing.id}/crossed", json={"reason": "skip"}, headers=gate_officer
    )
    assert by_hand.status_code == 409
    after = db.scalar(select(Crossing).where(Crossing.id == crossing.id))
    assert (after.state, after.declaration_no) == (CrossingState.arrived, None)
    assert db.count(CrossingMove) == moves
    missing = client.post(
        "/api/v1/crossings/999999/declaration", json=declaration("green"), headers=gate_officer
    )
    assert missing.status_code == 403


def test_rejection_gives_the_window_back(
    client: TestClient, people: People, db: Database, zone: Any
):
    crossing = arrived(db, zone)
    window = select(CrossingWindow.booked).where(CrossingWindow.id == crossing.window_id)
    before = db.scalar(window)
    act(client, people, crossing, "declaration", declaration("yellow"))
    rejected = act(client, people, crossing, "reject", {"reason": "documents forged"})
    assert rejected.json()["state"] == "rejected"
    assert db.scalar(window) == before - 1
    # The enterprise hears of it, with the officer's reason.
    told = db.scalars(
        select(Notification).where(
            Notification.crossing_id == crossing.id, Notification.event == "rejected"
        )
    )
    assert [n.payload["reason"] for n in told] == ["documents forged"]


def test_work_list_puts_perishables_first(
    client: TestClient, people: People, db: Database, zone: Any
):
    ordinary = arrived(db, zone)
    fruit = arrived(db, zone, perishable=True)
    act(client, people, ordinary, "declaration", declaration("green"))
    listed = client.get(
        f"/api/v1/clearance/crossings?gate_id={zone[0].id}", headers=people[Role.customs]
    )
    assert [c["id"] for c in listed.json()["items"]] == [fruit.id, ordinary.id]
    declared = client.get(
        "/api/v1/clearance/crossings?state=declared", headers=people[Role.customs]
    )
    assert [c["id"] for c in declared.json()["items"]] == [ordinary.id]
    missing = client.post(
        "/api/v1/crossings/999999/clearance", json={}, headers=people[Role.customs]
    )
    assert missing.status_code == 404
