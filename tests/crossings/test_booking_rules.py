"""The booking's rules as every caller meets them, through the real app on both
databases: who may book, a deactivated enterprise, the body checked after the
caller, and idempotency keys."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cuakhau.core.actor import Actor
from cuakhau.core.clock import utcnow
from cuakhau.crossings.booking import Caller, place
from cuakhau.crossings.rules import Kind
from cuakhau.crossings.schemas import BookingRequest
from cuakhau.crossings.states import move
from cuakhau.models import AuditEntry, CargoLine, Crossing, CrossingWindow, Notification
from cuakhau.models.enums import CrossingState, Role
from tests.conftest import Database, People
from tests.crossings.test_api import booking_body, tomorrow_window

URL = "/api/v1/crossings"


def written(db: Database) -> tuple[int, int, int, int, int]:
    """Crossings, cargo lines, notices, audit entries and units booked: all a booking writes."""
    return (
        db.count(Crossing),
        db.count(CargoLine),
        db.count(Notification),
        db.count(AuditEntry, AuditEntry.entity.in_(["crossing", "cargo_line"])),
        sum(db.scalars(select(CrossingWindow.booked))),
    )


def test_a_deactivated_enterprise_books_nothing(
    client: TestClient, people: People, db: Database, gate_id: int
):
    """Its own token is refused, named window or earliest, as is an officer
    booking for it; nothing is written."""
    window = tomorrow_window(client, gate_id)
    named = booking_body(people, db, gate_id, window_id=window["id"])
    earliest = booking_body(people, db, gate_id)
    own = people.own_enterprise.id
    deactivated = client.post(f"/api/v1/enterprises/{own}/deactivate", headers=people[Role.admin])
    assert deactivated.status_code == 200, deactivated.text
    before = written(db)

    for body in (named, earliest):
        refused = client.post(URL, json=body, headers=people[Role.enterprise])
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "enterprise_inactive"
    by_officer = client.post(
        URL, json={**named, "enterprise_id": own}, headers=people[Role.gate_officer]
    )
    assert by_officer.status_code == 422
    assert by_officer.json()["code"] == "referenced_missing"
    assert by_officer.json()["errors"][0]["field"] == "enterprise_id"
    assert "ngừng hoạt động" in by_officer.json()["detail"]
    assert written(db) == before


def test_a_caller_who_may_not_book_hears_so_whatever_the_body(
    client: TestClient, people: People, db: Database, gate_id: int
):
    good = booking_body(people, db, gate_id)
    broken = {**good, "gate_id": "north"}
    for body in (good, broken):
        assert client.post(URL, json=body).status_code == 401
        bad_token = {"Authorization": "Bearer not-a-token"}
        assert client.post(URL, json=body, headers=bad_token).status_code == 401
        board = client.post(URL, json=body, headers=people[Role.board])
        assert board.status_code == 403
        assert board.json()["code"] == "role_forbidden"
    checked = client.post(
        URL, json=broken, headers={**people[Role.enterprise], "Accept-Language": "en"}
    )
    assert checked.status_code == 422
    assert [e["field"] for e in checked.json()["errors"]] == ["gate_id"]
    text = client.post(
        URL,
        content=b"vehicle_id=1",
        headers={**people[Role.enterprise], "Content-Type": "text/plain"},
    )
    assert text.status_code == 422
    assert written(db) == (0, 0, 0, 0, 0)


def test_a_revoked_token_books_nothing(
    client: TestClient, people: People, db: Database, gate_id: int
):
    body = booking_body(people, db, gate_id)
    assert client.post(URL, json=body, headers=people[Role.enterprise]).status_code == 201
    logout = client.post("/api/v1/auth/logout", headers=people[Role.enterprise])
    assert logout.status_code in (200, 204), logout.text
    before = written(db)
    again = client.post(
        URL, json=booking_body(people, db, gate_id), headers=people[Role.enterprise]
    )
    assert again.status_code == 401
    assert again.json()["code"] == "token_revoked"
    assert written(db) == before


def _keyed(people: People, key: str | bytes) -> dict[str, Any]:
    return {**people[Role.enterprise], "Idempotency-Key": key}


def test_the_same_key_and_request_again_answer_with_the_first_booking(
    client: TestClient, people: People, db: Database, gate_id: int
):
    body = booking_body(people, db, gate_id)
    first = client.post(URL, json=body, headers=_keyed(people, "retry-1"))
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    before = written(db)
    # The same request, its keys in another order: a retry after a lost answer.
    again = client.post(URL, json=dict(reversed(body.items())), headers=_keyed(people, "retry-1"))
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["window_id"] == first.json()["window_id"]
    assert written(db) == before

    other_body = booking_body(people, db, gate_id)
    reused = client.post(URL, json=other_body, headers=_keyed(people, "retry-1"))
    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
    assert written(db) == before
    # Another caller's key of the same name is its own.
    officer = {**people[Role.gate_officer], "Idempotency-Key": "retry-1"}
    own = people.own_enterprise.id
    assert (
        client.post(URL, json={**other_body, "enterprise_id": own}, headers=officer).status_code
        == 201
    )


@pytest.mark.parametrize("key", ["", "has space", "x" * 101, "ngày-mới".encode()])
def test_a_malformed_key_is_refused(
    client: TestClient, people: People, db: Database, gate_id: int, key: str | bytes
):
    body = booking_body(people, db, gate_id)
    refused = client.post(URL, json=body, headers=_keyed(people, key))
    assert refused.status_code == 422
    assert refused.json()["code"] == "idempotency_key_invalid"
    assert written(db) == (0, 0, 0, 0, 0)


def test_a_key_answers_for_a_day_then_books_anew(
    client: TestClient, people: People, db: Database, gate_id: int
):
    body = BookingRequest.model_validate(booking_body(people, db, gate_id))
    user = people.users[Role.enterprise]
    caller = Caller(user_id=user.id, label=user.username)
    now = utcnow()

    def placed(at: Any) -> Any:
        with db.write() as session:
            session.info["actor"] = Actor(label=user.username, user_id=user.id)
            return place(session, Kind.booking, caller, body, at, idempotency_key="day-key")

    first = placed(now)
    assert placed(now + timedelta(hours=23)).replayed
    with db.write() as session:
        # Its truck may book again.
        move(session, session.get_one(Crossing, first.crossing_id), CrossingState.cancelled, at=now)
    later = placed(now + timedelta(days=1, minutes=1))
    assert not later.replayed
    assert later.crossing_id != first.crossing_id
