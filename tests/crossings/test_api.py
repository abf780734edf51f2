"""The digital border gate through the real ASGI app, on both databases."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.core.actor import Actor
from cuakhau.core.clock import local_date, utcnow
from cuakhau.core.config import Settings
from cuakhau.core.database import make_engine, session_scope
from cuakhau.crossings.booking import sweep_no_shows, walk_in
from cuakhau.crossings.schemas import WalkInRequest
from cuakhau.crossings.states import RELEASING_STATES
from cuakhau.models import (
    CargoLine,
    Crossing,
    CrossingWindow,
    Enterprise,
    Gate,
    NoShowStanding,
    Notification,
)
from cuakhau.models.enums import Direction, Regime, Role
from cuakhau.sessions import audited_session_factory
from tests.conftest import Database, People
from tests.factories import (
    bearer,
    cargo,
    make_booking,
    make_user,
    make_vehicle,
)


def tomorrow_window(client: TestClient, gate_id: int, hour: int = 10) -> dict:
    day = local_date(utcnow()) + timedelta(days=1)
    windows = client.get(
        f"/api/v1/gates/{gate_id}/windows?direction=export&from={day}&to={day}"
    ).json()
    return windows[hour]


def booking_body(people: People, db: Database, gate_id: int, **extra: object) -> dict[str, Any]:
    """A booking of a new truck of the enterprise's, as the API takes it."""
    with db.write() as session:
        vehicle = make_vehicle(session, people.own_enterprise)
    return {
        "vehicle_id": vehicle.id,
        "gate_id": gate_id,
        "direction": "export",
        "regime": "export",
        "cargo": cargo(),
        **extra,
    }


def book(client: TestClient, people: People, db: Database, gate_id: int, **extra: object):  # type: ignore[no-untyped-def]
    body = booking_body(people, db, gate_id, **extra)
    return client.post("/api/v1/crossings", json=body, headers=people[Role.enterprise])


def assert_counts_agree(db: Database) -> None:
    """Every window's booked count is exactly the crossings holding one of its units
    (a truck that crossed used its unit; a cancelled one gave it back)."""
    with db.write() as session:
        held = dict(
            session.execute(
                select(Crossing.window_id, func.count())
                .where(~Crossing.state.in_(RELEASING_STATES), Crossing.window_id.is_not(None))
                .group_by(Crossing.window_id)
            ).all()
        )
        windows = list(session.scalars(select(CrossingWindow)))
    for window in windows:
        assert window.booked == held.get(window.id, 0), window.id
        assert window.booked <= window.capacity


def test_windows_are_public(client: TestClient, gate_id: int):
    window = tomorrow_window(client, gate_id)
    assert window["capacity"] == 3
    assert window["free"] == 3
    assert window["open"] is True


def test_book_see_position_and_cancel(
    client: TestClient, people: People, db: Database, gate_id: int
):
    window = tomorrow_window(client, gate_id)
    booked = book(client, people, db, gate_id, window_id=window["id"])
    assert booked.status_code == 201, booked.text
    crossing = booked.json()
    assert crossing["state"] == "booked"
    assert crossing["window_starts_at"] == window["starts_at"]
    assert crossing["moves"][0]["to_state"] == "booked"

    position = client.get(
        f"/api/v1/crossings/{crossing['id']}/position", headers=people[Role.enterprise]
    ).json()
    assert position["position"] == 1
    assert position["estimated_crossing_at"] == window["starts_at"]

    other = client.get(f"/api/v1/crossings/{crossing['id']}", headers=people[Role.gate_officer])
    assert other.status_code == 200
    cancelled = client.post(
        f"/api/v1/crossings/{crossing['id']}/cancel", headers=people[Role.enterprise]
    )
    assert cancelled.json()["state"] == "cancelled"
    assert tomorrow_window(client, gate_id)["booked"] == 0
    assert_counts_agree(db)


def test_the_booking_answers_the_crossing_as_read_back(
    client: TestClient, people: People, db: Database, gate_id: int
):
    """The booking's answer is made from what the procedure wrote, without
    reading it back: it is the crossing as stored, a value written without its
    cents included."""
    window = tomorrow_window(client, gate_id)
    lines = [{**cargo()[0], "value_usd": "12000"}]
    booked = book(client, people, db, gate_id, window_id=window["id"], cargo=lines)
    assert booked.status_code == 201, booked.text
    assert booked.json()["cargo"][0]["value_usd"] == "12000.00"
    read = client.get(f"/api/v1/crossings/{booked.json()['id']}", headers=people[Role.enterprise])
    assert booked.json() == read.json()


def test_a_full_width_hs_code_is_stored_plain(
    client: TestClient, people: People, db: Database, gate_id: int
):
    window = tomorrow_window(client, gate_id)
    lines = [{**cargo()[0], "hs_code": "９４０３６０"}]
    booked = book(client, people, db, gate_id, window_id=window["id"], cargo=lines)
    assert booked.status_code == 201, booked.text
    assert booked.json()["cargo"][0]["hs_code"] == "940360"
    with db.write() as session:
        assert session.scalars(select(CargoLine.hs_code)).all() == ["940360"]


def test_full_window_answers_409_with_the_next_free_ones(
    client: TestClient, people: People, db: Database, gate_id: int
):
    window = tomorrow_window(client, gate_id)
    for _ in range(3):
        assert book(client, people, db, gate_id, window_id=window["id"]).status_code == 201
    full = book(client, people, db, gate_id, window_id=window["id"])
    assert full.status_code == 409
    problem = full.json()
    assert problem["code"] == "window_full"
    assert problem["next_free_windows"][0]["starts_at"] > window["starts_at"]
    assert db.count(Crossing) == 3
    assert_counts_agree(db)


def test_a_rule_that_refuses_names_itself(
    client: TestClient, people: People, db: Database, gate_id: int
):
    first = book(client, people, db, gate_id)
    assert first.status_code == 201
    again = client.post(
        "/api/v1/crossings",
        json={
            "vehicle_id": first.json()["vehicle_id"],
            "gate_id": gate_id,
            "direction": "export",
            "regime": "export",
        },
        headers=people[Role.enterprise],
    )
    assert again.status_code == 409
    assert again.json()["rule"] == "open_bookings"
    assert "12C" in again.json()["detail"]


def test_enterprises_cannot_see_each_others_crossings(
    client: TestClient, people: People, db: Database, gate_id: int
):
    crossing = book(client, people, db, gate_id).json()
    with db.write() as session:
        outsider = bearer(
            session, make_user(session, Role.enterprise, enterprise=people.other_enterprise)
        )
    for path in (
        f"/api/v1/crossings/{crossing['id']}",
        f"/api/v1/crossings/{crossing['id']}/position",
    ):
        assert client.get(path, headers=outsider).status_code == 404
    assert (
        client.post(f"/api/v1/crossings/{crossing['id']}/cancel", headers=outsider).status_code
        == 404
    )
    assert client.get("/api/v1/crossings", headers=outsider).json()["total"] == 0


def test_capacity_cut_replans_in_fair_order_with_preview(
    client: TestClient, people: People, db: Database, gate_id: int
):
    window = tomorrow_window(client, gate_id)
    first_ordinary = book(client, people, db, gate_id, window_id=window["id"]).json()
    perishable = book(
        client, people, db, gate_id, window_id=window["id"], cargo=cargo(perishable=True)
    ).json()
    second_ordinary = book(client, people, db, gate_id, window_id=window["id"]).json()
    day = window["starts_at"]
    local_day = str(local_date(utcnow()) + timedelta(days=1))
    override = {
        "direction": "export",
        "kind": "capacity",
        "starts_on": local_day,
        "ends_on": local_day,
        "from_time": "10:00",
        "to_time": "11:00",
        "value": "1",
        "reason": "Trung Quốc giảm năng lực tiếp nhận",
    }
    officer = people[Role.gate_officer]
    preview = client.post(
        f"/api/v1/gates/{gate_id}/overrides?preview=true", json=override, headers=officer
    )
    assert preview.status_code == 201, preview.text
    assert preview.json()["preview"] is True
    planned = [(m["crossing_id"], m["to_starts_at"]) for m in preview.json()["moves"]]
    assert [crossing for crossing, _ in planned] == [first_ordinary["id"], second_ordinary["id"]]
    assert tomorrow_window(client, gate_id)["booked"] == 3  # nothing saved
    assert db.count(Notification, Notification.event == "moved_by_replan") == 0

    saved = client.post(f"/api/v1/gates/{gate_id}/overrides", json=override, headers=officer)
    assert [(m["crossing_id"], m["to_starts_at"]) for m in saved.json()["moves"]] == planned
    # The perishable truck keeps the window; the others move to the next hour, in order.
    kept = client.get(f"/api/v1/crossings/{perishable['id']}", headers=officer).json()
    assert kept["window_starts_at"] == day
    assert all(to > day for _, to in planned)
    assert db.count(Notification, Notification.event == "moved_by_replan") == 2
    moved = db.scalars(select(Notification).where(Notification.event == "moved_by_replan"))
    assert {(n.payload["reason_code"], n.payload["reason"]) for n in moved} == {
        ("capacity_reduced", "capacity cut")
    }
    # The crossing says where its window went, and why.
    first = client.get(f"/api/v1/crossings/{first_ordinary['id']}", headers=officer).json()
    [change] = first["window_changes"]
    assert (change["from_window_starts_at"], change["to_window_starts_at"]) == (day, planned[0][1])
    assert (change["reason_code"], change["reason"]) == ("capacity_reduced", "capacity cut")
    assert kept["window_changes"] == []
    assert tomorrow_window(client, gate_id)["capacity"] == 1
    assert_counts_agree(db)

    # Lifting the cut pulls back a truck that is already waiting in the zone.
    arrived = client.post(
        f"/api/v1/crossings/{first_ordinary['id']}/arrive", headers=people[Role.yard_operator]
    )
    assert arrived.json()["state"] == "arrived"
    lifted = client.post(
        f"/api/v1/gates/{gate_id}/overrides/{saved.json()['override']['id']}/deactivate",
        headers=officer,
    )
    assert [m["crossing_id"] for m in lifted.json()["moves"]] == [first_ordinary["id"]]
    back = client.get(f"/api/v1/crossings/{first_ordinary['id']}", headers=officer).json()
    assert back["window_starts_at"] == day
    assert_counts_agree(db)


def test_walk_in_and_manual_moves(client: TestClient, people: People, db: Database, gate_id: int):
    with db.write() as session:
        vehicle = make_vehicle(session, people.own_enterprise)
    walk_in = client.post(
        "/api/v1/crossings/walk-in",
        json={
            "plate": vehicle.plate,
            "gate_id": gate_id,
            "direction": "export",
            "regime": "export",
        },
        headers=people[Role.yard_operator],
    )
    assert walk_in.status_code == 201, walk_in.text
    crossing = walk_in.json()
    assert crossing["state"] == "arrived"
    assert crossing["is_walk_in"] is True
    assert crossing["window_id"] is not None
    officer = people[Role.gate_officer]
    path = f"/api/v1/crossings/{crossing['id']}/moves"
    illegal = client.post(
        path, json={"to_state": "crossed", "reason": "camera down"}, headers=officer
    )
    assert illegal.status_code == 409
    assert illegal.json()["allowed"] == ["declared"]
    for state in ("declared", "cleared", "called", "crossed", "returned"):
        moved = client.post(
            path, json={"to_state": state, "reason": "camera down"}, headers=officer
        )
        assert moved.status_code == 200, moved.text
    history = client.get(f"/api/v1/crossings/{crossing['id']}", headers=officer).json()["moves"]
    assert [m["to_state"] for m in history] == [
        "arrived",
        "declared",
        "cleared",
        "called",
        "crossed",
        "returned",
    ]
    assert all(m["actor_label"] for m in history)
    unknown = client.post(
        "/api/v1/crossings/walk-in",
        json={"plate": "99C-999.99", "gate_id": gate_id, "direction": "export", "regime": "export"},
        headers=people[Role.yard_operator],
    )
    assert unknown.status_code == 422


def test_queue_and_public_wait_times(
    client: TestClient, people: People, db: Database, gate_id: int
):
    window = tomorrow_window(client, gate_id)
    for perishable in (False, True):
        book(client, people, db, gate_id, window_id=window["id"], cargo=cargo(perishable))
    queue = client.get(
        f"/api/v1/queue?gate_id={gate_id}&direction=export", headers=people[Role.gate_officer]
    ).json()
    assert [q["position"] for q in queue] == [1, 2]
    # Perishable first within the window.
    assert queue[0]["priority_class_id"] != queue[1]["priority_class_id"]
    assert queue[0]["estimated_crossing_at"] <= queue[1]["estimated_crossing_at"]
    public = client.get("/api/v1/public/wait-times").json()
    mine = [g for g in public if g["gate_id"] == gate_id]
    assert {g["direction"] for g in mine} == {"export", "import"}
    export = next(g for g in mine if g["direction"] == "export")
    assert export["trucks_waiting"] == 0
    assert export["warning"] == "green"
    assert export["capacity_today"] > 0
    assert export["estimated_wait_minutes"] is not None


def test_override_input_is_checked(client: TestClient, people: People, gate_id: int):
    officer = people[Role.gate_officer]
    bad = {"kind": "factor", "starts_on": "2031-01-02", "ends_on": "2031-01-01", "reason": "x"}
    response = client.post(f"/api/v1/gates/{gate_id}/overrides", json=bad, headers=officer)
    assert response.status_code == 422
    codes = {e["code"] for e in response.json()["errors"]}
    assert "string_too_short" in codes
    past = {"kind": "closure", "starts_on": "2020-01-01", "ends_on": "2020-01-02", "reason": "Tết"}
    refused = client.post(f"/api/v1/gates/{gate_id}/overrides", json=past, headers=officer)
    assert refused.json()["code"] == "override_in_past"


def test_public_wait_times_are_shared_until_a_queue_changes(
    client: TestClient,
    people: People,
    db: Database,
    settings: Settings,
    gate_id: int,
    monkeypatch: pytest.MonkeyPatch,
):
    # The answer's age by a clock of the test's: however slow the machine, no
    # answer grows old between two requests unless the test says so.
    shared = client.app.state.wait_times  # type: ignore[attr-defined]
    moment = [0.0]
    monkeypatch.setattr(shared, "clock", lambda: moment[0])

    def waiting() -> int:
        answer = client.get("/api/v1/public/wait-times").json()
        mine = [g for g in answer if g["gate_id"] == gate_id and g["direction"] == "export"]
        return int(mine[0]["trucks_waiting"])

    def walk_in_truck(factory: sessionmaker[Session]) -> None:
        with session_scope(factory, Actor(label="test")) as session:
            truck = make_vehicle(session, session.get_one(Enterprise, people.own_enterprise.id))
            request = WalkInRequest(
                plate=truck.plate, gate_id=gate_id, direction=Direction.export, regime=Regime.export
            )
            walk_in(session, request=request, now=utcnow())

    assert waiting() == 0
    # Written through another engine, as another server process would: nothing
    # announced here, so the shared answer stands (for at most two seconds).
    engine = make_engine(settings.database_url)
    try:
        walk_in_truck(audited_session_factory(engine))
    finally:
        engine.dispose()
    assert waiting() == 0
    # Once the answer is as old as it may be, it is computed again.
    moment[0] += shared.max_age
    assert waiting() == 1
    # Written through this process, the change is announced before anyone reads.
    walk_in_truck(db.factory)
    assert waiting() == 2


def test_a_shorter_no_show_period_counts_at_once(
    client: TestClient, people: People, db: Database, gate_id: int
):
    """Twenty days ago the enterprise's truck never came; a period of ten days
    no longer counts it, from the moment the admin says so."""
    with db.write() as session:
        gate = session.get_one(Gate, gate_id)
        firm = people.own_enterprise
        make_booking(session, firm, gate, now=utcnow() - timedelta(days=20))
        sweep_no_shows(session, utcnow())
        standing = session.get_one(NoShowStanding, firm.id)
        assert (standing.no_shows, standing.bookings) == (1, 1)

    changed = client.patch(
        "/api/v1/booking-policy", json={"no_show_period_days": 10}, headers=people[Role.admin]
    )
    assert changed.status_code == 200, changed.text
    assert db.count(NoShowStanding) == 0
