"""The counterpart's signed messages through the real app: who may send, in what
order, and what its acceptance does to our windows. The app runs on a fixed clock."""

import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cuakhau.app import create_app
from cuakhau.core.config import Settings
from cuakhau.counterpart import signing
from cuakhau.counterpart.service import MAX_AHEAD, add_counterpart
from cuakhau.models import (
    AuditEntry,
    CapacityOverride,
    Counterpart,
    CounterpartMessage,
    CrossingWindow,
    WindowChange,
)
from cuakhau.models.enums import Direction, OverrideKind, Role
from tests.conftest import TEST_SECRET, Database
from tests.counterpart.conftest import DAY, MESSAGES, NOW, Other, message
from tests.factories import (
    bearer,
    make_gate,
    make_user,
)


def window_capacity(db: Database, gate_id: int, hour: int) -> tuple[int, int]:
    window = db.scalar(
        select(CrossingWindow)
        .where(CrossingWindow.gate_id == gate_id, CrossingWindow.direction == Direction.export)
        .order_by(CrossingWindow.starts_at)
        .offset(hour - 7)
        .limit(1)
    )
    return window.capacity, window.booked


def test_acceptance_caps_the_hour_and_moves_the_trucks_it_cannot_take(
    other: Other, db: Database
) -> None:
    answer = other.send(1, trucks=1)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "outcome": "applied",
        "applied_through": 1,
        "applied": [1],
        "missing": [],
        "hours_set": 1,
        "trucks_moved": 2,
        "answers_applied": 0,
        "answers_refused": [],
    }
    assert window_capacity(db, other.gate_id, 7) == (1, 1)
    assert window_capacity(db, other.gate_id, 8) == (3, 2)
    assert db.count(WindowChange) == 2
    ceiling = db.scalar(select(CapacityOverride))
    assert ceiling.kind is OverrideKind.ceiling
    assert ceiling.counterpart_id is not None
    # Audited like an officer's override.
    entry = db.scalar(select(AuditEntry).where(AuditEntry.entity == "capacity_override"))
    assert entry.actor_label == "counterpart:Youyiguan"


def test_acceptance_never_raises_our_own_capacity(other: Other, db: Database) -> None:
    assert other.send(1, trucks=40).status_code == 200
    assert window_capacity(db, other.gate_id, 7) == (3, 3)


def test_a_later_acceptance_for_the_hour_replaces_the_earlier(other: Other, db: Database) -> None:
    assert other.send(1, trucks=1).status_code == 200
    answer = other.send(2, trucks=2)
    assert answer.json()["applied_through"] == 2
    active = db.scalars(select(CapacityOverride).where(CapacityOverride.is_active.is_(True)))
    assert [o.value for o in active] == [2]
    assert window_capacity(db, other.gate_id, 7)[0] == 2


def test_an_hour_already_over_is_left_alone(other: Other, db: Database) -> None:
    body = message(1, trucks=0, day=DAY - timedelta(days=1))
    answer = other.call("POST", MESSAGES, body)
    assert answer.json()["hours_set"] == 0
    assert answer.json()["applied_through"] == 1
    assert db.count(CapacityOverride) == 0


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda h: {}, "counterpart_unsigned"),
        (lambda h: {**h, signing.KEY_HEADER: "cp_nobody"}, "counterpart_unknown_key"),
        (
            lambda h: {**h, signing.SIGNATURE_HEADER: "sha256=" + "0" * 64},
            "counterpart_bad_signature",
        ),
        (
            lambda h: {**h, signing.TIMESTAMP_HEADER: str(int(NOW.timestamp()) - 301)},
            "counterpart_stale_timestamp",
        ),
        (lambda h: {**h, signing.TIMESTAMP_HEADER: "soon"}, "counterpart_stale_timestamp"),
    ],
)
def test_a_request_not_signed_right_is_refused_logged_and_writes_nothing(
    other: Other, db: Database, caplog: pytest.LogCaptureFixture, change: Any, code: str
) -> None:
    body = message(1, trucks=0)
    good = signing.signed_headers(
        other.key_id, other.secret, int(NOW.timestamp()), "POST", MESSAGES, body
    )
    with caplog.at_level(logging.WARNING, logger="cuakhau.counterpart.service"):
        answer = other.client.post(MESSAGES, content=body, headers=change(good))
    assert answer.status_code == 401
    assert answer.json()["code"] == code
    assert code in caplog.text
    assert db.count(CounterpartMessage) == 0
    assert db.count(CapacityOverride) == 0
    assert window_capacity(db, other.gate_id, 7) == (3, 3)


def test_a_signature_does_not_move_to_another_body(other: Other, db: Database) -> None:
    signed_for = message(1, trucks=3)
    headers = signing.signed_headers(
        other.key_id, other.secret, int(NOW.timestamp()), "POST", MESSAGES, signed_for
    )
    answer = other.client.post(MESSAGES, content=message(1, trucks=0), headers=headers)
    assert answer.json()["code"] == "counterpart_bad_signature"
    assert db.count(CapacityOverride) == 0


def test_a_replayed_message_is_refused_and_changes_nothing(other: Other, db: Database) -> None:
    assert other.send(1, trucks=1).status_code == 200
    before = db.count(WindowChange)
    replay = other.send(1, trucks=1, at=NOW + timedelta(seconds=30))
    assert replay.status_code == 409
    assert replay.json()["code"] == "counterpart_repeated"
    reused = other.send(2, trucks=3, message_id="m-1")
    assert reused.status_code == 409
    assert reused.json()["code"] == "counterpart_id_reused"
    old_number = other.send(1, trucks=3, message_id="fresh")
    assert old_number.json()["code"] == "counterpart_sequence_applied"
    assert db.count(CounterpartMessage) == 1
    assert db.count(WindowChange) == before
    assert window_capacity(db, other.gate_id, 7)[0] == 1


def test_a_gap_is_named_and_messages_apply_in_their_order(other: Other, db: Database) -> None:
    early = other.send(3, trucks=2)
    assert early.status_code == 202
    assert early.json()["outcome"] == "waiting"
    assert early.json()["missing"] == [1, 2]
    assert window_capacity(db, other.gate_id, 7)[0] == 3
    assert other.send(2, trucks=0).json()["missing"] == [1]
    taken = other.send(2, trucks=1, message_id="another-2")
    assert taken.json()["code"] == "counterpart_sequence_taken"
    filled = other.send(1, trucks=1).json()
    assert filled["applied"] == [1, 2, 3]
    assert filled["missing"] == []
    # Applied in order: number 3's acceptance is the one in force.
    assert window_capacity(db, other.gate_id, 7)[0] == 2


def test_a_bad_message_from_a_signed_sender_is_422(other: Other, db: Database) -> None:
    body = message(1, trucks=1, hour=24)
    answer = other.call("POST", MESSAGES, body)
    assert answer.status_code == 422
    assert other.call("POST", MESSAGES, b"{not json").status_code == 422
    empty = json.dumps({"message_id": "y", "sequence": 1, "kind": "acceptance"}).encode()
    assert other.call("POST", MESSAGES, empty).status_code == 422
    assert db.count(CounterpartMessage) == 0


def test_status_says_where_we_stand_and_when_the_other_side_went_silent(
    other: Other, db: Database, settings: Settings
) -> None:
    with db.write() as session:
        officer = bearer(session, make_user(session, Role.gate_officer))
    path = f"/api/v1/gates/{other.gate_id}/counterparts"
    [before] = other.client.get(path, headers=officer).json()
    assert before["silent"] is True
    assert before["last_heard_at"] is None
    other.send(2, trucks=1)
    [after] = other.client.get(path, headers=officer).json()
    assert after["silent"] is False
    assert after["waiting"] == [2]
    assert after["missing"] == [1]
    own = other.call("GET", "/api/v1/counterpart/status").json()
    assert own["applied_through"] == 0
    assert own["missing"] == [1]
    assert other.client.get(path).status_code == 401


def test_silence_is_measured_on_the_clock(settings: Settings, db: Database) -> None:
    moment = [NOW]
    with TestClient(create_app(settings, clock=lambda: moment[0])) as client:
        with db.write() as session:
            gate = make_gate(session, holiday_calendars=[])
            counterpart, secret = add_counterpart(
                session=session, gate_id=gate.id, name="Pingxiang", server_secret=TEST_SECRET
            )
            officer = bearer(session, make_user(session, Role.gate_officer))
        side = Other(client, counterpart.key_id, secret, gate.id)
        heartbeat = json.dumps({"message_id": "h1", "sequence": 1, "kind": "heartbeat"}).encode()
        assert side.call("POST", MESSAGES, heartbeat).status_code == 200
        path = f"/api/v1/gates/{gate.id}/counterparts"
        moment[0] = NOW + timedelta(seconds=settings.counterpart_silence_seconds)
        assert client.get(path, headers=officer).json()[0]["silent"] is False
        moment[0] = NOW + timedelta(seconds=settings.counterpart_silence_seconds + 1)
        assert client.get(path, headers=officer).json()[0]["silent"] is True
        assert db.scalar(select(Counterpart.applied_through)) == 1


def test_a_message_too_far_ahead_is_refused_and_kept_nowhere(other: Other, db: Database) -> None:
    """Its gap would be listed back as missing: a number two billion ahead must
    not make the server list two billion numbers."""
    far = other.send(MAX_AHEAD + 1, trucks=1)
    assert far.status_code == 409
    assert far.json()["code"] == "counterpart_sequence_too_far"
    assert db.count(CounterpartMessage) == 0
    assert other.send(2**31 - 1, trucks=1).json()["code"] == "counterpart_sequence_too_far"
    assert other.send(MAX_AHEAD, trucks=1).json()["missing"] == list(range(1, MAX_AHEAD))
