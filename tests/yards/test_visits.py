import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cuakhau.core.actor import Actor
from cuakhau.core.clock import ZONE_TZ, utcnow
from cuakhau.core.database import session_scope
from cuakhau.core.errors import Conflict
from cuakhau.crossings.states import move
from cuakhau.models import Crossing, Yard, YardSpace, YardVisit
from cuakhau.models.enums import CrossingState, Role
from cuakhau.yards.visits import (
    CheckIn,
    check_in,
    check_out,
    hourly_occupancy,
    occupancy,
    overstaying,
)
from tests.conftest import Database, People
from tests.factories import (
    bearer,
    cargo,
    make_booking,
    make_enterprise,
    make_open_gate,
    make_user,
    make_vehicle,
    make_yard,
)


@pytest.fixture
def zone(db: Database) -> Any:
    with db.write() as session:
        gate = make_open_gate(session)
        firm = make_enterprise(session)
        operator = make_enterprise(session, roles=["yard_operator"])
    return gate, firm, operator


def make_small_yard(db: Database, zone: Any, trucks: int, cold: int = 0) -> Yard:
    gate, _, operator = zone
    with db.write() as session:
        return make_yard(session, gate, operator, spaces={"truck": trucks}, cold_spaces=cold)


def url(yard: Yard, action: str) -> str:
    return f"/api/v1/yards/{yard.id}/{action}"


def test_booked_truck_checks_in_arrives_and_checks_out(
    client: TestClient, people: People, db: Database, zone: Any
):
    gate, firm, _ = zone
    yard = make_small_yard(db, zone, trucks=5)
    with db.write() as session:
        crossing = make_booking(session, firm, gate, now=utcnow())
    officer = people[Role.gate_officer]
    # The operator types the plate its own way.
    compact = crossing.plate.replace("-", "").replace(".", "")
    response = client.post(url(yard, "check-in"), json={"plate": compact}, headers=officer)
    assert response.status_code == 201, response.text
    visit = response.json()
    assert (visit["crossing_id"], visit["plate"], visit["vehicle_class"]) == (
        crossing.id,
        crossing.plate,
        "truck",
    )
    arrived = db.scalar(select(Crossing).where(Crossing.id == crossing.id))
    assert (arrived.state, arrived.yard_id) == (CrossingState.arrived, yard.id)
    occupancy = client.get(url(yard, "occupancy"), headers=officer).json()
    assert occupancy["classes"] == [
        {"vehicle_class": "truck", "spaces": 5, "occupied": 1, "free": 4}
    ]
    open_visits = client.get(url(yard, "visits?open=true"), headers=officer).json()
    assert [v["plate"] for v in open_visits["items"]] == [crossing.plate]
    assert open_visits["items"][0]["dwell_minutes"] == 0

    twice = client.post(url(yard, "check-in"), json={"plate": compact}, headers=officer)
    assert twice.status_code == 409
    assert twice.json()["code"] == "already_in_yard"

    out = client.post(url(yard, "check-out"), json={"plate": compact}, headers=officer)
    assert out.status_code == 200
    assert out.json()["checked_out_at"] is not None
    assert db.scalar(select(YardSpace.occupied).where(YardSpace.yard_id == yard.id)) == 0
    again = client.post(url(yard, "check-out"), json={"plate": compact}, headers=officer)
    assert again.status_code == 409
    assert again.json()["code"] == "not_in_yard"


def test_full_yard_refuses_and_names_yards_with_room(
    client: TestClient, people: People, db: Database, zone: Any
):
    full = make_small_yard(db, zone, trucks=1)
    roomy = make_small_yard(db, zone, trucks=3)
    with db.write() as session:
        first, second = make_vehicle(session, zone[1]), make_vehicle(session, zone[1])
    admin = people[Role.admin]
    assert client.post(url(full, "check-in"), json={"plate": first.plate}, headers=admin).is_success
    refused = client.post(url(full, "check-in"), json={"plate": second.plate}, headers=admin)
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "yard_full"
    assert [y["code"] for y in body["yards_with_room"]] == [roomy.code]
    assert roomy.code in body["detail"]
    assert db.count(YardVisit) == 1
    assert db.scalar(select(YardSpace.occupied).where(YardSpace.yard_id == full.id)) == 1


def test_walk_in_unknown_plate_and_plain_parking(
    client: TestClient, people: People, db: Database, zone: Any
):
    yard = make_small_yard(db, zone, trucks=5)
    with db.write() as session:
        walker, parker = make_vehicle(session, zone[1]), make_vehicle(session, zone[1])
    admin = people[Role.admin]
    walk_in = {"direction": "export", "regime": "export", "cargo": cargo(perishable=True)}
    response = client.post(
        url(yard, "check-in"), json={"plate": walker.plate, "walk_in": walk_in}, headers=admin
    )
    assert response.status_code == 201, response.text
    crossing = db.scalar(select(Crossing).where(Crossing.id == response.json()["crossing_id"]))
    assert (crossing.state, crossing.is_walk_in, crossing.yard_id) == (
        CrossingState.arrived,
        True,
        yard.id,
    )
    parked = client.post(url(yard, "check-in"), json={"plate": parker.plate}, headers=admin)
    assert parked.json()["crossing_id"] is None
    unknown = client.post(url(yard, "check-in"), json={"plate": "99Z-999.99"}, headers=admin)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "plate"
    assert db.count(YardVisit) == 2


def test_yard_operator_sees_only_its_own_yards(
    client: TestClient, people: People, db: Database, zone: Any
):
    yard = make_small_yard(db, zone, trucks=5)
    with db.write() as session:
        own = bearer(session, make_user(session, Role.yard_operator, enterprise=zone[2]))
        rival_firm = make_enterprise(session, roles=["yard_operator"])
        rival = bearer(session, make_user(session, Role.yard_operator, enterprise=rival_firm))
        truck = make_vehicle(session, zone[1])
    assert client.get(url(yard, "occupancy"), headers=own).status_code == 200
    assert client.get(url(yard, "visits"), headers=rival).status_code == 404
    refused = client.post(url(yard, "check-in"), json={"plate": truck.plate}, headers=rival)
    assert refused.status_code == 404
    assert db.count(YardVisit) == 0


def test_cold_spaces_are_counted(db: Database, zone: Any):
    yard = make_small_yard(db, zone, trucks=5, cold=1)
    with db.write() as session:
        first, second = make_vehicle(session, zone[1]), make_vehicle(session, zone[1])
        check_in(session, yard, CheckIn(plate=first.plate, cold=True), utcnow())
        with pytest.raises(Conflict) as refused:
            check_in(session, yard, CheckIn(plate=second.plate, cold=True), utcnow())
    assert refused.value.code == "yard_cold_full"


def test_hourly_occupancy_from_visits(db: Database, zone: Any):
    yard = make_small_yard(db, zone, trucks=5)
    # Zone time is UTC+7: 08:00 local on 8 December is 01:00 UTC.
    at = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
    with db.write() as session:
        a, b = make_vehicle(session, zone[1]), make_vehicle(session, zone[1])
        check_in(session, yard, CheckIn(plate=a.plate), at - timedelta(hours=3))
        check_in(session, yard, CheckIn(plate=b.plate), at + timedelta(minutes=10))
        check_out(session, yard, a.plate, at + timedelta(minutes=20))
        day = hourly_occupancy(session, yard, date(2026, 12, 8))
    hours = {h.starts_at.astimezone(ZONE_TZ).hour: h for h in day.hours}
    assert len(hours) == 24
    assert (hours[4].present_at_start, hours[5].present_at_start, hours[5].checked_in) == (0, 0, 1)
    assert hours[7].present_at_start == 1
    eight = hours[8]
    assert (eight.present_at_start, eight.peak, eight.checked_in, eight.checked_out) == (1, 2, 1, 1)
    assert hours[9].present_at_start == 1


@pytest.mark.parametrize(
    ("path", "leaves_as"),
    [
        ((CrossingState.declared, CrossingState.cleared, CrossingState.called), "crossed"),
        ((CrossingState.declared,), "rejected"),
    ],
)
def test_a_crossing_that_leaves_ends_its_yard_visit(
    client: TestClient,
    people: People,
    db: Database,
    zone: Any,
    path: tuple[CrossingState, ...],
    leaves_as: str,
):
    """Crossed or rejected, the truck has left: its visit ends at that moment, its
    space is free, and it is no longer among the trucks inside or over-staying."""
    gate, firm, _ = zone
    yard = make_small_yard(db, zone, trucks=5)
    arrived_at = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
    left_at = arrived_at + timedelta(hours=30)
    with db.write() as session:
        crossing = make_booking(session, firm, gate, now=arrived_at - timedelta(hours=1))
        visit = check_in(session, yard, CheckIn(plate=crossing.plate), arrived_at)
        assert visit.crossing_id == crossing.id
        for state in path:
            move(session, crossing, state, at=arrived_at)
        assert overstaying(session, yard, left_at, timedelta(hours=24)) == [visit]
        move(session, crossing, CrossingState(leaves_as), at=left_at, reason="test")
        assert overstaying(session, yard, left_at, timedelta(hours=24)) == []
        assert occupancy(session, yard, left_at).classes[0].occupied == 0
    ended = db.scalar(select(YardVisit).where(YardVisit.crossing_id == crossing.id))
    assert ended.checked_out_at == left_at
    officer = people[Role.gate_officer]
    inside = client.get(url(yard, "visits?open=true"), headers=officer).json()
    assert inside["items"] == []
    # Nobody has to check it out by hand: there is nothing left to check out.
    out = client.post(url(yard, "check-out"), json={"plate": crossing.plate}, headers=officer)
    assert out.status_code == 409


def test_concurrent_check_ins_take_the_last_space_once(db: Database, zone: Any):
    yard = make_small_yard(db, zone, trucks=3)
    with db.write() as session:
        parked = [make_vehicle(session, zone[1]) for _ in range(2)]
        for truck in parked:
            check_in(session, yard, CheckIn(plate=truck.plate), utcnow())
        racers = [make_vehicle(session, zone[1]).plate for _ in range(6)]
    barrier = threading.Barrier(len(racers))
    outcomes: list[str] = []

    def race(plate: str) -> None:
        barrier.wait()
        try:
            with session_scope(db.factory, Actor(label="racer")) as session:
                check_in(session, session.get(Yard, yard.id), CheckIn(plate=plate), utcnow())
            outcomes.append("in")
        except Conflict as refused:
            outcomes.append(refused.code)

    threads = [threading.Thread(target=race, args=(plate,)) for plate in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["in"] + ["yard_full_everywhere"] * 5
    assert db.scalar(select(YardSpace.occupied).where(YardSpace.yard_id == yard.id)) == 3
    assert db.count(YardVisit, YardVisit.checked_out_at.is_(None)) == 3
