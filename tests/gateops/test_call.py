from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from cuakhau.models import Crossing
from cuakhau.models.enums import CrossingState, Role
from tests.conftest import Database, People
from tests.factories import (
    advance,
    make_booking,
    make_enterprise,
    make_gate,
    make_pattern,
    make_priority_classes,
)

# 03:00 on a Tuesday in Lạng Sơn; windows of two trucks from 07:00.
NOW = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)


def call(client: TestClient, people: People, gate_id: int, count: int) -> list[int]:
    response = client.post(
        f"/api/v1/gates/{gate_id}/call",
        json={"direction": "export", "count": count},
        headers=people[Role.gate_officer],
    )
    assert response.status_code == 200, response.text
    return [c["id"] for c in response.json()["called"]]


def test_call_next_follows_window_then_priority_and_skips_uncleared(
    client: TestClient, people: People, db: Database
):
    with db.write() as session:
        make_priority_classes(session)
        gate = make_gate(session, holiday_calendars=[])
        make_pattern(session, gate, capacity=2)
        firm = make_enterprise(session)
        first = make_booking(session, firm, gate, now=NOW)
        second = make_booking(session, firm, gate, now=NOW)
        # The next window: ordinary cargo booked before the fruit, which still goes first.
        ordinary = make_booking(session, firm, gate, now=NOW)
        fruit = make_booking(session, firm, gate, now=NOW, perishable=True)
        waiting = make_booking(session, firm, gate, now=NOW)
        for crossing in (fruit, ordinary, second, first):
            advance(session, crossing, CrossingState.cleared, at=NOW)
        advance(session, waiting, CrossingState.declared, at=NOW)
    assert fruit.window_id == ordinary.window_id != first.window_id
    assert call(client, people, gate.id, 3) == [first.id, second.id, fruit.id]
    assert call(client, people, gate.id, 5) == [ordinary.id]
    assert call(client, people, gate.id, 5) == []
    states = db.scalars(select(Crossing.state).order_by(Crossing.id))
    assert states.count(CrossingState.called) == 4
    assert db.scalar(select(Crossing.state).where(Crossing.id == waiting.id)) is (
        CrossingState.declared
    )


def _called_crossing(db: Database) -> Crossing:
    """A truck called to a gate of its own, for an officer to record by hand."""
    with db.write() as session:
        make_priority_classes(session)
        gate = make_gate(session, holiday_calendars=[])
        make_pattern(session, gate, capacity=2)
        crossing = make_booking(session, make_enterprise(session), gate, now=NOW)
        advance(session, crossing, CrossingState.called, at=NOW)
        return crossing


def test_crossed_and_returned_by_hand(client: TestClient, people: People, db: Database):
    crossing = _called_crossing(db)
    officer = people[Role.gate_officer]
    base = f"/api/v1/crossings/{crossing.id}"
    early = client.post(f"{base}/returned", json={"reason": "camera down"}, headers=officer)
    assert early.status_code == 409
    no_reason = client.post(f"{base}/crossed", json={}, headers=officer)
    assert no_reason.status_code == 422
    crossed = client.post(f"{base}/crossed", json={"reason": "camera down"}, headers=officer)
    assert (crossed.json()["state"], crossed.json()["crossed_at"] is not None) == ("crossed", True)
    back = client.post(f"{base}/returned", json={"reason": "camera down"}, headers=officer)
    assert back.json()["state"] == "returned"
    unknown_gate = client.post(
        "/api/v1/gates/999999/call", json={"direction": "export"}, headers=officer
    )
    assert unknown_gate.status_code == 404


def test_the_longest_reason_an_officer_may_give_is_kept_whole(
    client: TestClient, people: People, db: Database
):
    """300 characters of an officer's words, with the system's around them: the
    English wording is cut to its column, the words themselves are kept whole."""
    crossing = _called_crossing(db)
    words = "camera 3 hỏng, xe đã qua theo xác nhận của trạm kiểm soát liên hợp " * 5
    words = words[:300]
    crossed = client.post(
        f"/api/v1/crossings/{crossing.id}/crossed",
        json={"reason": words},
        headers=people[Role.gate_officer],
    )
    assert crossed.status_code == 200, crossed.text
    last = crossed.json()["moves"][-1]
    assert last["reason_params"] == {"reason": words}
    assert len(last["reason"]) == 300
    assert last["reason"].startswith("recorded by hand: camera 3 hỏng")
    assert last["reason"].endswith("…")
