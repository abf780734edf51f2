from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.clearance.schemas import Declaration
from cuakhau.clearance.service import decide, declare
from cuakhau.crossings.queue import readiness
from cuakhau.crossings.states import OPEN_STATES
from cuakhau.models import Crossing, Enterprise, Gate
from cuakhau.models.enums import CrossingState, CustomsChannel, Role
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


def call_answer(client: TestClient, people: People, gate_id: int, count: int) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/gates/{gate_id}/call",
        json={"direction": "export", "count": count},
        headers=people[Role.gate_officer],
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def call(client: TestClient, people: People, gate_id: int, count: int) -> list[int]:
    return [c["id"] for c in call_answer(client, people, gate_id, count)["called"]]


def _gate_and_firm(session: Session, capacity: int) -> tuple[Gate, Enterprise]:
    """A gate with windows of ``capacity`` trucks from 07:00, and an enterprise."""
    make_priority_classes(session)
    gate = make_gate(session, holiday_calendars=[])
    make_pattern(session, gate, capacity=capacity)
    return gate, make_enterprise(session)


def test_call_next_follows_window_then_priority_and_skips_uncleared(
    client: TestClient, people: People, db: Database
):
    with db.write() as session:
        gate, firm = _gate_and_firm(session, capacity=2)
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


def test_a_short_call_says_why_each_truck_ahead_was_skipped(
    client: TestClient, people: People, db: Database
):
    with db.write() as session:
        gate, firm = _gate_and_firm(session, capacity=5)
        on_the_road, held, cleared, declared, called = (
            make_booking(session, firm, gate, now=NOW) for _ in range(5)
        )
        advance(session, called, CrossingState.called, at=NOW)
        advance(session, held, CrossingState.arrived, at=NOW)
        declare(
            session,
            held,
            Declaration(
                declaration_no="00001/XK", channel=CustomsChannel.green, needs_quarantine=True
            ),
            at=NOW,
        )
        decide(session, held, at=NOW)
        advance(session, cleared, CrossingState.cleared, at=NOW)
        advance(session, declared, CrossingState.declared, at=NOW)
    answer = call_answer(client, people, gate.id, 3)
    assert [c["id"] for c in answer["called"]] == [cleared.id]
    # The truck already called is nobody's hold-up; the others say why, in queue order.
    assert [(s["crossing_id"], s["position"], s["why"]) for s in answer["skipped"]] == [
        (on_the_road.id, 1, "not_arrived"),
        (held.id, 2, "held"),
        (declared.id, 4, "awaiting_decision"),
    ]
    assert answer["skipped"][1]["reason"] == "Not yet: held"


def test_the_queue_says_who_may_be_called_by_the_same_rule_as_the_call():
    """Every open state has a readiness, and only a cleared truck may be called."""
    for state in OPEN_STATES:
        ready = readiness(Crossing(state=state))
        assert (ready.not_callable is None) == (state is CrossingState.cleared)
