"""Lanes at a gate through the real app on both databases: which truck may take
which lane (``lane_allowed``), the lane a booking is given when it names none,
windows per lane, and a re-plan that keeps a truck in its lane."""

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cuakhau.core.clock import local_date, local_datetime, utcnow
from cuakhau.models import CapacityPattern, Crossing
from cuakhau.models.enums import Direction, LaneKind, Role
from tests.conftest import Database, People
from tests.crossings.test_api import booking_body
from tests.crossings.test_booking_rules import written
from tests.factories import cargo, make_gate, make_pattern, make_priority_classes, make_vehicle

URL = "/api/v1/crossings"


@pytest.fixture
def lanes_gate(db: Database) -> int:
    """Ordinary windows of three and a perishable fast lane of one, every hour;
    unmanned windows of two from 18:30 to 20:00."""
    with db.write() as session:
        make_priority_classes(session)
        gate = make_gate(session, holiday_calendars=[])
        make_pattern(session, gate, capacity=3, hours=range(24))
        make_pattern(session, gate, capacity=1, hours=range(24), lane=LaneKind.perishable)
        session.add_all(
            CapacityPattern(
                gate_id=gate.id,
                direction=Direction.export,
                lane=LaneKind.unmanned,
                weekday=weekday,
                starts_at=time(18, 30),
                ends_at=time(20, 0),
                capacity=2,
            )
            for weekday in range(7)
        )
        return gate.id


def _tomorrow_at(hour: int, minute: int = 0) -> datetime:
    return local_datetime(local_date(utcnow()) + timedelta(days=1), time(hour, minute))


def _windows(client: TestClient, gate_id: int) -> list[dict[str, Any]]:
    day = local_date(utcnow()) + timedelta(days=1)
    answer = client.get(f"/api/v1/gates/{gate_id}/windows?direction=export&from={day}&to={day}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def _window(client: TestClient, gate_id: int, lane: LaneKind, hour: int, minute: int = 0) -> dict:
    at = _tomorrow_at(hour, minute)
    return next(
        w
        for w in _windows(client, gate_id)
        if w["lane"] == lane.value and datetime.fromisoformat(w["starts_at"]) == at
    )


def _unmanned_body(people: People, db: Database, gate_id: int, **extra: object) -> dict[str, Any]:
    with db.write() as session:
        truck = make_vehicle(session, people.own_enterprise, is_unmanned=True)
    return {
        "vehicle_id": truck.id,
        "gate_id": gate_id,
        "direction": "export",
        "regime": "export",
        **extra,
    }


def _book(client: TestClient, people: People, body: dict[str, Any]) -> Any:
    return client.post(URL, json=body, headers=people[Role.enterprise])


def test_the_windows_of_a_day_are_each_lanes(client: TestClient, lanes_gate: int):
    lanes = [w["lane"] for w in _windows(client, lanes_gate)]
    assert lanes.count("ordinary") == 24
    assert lanes.count("perishable") == 24
    assert lanes.count("unmanned") == 1
    unmanned = _window(client, lanes_gate, LaneKind.unmanned, 18, 30)
    assert datetime.fromisoformat(unmanned["ends_at"]) == _tomorrow_at(20)
    assert unmanned["capacity"] == 2


def test_perishable_cargo_is_given_the_fast_lane_and_other_cargo_the_ordinary(
    client: TestClient, people: People, db: Database, lanes_gate: int
):
    """At the same start the lane set apart goes first; once it is full, the
    ordinary lane's window at that start."""
    not_before = _tomorrow_at(10).isoformat()
    fruit = booking_body(people, db, lanes_gate, not_before=not_before, cargo=cargo(True))
    first = _book(client, people, fruit)
    assert first.status_code == 201, first.text
    assert first.json()["lane"] == "perishable"
    assert datetime.fromisoformat(first.json()["window_starts_at"]) == _tomorrow_at(10)

    more_fruit = booking_body(people, db, lanes_gate, not_before=not_before, cargo=cargo(True))
    second = _book(client, people, more_fruit)
    assert second.status_code == 201, second.text
    assert second.json()["lane"] == "ordinary"
    assert datetime.fromisoformat(second.json()["window_starts_at"]) == _tomorrow_at(10)

    furniture = booking_body(people, db, lanes_gate, not_before=not_before)
    third = _book(client, people, furniture)
    assert third.status_code == 201, third.text
    assert third.json()["lane"] == "ordinary"
    with db.write() as session:
        lanes = sorted(c.lane.value for c in session.query(Crossing))
    assert lanes == ["ordinary", "ordinary", "perishable"]


def test_a_lane_the_truck_may_not_take_is_refused_and_nothing_written(
    client: TestClient, people: People, db: Database, lanes_gate: int
):
    before = written(db)
    named_lane = _book(
        client,
        people,
        booking_body(people, db, lanes_gate, lane="perishable", cargo=cargo()),
    )
    assert named_lane.status_code == 422, named_lane.text
    assert named_lane.json()["code"] == "lane_not_allowed"
    assert named_lane.json()["errors"][0]["field"] == "lane"
    assert "«làn ưu tiên hàng tươi sống»" in named_lane.json()["detail"]

    unmanned = _window(client, lanes_gate, LaneKind.unmanned, 18, 30)
    named_window = _book(
        client,
        people,
        booking_body(people, db, lanes_gate, window_id=unmanned["id"]),
    )
    assert named_window.status_code == 422, named_window.text
    assert named_window.json()["code"] == "lane_not_allowed"
    english = client.post(
        URL,
        json=booking_body(people, db, lanes_gate, lane="unmanned"),
        headers={**people[Role.enterprise], "Accept-Language": "en"},
    )
    assert english.status_code == 422
    assert "may not use the unmanned-vehicle windows" in english.json()["detail"]
    assert written(db) == before


def test_an_unmanned_vehicle_takes_the_unmanned_windows(
    client: TestClient, people: People, db: Database, lanes_gate: int
):
    body = _unmanned_body(
        people, db, lanes_gate, lane="unmanned", not_before=_tomorrow_at(0).isoformat()
    )
    booked = _book(client, people, body)
    assert booked.status_code == 201, booked.text
    assert booked.json()["lane"] == "unmanned"
    assert datetime.fromisoformat(booked.json()["window_starts_at"]) == _tomorrow_at(18, 30)
    assert _window(client, lanes_gate, LaneKind.unmanned, 18, 30)["booked"] == 1


def test_a_named_window_of_another_lane_than_named_is_not_bookable(
    client: TestClient, people: People, db: Database, lanes_gate: int
):
    ordinary = _window(client, lanes_gate, LaneKind.ordinary, 10)
    body = booking_body(people, db, lanes_gate, window_id=ordinary["id"], lane="freight_road")
    refused = _book(client, people, body)
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "window_not_bookable"


def test_a_walk_in_may_not_name_a_lane_it_may_not_take(
    client: TestClient, people: People, db: Database, lanes_gate: int
):
    with db.write() as session:
        truck = make_vehicle(session, people.own_enterprise)
    body = {
        "plate": truck.plate,
        "gate_id": lanes_gate,
        "direction": "export",
        "regime": "export",
        "lane": "unmanned",
    }
    refused = client.post("/api/v1/crossings/walk-in", json=body, headers=people[Role.gate_officer])
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "lane_not_allowed"
    queued = client.post(
        "/api/v1/crossings/walk-in",
        json={**body, "lane": None, "cargo": cargo(True)},
        headers=people[Role.gate_officer],
    )
    assert queued.status_code == 201, queued.text
    assert queued.json()["lane"] == "perishable"


def test_a_cut_moves_trucks_within_their_lane(
    client: TestClient, people: People, db: Database, lanes_gate: int
):
    """Closing the perishable lane at 10:00 moves its truck to the lane's 11:00,
    not to the ordinary lane's room at 10:00."""
    not_before = _tomorrow_at(10).isoformat()
    fruit = booking_body(people, db, lanes_gate, not_before=not_before, cargo=cargo(True))
    booked = _book(client, people, fruit)
    assert booked.json()["lane"] == "perishable"
    day = (local_date(utcnow()) + timedelta(days=1)).isoformat()
    cut = client.post(
        f"/api/v1/gates/{lanes_gate}/overrides",
        json={
            "lane": "perishable",
            "kind": "closure",
            "starts_on": day,
            "ends_on": day,
            "from_time": "10:00",
            "to_time": "11:00",
            "reason": "Sửa làn ưu tiên",
        },
        headers=people[Role.gate_officer],
    )
    assert cut.status_code == 201, cut.text
    [moved] = cut.json()["moves"]
    assert datetime.fromisoformat(moved["to_starts_at"]) == _tomorrow_at(11)
    assert _window(client, lanes_gate, LaneKind.perishable, 10)["capacity"] == 0
    assert _window(client, lanes_gate, LaneKind.ordinary, 10)["capacity"] == 3
    assert _window(client, lanes_gate, LaneKind.perishable, 11)["booked"] == 1
