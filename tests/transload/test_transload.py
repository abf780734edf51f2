"""Transshipment yards over the API, on SQLite and PostgreSQL: set-up, bay
slots and their limits (the bay's room, the stevedore teams), a transload's
steps, the count reconciliation and customs' hold, and who may do what."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cuakhau.models import AuditEntry, BayHour, StevedoreHour, Transload, TransloadBay
from cuakhau.models.enums import Role, TransloadState
from tests.conftest import Database, People
from tests.factories import (
    bearer,
    make_enterprise,
    make_open_gate,
    make_transload_yard,
    make_user,
    make_yard,
    next_hours,
)
from tests.transload.conftest import API, book, booking, step


def test_an_administrator_sets_up_a_transshipment_yard_and_it_is_audited(
    client: TestClient, db: Database, people: People
):
    with db.write() as session:
        operator = make_enterprise(session, roles=["yard_operator"])
        yard = make_yard(session, make_open_gate(session), operator)
    admin = people[Role.admin]
    base = f"{API}/yards/{yard.id}"
    # Not yet a transshipment yard: no bays to add.
    bay = {"code": "L1", "kind": "cold", "capacity": 2, "rate": 10, "rate_unit": "tonne"}
    refused = client.post(f"{base}/bays", json=bay, headers=admin)
    assert refused.status_code == 409
    assert refused.json()["code"] == "yard_not_transshipment"
    flagged = client.put(f"{base}/transshipment", json={"is_transshipment": True}, headers=admin)
    assert flagged.status_code == 200
    made = client.post(f"{base}/bays", json=bay, headers=admin)
    assert made.status_code == 201, made.text
    again = client.post(f"{base}/bays", json=bay, headers=admin)
    assert again.status_code == 409
    changed = client.patch(f"{base}/bays/{made.json()['id']}", json={"rate": 12}, headers=admin)
    assert changed.json()["rate"] == 12
    shifts = {
        "shifts": [
            {"starts_at": "06:00", "ends_at": "14:00", "teams": 4},
            {"starts_at": "14:00", "ends_at": "06:00", "teams": 2},
        ]
    }
    put = client.put(f"{base}/stevedore-shifts", json=shifts, headers=admin)
    assert put.status_code == 200
    assert [s["teams"] for s in put.json()] == [4, 2]
    overlapping = {
        "shifts": [*shifts["shifts"], {"starts_at": "12:00", "ends_at": "13:00", "teams": 1}]
    }
    over = client.put(f"{base}/stevedore-shifts", json=overlapping, headers=admin)
    assert over.status_code == 422
    assert over.json()["code"] == "stevedore_shifts_overlap"
    # Every change was a person's, in the audit log.
    audited = db.scalars(
        select(AuditEntry.entity).where(
            AuditEntry.entity.in_(["yard", "transload_bay", "stevedore_shift"])
        )
    )
    assert {"yard", "transload_bay", "stevedore_shift"} <= set(audited)
    assert db.scalar(select(TransloadBay.rate).where(TransloadBay.yard_id == yard.id)) == 12


def test_another_operators_yard_is_not_found(
    client: TestClient, zone: dict[str, Any], db: Database
):
    with db.write() as session:
        stranger = make_enterprise(session, roles=["yard_operator"])
        headers = bearer(session, make_user(session, Role.yard_operator, enterprise=stranger))
    answer = client.get(f"{API}/yards/{zone['yard'].id}/bays", headers=headers)
    assert answer.status_code == 404


def test_a_slot_lasts_what_the_bays_rate_needs_and_takes_a_team_each_hour(
    client: TestClient, zone: dict[str, Any], people: People, db: Database
):
    answer = book(client, zone, people[Role.enterprise], booking(zone, people))
    assert answer.status_code == 201, answer.text
    made = answer.json()
    # 18 t at 10 t an hour: two hours.
    first, second = next_hours(2)
    assert datetime.fromisoformat(made["starts_at"]) == first
    assert datetime.fromisoformat(made["ends_at"]) == second + timedelta(hours=1)
    assert made["state"] == "booked"
    hours = db.scalars(select(BayHour.booked).where(BayHour.bay_id == zone["cold"].id))
    assert hours == [1, 1]
    teams = db.scalars(select(StevedoreHour.booked).order_by(StevedoreHour.starts_at))
    assert teams == [1, 1]


def test_a_full_bay_hour_is_refused_and_a_cancel_gives_it_back(
    client: TestClient, zone: dict[str, Any], people: People, db: Database
):
    own = people[Role.enterprise]
    body = booking(zone, people, bay_id=zone["ordinary"].id, weight_kg=5000)
    taken = book(client, zone, own, body)
    assert taken.status_code == 201
    full = book(client, zone, own, body)
    assert full.status_code == 409
    assert full.json()["code"] == "bay_hour_full"
    assert "T1" in full.json()["detail"]
    cancelled = client.post(f"{API}/transloads/{taken.json()['id']}/cancel", headers=own)
    assert cancelled.json()["state"] == "cancelled"
    assert book(client, zone, own, body).status_code == 201
    assert db.scalar(select(BayHour.booked).where(BayHour.bay_id == zone["ordinary"].id)) == 1


def test_slots_are_bounded_by_the_stevedore_teams_on_shift(
    client: TestClient, db: Database, people: People
):
    with db.write() as session:
        operator = make_enterprise(session, roles=["yard_operator"])
        yard, bays = make_transload_yard(
            session,
            make_open_gate(session),
            operator,
            bays=[{"code": f"B{n}", "kind": "ordinary", "capacity": 5, "rate": 30} for n in (1, 2)],
            teams=1,
        )
    zone = {"yard": yard, "cold": bays[0]}
    own = people[Role.enterprise]
    assert book(client, zone, own, booking(zone, people)).status_code == 201
    # Another bay has room, but the one team is busy.
    other = book(client, zone, own, booking(zone, people, bay_id=bays[1].id))
    assert other.status_code == 409
    assert other.json()["code"] == "stevedores_busy"
    # Nothing half taken: the request rolled back, the other bay's hour with it.
    assert db.count(BayHour, BayHour.bay_id == bays[1].id) == 0
    assert db.count(Transload) == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"starts_at": "2099-01-01T10:30:00+00:00"}, "transload_not_on_hour"),
        ({"starts_at": "2020-01-01T10:00:00+00:00"}, "transload_slot_past"),
        ({"enterprise_id": None}, "missing"),
        ({"crossing_id": 999999}, "referenced_missing"),
    ],
)
def test_a_bad_booking_is_refused_with_a_message_and_takes_nothing(
    client: TestClient,
    zone: dict[str, Any],
    people: People,
    db: Database,
    change: dict[str, Any],
    code: str,
):
    body = booking(zone, people, **change)
    answer = client.post(
        f"{API}/yards/{zone['yard'].id}/transloads",
        json=body,
        headers={**people[Role.admin], "Accept-Language": "vi"},
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == code
    # Said in Vietnamese, not as a code.
    assert answer.json()["detail"] != code
    assert db.count(Transload) == 0
    assert db.scalar(select(BayHour.booked).where(BayHour.booked > 0)) is None


def test_a_transload_steps_through_its_slot_and_an_illegal_step_changes_nothing(
    client: TestClient, zone: dict[str, Any], people: People, db: Database
):
    made = book(client, zone, people[Role.enterprise], booking(zone, people)).json()
    refused = step(client, zone, made["id"], "start")
    assert refused.status_code == 409
    assert refused.json()["code"] == "transload_move_refused"
    assert db.scalar(select(Transload.state)) is TransloadState.booked
    assert step(client, zone, made["id"], "arrive").json()["state"] == "arrived"
    started = step(client, zone, made["id"], "start").json()
    assert started["state"] == "started"
    # Perishable cargo without a crossing came into the zone with its vehicle.
    assert started["hours_in_zone"] is not None
    unloaded = step(client, zone, made["id"], "unloaded", packages=1200, weight_kg=18000)
    assert unloaded.json()["packages_in"] == 1200
    out = step(client, zone, made["id"], "loaded-out", packages=1200, weight_kg=17950)
    assert out.status_code == 200
    finished = out.json()
    # 50 kg of 18,000 is within the 0.5 % tolerance.
    assert finished["state"] == "finished"
    assert finished["held"] is False
    assert finished["weight_out_kg"] == 17950
    assert step(client, zone, made["id"], "arrive").status_code == 409


def test_a_difference_beyond_the_tolerance_holds_the_cargo_until_customs_releases_it(
    client: TestClient, zone: dict[str, Any], people: People, db: Database
):
    made = book(client, zone, people[Role.enterprise], booking(zone, people)).json()
    for name in ("arrive", "start"):
        step(client, zone, made["id"], name)
    step(client, zone, made["id"], "unloaded", packages=1200, weight_kg=18000)
    out = step(client, zone, made["id"], "loaded-out", packages=1190, weight_kg=17900)
    held = out.json()
    assert held["held"] is True
    # Both counts are there for customs to see.
    assert (held["packages_in"], held["packages_out"]) == (1200, 1190)
    listed = client.get(
        f"{API}/yards/{zone['yard'].id}/transloads?held=true", headers=people[Role.customs]
    )
    assert [t["id"] for t in listed.json()["items"]] == [made["id"]]
    release = f"{API}/transloads/{made['id']}/release-hold"
    assert client.post(release, json={"reason": "x"}, headers=zone["operator"]).status_code == 403
    released = client.post(release, json={"reason": "Cân lại: khớp"}, headers=people[Role.customs])
    assert released.status_code == 200
    assert released.json()["held"] is False
    again = client.post(release, json={"reason": "again"}, headers=people[Role.customs])
    assert again.status_code == 409
    assert again.json()["code"] == "transload_not_held"


def test_an_enterprise_sees_and_cancels_only_its_own(
    client: TestClient, zone: dict[str, Any], people: People, db: Database
):
    made = book(client, zone, people[Role.admin], booking(zone, people)).json()
    with db.write() as session:
        other = bearer(
            session, make_user(session, Role.enterprise, enterprise=people.other_enterprise)
        )
    assert client.post(f"{API}/transloads/{made['id']}/cancel", headers=other).status_code == 404
    mine = client.get(f"{API}/yards/{zone['yard'].id}/transloads", headers=people[Role.enterprise])
    assert mine.json()["total"] == 1
    theirs = client.get(f"{API}/yards/{zone['yard'].id}/transloads", headers=other)
    assert theirs.json()["total"] == 0
    # An enterprise cannot book for another.
    body = booking(zone, people, enterprise_id=people.other_enterprise.id)
    assert book(client, zone, people[Role.enterprise], body).status_code == 422


def test_the_board_shows_each_bay_now_and_next(
    client: TestClient, zone: dict[str, Any], people: People
):
    *_, third = next_hours(3)
    own = people[Role.enterprise]
    now_slot = book(client, zone, own, booking(zone, people)).json()
    later = book(client, zone, own, booking(zone, people, starts_at=third.isoformat())).json()
    step(client, zone, now_slot["id"], "arrive")
    board = client.get(f"{API}/yards/{zone['yard'].id}/transload-board", headers=zone["operator"])
    assert board.status_code == 200
    bays = {b["bay"]["code"]: b for b in board.json()["bays"]}
    assert [t["id"] for t in bays["L1"]["now"]] == [now_slot["id"]]
    assert [t["id"] for t in bays["L1"]["next"]] == [later["id"]]
    assert bays["T1"]["now"] == bays["T1"]["next"] == []
