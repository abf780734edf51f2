"""Handover modes and steps through the real ASGI app, on both databases."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from cuakhau.gateops.service import awaiting_by_hand
from cuakhau.handovers.trailers import trailers
from cuakhau.models import AuditEntry, Crossing, CrossingMove, Gate, TrailerStay, VehicleDay
from cuakhau.models.enums import CrossingState, Direction, Role, TrailerWait
from tests.conftest import Database, People
from tests.factories import make_enterprise, make_open_gate, make_vehicle, make_yard
from tests.handovers.conftest import Hub, book, called


def step(client: TestClient, people: People, crossing_id: int, to: str, **extra: object):  # type: ignore[no-untyped-def]
    body = {"to_state": to, "reason": "ghi nhận tại bãi", **extra}
    return client.post(
        f"/api/v1/crossings/{crossing_id}/handover", json=body, headers=people[Role.yard_operator]
    )


def test_a_gate_offers_drive_through_only_until_the_admin_says_otherwise(
    client: TestClient, people: People, db: Database
) -> None:
    with db.write() as session:
        gate_id = make_open_gate(session).id
    refused = book(client, people, db, gate_id, "trailer_swap")
    assert refused.status_code == 422
    assert refused.json()["code"] == "handover_not_offered"
    assert "Đổi đầu kéo" in refused.json()["detail"]
    assert db.count(Crossing) == 0

    gate = client.get(f"/api/v1/gates/{gate_id}", headers=people[Role.admin]).json()
    assert (gate["offers_drive_through"], gate["offers_trailer_swap"]) == (True, False)
    changed = client.patch(
        f"/api/v1/gates/{gate_id}", json={"offers_trailer_swap": True}, headers=people[Role.admin]
    )
    assert changed.status_code == 200
    assert changed.json()["offers_trailer_swap"] is True
    booked = book(client, people, db, gate_id, "trailer_swap")
    assert booked.status_code == 201, booked.text
    assert booked.json()["handover_mode"] == "trailer_swap"
    assert book(client, people, db, gate_id, "transload").status_code == 422


def test_a_trailer_swap_from_drop_to_hand_back(
    client: TestClient, people: People, db: Database, hub: Hub
) -> None:
    crossing_id = called(client, people, db, hub.gate_id, "trailer_swap")
    dropped = step(client, people, crossing_id, "trailer_dropped", yard_id=hub.yard_id)
    assert dropped.status_code == 200, dropped.text
    assert dropped.json()["state"] == "trailer_dropped"
    assert dropped.json()["moves"][-1]["yard_id"] == hub.yard_id

    listed = client.get("/api/v1/trailers", headers=people[Role.board]).json()
    assert [(t["trailer_plate"], t["waits_for"], t["is_loaded"]) for t in listed] == [
        (listed[0]["trailer_plate"], "transfer_driver", True)
    ]
    assert listed[0]["trailer_plate"].startswith("12R-")
    queue = client.get(f"/api/v1/gates/{hub.gate_id}/transfer-queue", headers=hub.operator).json()
    assert (len(queue["waiting"]), queue["short_by"]) == (1, 1)
    # Another enterprise's yard operator sees none of this yard's trailers.
    assert client.get("/api/v1/trailers", headers=people[Role.yard_operator]).json() == []
    now = client.app.state.clock()  # type: ignore[attr-defined]
    shift = {
        "side": "theirs",
        "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(hours=7)).isoformat(),
        "drivers": 2,
    }
    added = client.post(
        f"/api/v1/gates/{hub.gate_id}/transfer-shifts",
        json=shift,
        headers=people[Role.gate_officer],
    )
    assert added.status_code == 201, added.text
    queue = client.get(f"/api/v1/gates/{hub.gate_id}/transfer-queue", headers=hub.operator).json()
    assert (queue["drivers_on_duty"], queue["short_by"]) == ({"ours": 0, "theirs": 2}, 0)

    for to in ("trailer_taken", "crossed"):
        assert step(client, people, crossing_id, to).status_code == 200
    assert client.get("/api/v1/trailers", headers=people[Role.board]).json() == []
    back = step(client, people, crossing_id, "returned", loaded=False)
    assert back.status_code == 200, back.text
    waiting = client.get("/api/v1/trailers?waits_for=hand_back", headers=hub.operator).json()
    assert [(t["crossing_id"], t["is_loaded"], t["overdue"]) for t in waiting] == [
        (crossing_id, False, False)
    ]
    assert step(client, people, crossing_id, "handed_back").json()["state"] == "handed_back"
    # Handed back, it still crossed: the statistics keep counting it.
    assert db.scalar(select(func.sum(VehicleDay.vehicles))) == 1
    assert client.get("/api/v1/trailers", headers=people[Role.board]).json() == []
    stays = db.scalars(select(TrailerStay).order_by(TrailerStay.id))
    assert [(s.waits_for, s.left_at is not None) for s in stays] == [
        (TrailerWait.transfer_driver, True),
        (TrailerWait.hand_back, True),
    ]


def test_a_step_the_mode_does_not_take_is_refused_and_changes_nothing(
    client: TestClient, people: People, db: Database, hub: Hub
) -> None:
    crossing_id = called(client, people, db, hub.gate_id, "trailer_swap")
    moves = db.count(CrossingMove)
    for to in ("at_bay", "crossed", "handed_back"):
        refused = step(client, people, crossing_id, to, yard_id=hub.yard_id)
        assert refused.status_code == 409, to
        assert refused.json()["code"] == "illegal_move"
        assert refused.json()["allowed"] == ["rejected", "trailer_dropped"]
        assert refused.json()["handover_mode"] == "trailer_swap"
    assert db.count(CrossingMove) == moves
    crossing = db.scalar(select(Crossing).where(Crossing.id == crossing_id))
    assert (crossing.state, crossing.yard_id) == (CrossingState.called, None)
    assert db.count(TrailerStay) == 0
    # A drive-through truck does not drop a trailer either.
    truck = called(client, people, db, hub.gate_id, "drive_through")
    assert step(client, people, truck, "trailer_dropped", yard_id=hub.yard_id).status_code == 409


def test_a_transload_onto_the_other_sides_vehicle(
    client: TestClient, people: People, db: Database, hub: Hub
) -> None:
    crossing_id = called(client, people, db, hub.gate_id, "transload")
    needs_yard = step(client, people, crossing_id, "at_bay")
    assert needs_yard.status_code == 422
    assert needs_yard.json()["code"] == "handover_yard_needed"
    assert step(client, people, crossing_id, "at_bay", yard_id=hub.yard_id).status_code == 200
    assert step(client, people, crossing_id, "unloaded").status_code == 200
    no_plate = step(client, people, crossing_id, "loaded")
    assert no_plate.status_code == 422
    assert no_plate.json()["code"] == "outbound_plate_needed"
    loaded = step(client, people, crossing_id, "loaded", outbound_plate="桂A12345")
    assert loaded.status_code == 200, loaded.text
    assert loaded.json()["outbound_plate"] == "桂A12345"
    for to in ("released", "crossed"):
        assert step(client, people, crossing_id, to).json()["state"] == to
    # Nothing of ours comes back from a transload.
    assert step(client, people, crossing_id, "returned").status_code == 409
    states = db.scalars(
        select(CrossingMove.to_state)
        .where(CrossingMove.crossing_id == crossing_id)
        .order_by(CrossingMove.id)
    )
    assert states[-5:] == ["at_bay", "unloaded", "loaded", "released", "crossed"]


def test_a_transload_the_other_side_refuses_at_the_bay_is_turned_back_and_handed_back(
    client: TestClient, people: People, db: Database, hub: Hub
) -> None:
    crossing_id = called(client, people, db, hub.gate_id, "transload")
    assert step(client, people, crossing_id, "at_bay", yard_id=hub.yard_id).status_code == 200
    # Heard by phone at the gate: the officer records the refusal.
    turned = client.post(
        f"/api/v1/crossings/{crossing_id}/handover",
        json={"to_state": "turned_back", "reason": "phía bạn từ chối: thiếu C/O"},
        headers=people[Role.gate_officer],
    )
    assert turned.status_code == 200, turned.text
    assert turned.json()["moves"][-1]["yard_id"] == hub.yard_id
    # Nothing goes on from there but the hand-back.
    refused = step(client, people, crossing_id, "unloaded")
    assert refused.status_code == 409
    assert refused.json()["allowed"] == ["rejected"]
    handed = step(client, people, crossing_id, "rejected")
    assert handed.status_code == 200, handed.text
    last = handed.json()["moves"][-1]
    assert (handed.json()["state"], last["reason_code"]) == ("rejected", "handed_back_refused")
    assert last["reason_params"] == {
        "refusal": "phía bạn từ chối: thiếu C/O",
        "note": "ghi nhận tại bãi",
    }
    # A truck that crosses itself is refused outright, never turned back.
    truck = called(client, people, db, hub.gate_id, "drive_through")
    assert step(client, people, truck, "turned_back", yard_id=hub.yard_id).status_code == 409


def test_the_yard_operator_changes_the_mode_with_a_reason(
    client: TestClient, people: People, db: Database, hub: Hub
) -> None:
    crossing_id = book(client, people, db, hub.gate_id, "drive_through").json()["id"]
    url = f"/api/v1/crossings/{crossing_id}/handover-mode"
    body = {"handover_mode": "trailer_swap", "reason": "xe đầu kéo hỏng, đổi đầu kéo"}
    assert client.put(url, json=body, headers=people[Role.enterprise]).status_code == 403
    changed = client.put(url, json=body, headers=people[Role.yard_operator])
    assert changed.status_code == 200, changed.text
    assert changed.json()["handover_mode"] == "trailer_swap"
    entry = db.scalar(
        select(AuditEntry)
        .where(AuditEntry.entity == "crossing", AuditEntry.entity_id == str(crossing_id))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    assert entry.before["handover_mode"] == "drive_through"
    assert entry.after["handover_mode"] == "trailer_swap"
    assert entry.after["handover_reason"] == body["reason"]

    with db.write() as session:
        gate = session.get_one(Crossing, crossing_id)
        gate_id = gate.gate_id
    client.patch(
        f"/api/v1/gates/{gate_id}", json={"offers_transload": False}, headers=people[Role.admin]
    )
    refused = client.put(
        url, json={**body, "handover_mode": "transload"}, headers=people[Role.yard_operator]
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "handover_not_offered"

    swapping = called(client, people, db, hub.gate_id, "trailer_swap")
    step(client, people, swapping, "trailer_dropped", yard_id=hub.yard_id)
    fixed = client.put(
        f"/api/v1/crossings/{swapping}/handover-mode",
        json={**body, "handover_mode": "drive_through"},
        headers=people[Role.yard_operator],
    )
    assert fixed.status_code == 409
    assert fixed.json()["code"] == "handover_mode_fixed"


def test_a_hand_back_past_the_hours_set_is_overdue(
    client: TestClient, people: People, db: Database, hub: Hub
) -> None:
    crossing_id = called(client, people, db, hub.gate_id, "trailer_swap")
    for to in ("trailer_dropped", "trailer_taken", "crossed", "returned"):
        assert step(client, people, crossing_id, to, yard_id=hub.yard_id).status_code == 200
    with db.write() as session:
        since = session.scalar(select(TrailerStay.since).where(TrailerStay.left_at.is_(None)))
        assert since is not None
        on_time = trailers(session, since + timedelta(hours=24), 24)
        late = trailers(session, since + timedelta(hours=25), 24, overdue_only=True)
    assert [t.overdue for t in on_time] == [False]
    assert [(t.crossing_id, t.overdue, t.hours) for t in late] == [(crossing_id, True, 25)]


def test_a_walk_in_takes_a_mode_its_yard_offers(
    client: TestClient, people: People, db: Database, hub: Hub
) -> None:
    with db.write() as session:
        plain = make_yard(
            session,
            session.get_one(Gate, hub.gate_id),
            make_enterprise(session, roles=["yard_operator"]),
        )
        plain_id = plain.id
        plates = [make_vehicle(session, people.own_enterprise).plate for _ in range(2)]
    body = {"gate_id": hub.gate_id, "direction": "export", "regime": "export"}
    url = "/api/v1/crossings/walk-in"
    headers = people[Role.gate_officer]
    refused = client.post(
        url,
        json={**body, "plate": plates[0], "yard_id": plain_id, "handover_mode": "transload"},
        headers=headers,
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "handover_not_offered"
    taken = client.post(
        url,
        json={**body, "plate": plates[1], "yard_id": hub.yard_id, "handover_mode": "transload"},
        headers=headers,
    )
    assert taken.status_code == 201, taken.text
    assert taken.json()["handover_mode"] == "transload"
    assert db.count(Crossing) == 1


def test_a_camera_seeing_a_swapped_trucks_tractor_leave_raises_an_alert(
    client: TestClient, people: People, db: Database, hub: Hub
) -> None:
    """A trailer swap's own truck does not cross: a border camera's read of it
    is an alert for a person, not an error for the batch, and moves nothing."""
    crossing_id = called(client, people, db, hub.gate_id, "trailer_swap")
    plate = db.scalar(select(Crossing.plate).where(Crossing.id == crossing_id))
    seen = {
        "read_id": "swap-1",
        "plate": plate,
        "point": "border_out",
        "read_at": client.app.state.clock().isoformat(),  # type: ignore[attr-defined]
        "confidence": 0.97,
    }
    answer = client.post("/api/v1/plate-reads", json={"reads": [seen]}, headers=people[Role.camera])
    assert answer.status_code == 200, answer.text
    result = answer.json()["results"][0]
    assert (result["outcome"], result["alert_kind"]) == ("alert", "illegal_move")
    assert db.scalar(select(Crossing.state).where(Crossing.id == crossing_id)) is (
        CrossingState.called
    )


def test_the_gate_officer_is_offered_by_hand_only_the_moves_a_mode_takes(
    client: TestClient, people: People, db: Database, hub: Hub
) -> None:
    truck = called(client, people, db, hub.gate_id, "drive_through")
    swap = called(client, people, db, hub.gate_id, "trailer_swap")
    with db.write() as session:
        offered = awaiting_by_hand(session, hub.gate_id, Direction.export)
        assert swap not in [c.id for c in offered]
        assert [c.id for c in offered] == [truck]
