"""What the other side reads of ours: the crossings expected at its gate."""

import pytest
from fastapi.testclient import TestClient

from cuakhau.counterpart.service import add_counterpart
from tests.conftest import TEST_SECRET, Database
from tests.counterpart.conftest import NOW, Other
from tests.factories import (
    make_booking,
    make_enterprise,
    make_gate,
    make_pattern,
    make_priority_classes,
)

FEED = "/api/v1/counterpart/expected-crossings"


@pytest.fixture
def other(client: TestClient, db: Database) -> Other:
    """Two trucks booked at this gate (07:00 and, the first window full, 08:00), one
    at another gate, and the other side's system at this one."""
    with db.write() as session:
        make_priority_classes(session)
        ours, elsewhere = (make_gate(session, holiday_calendars=[]) for _ in range(2))
        firm = make_enterprise(session)
        for gate in (ours, elsewhere):
            make_pattern(session, gate, capacity=1, hours=range(7, 12))
        make_booking(session, firm, ours, now=NOW)
        make_booking(session, firm, ours, now=NOW, perishable=True)
        make_booking(session, firm, elsewhere, now=NOW)
        counterpart, secret = add_counterpart(
            session=session, gate_id=ours.id, name="Youyiguan", server_secret=TEST_SECRET
        )
        return Other(client, counterpart.key_id, secret, ours.id)


def test_the_feed_lists_this_gates_expected_crossings_with_cargo_by_heading(other: Other) -> None:
    answer = other.call("GET", f"{FEED}?hours=6&lang=en")
    assert answer.status_code == 200, answer.text
    feed = answer.json()
    assert feed["gate_id"] == other.gate_id
    assert [c["window_starts_at"][11:16] for c in feed["crossings"]] == ["00:00", "01:00"]
    first, second = feed["crossings"]
    assert first["state"] == "booked"
    assert first["state_label"] == "Booked"
    assert (first["lane"], first["lane_label"]) == ("ordinary", "ordinary lane")
    assert first["cargo"] == [
        {"hs_heading": "9403", "packages": 800, "weight_kg": 16000, "value_usd": "12000.00"}
    ]
    assert second["cargo"][0]["hs_heading"] == "0810"


def test_the_feed_looks_only_as_far_ahead_as_asked(other: Other) -> None:
    # 03:00 in the zone: the first window opens at 07:00, four hours off.
    assert other.call("GET", f"{FEED}?hours=4").json()["crossings"] == []
    assert len(other.call("GET", f"{FEED}?hours=5").json()["crossings"]) == 1
    labels = other.call("GET", f"{FEED}?hours=5&lang=vi").json()["crossings"][0]
    assert labels["state_label"] == "Đã đặt lịch"
    chinese = other.call("GET", f"{FEED}?hours=5&lang=zh").json()["crossings"][0]
    assert chinese["state_label"] == "已预约"
    assert chinese["lane_label"] == "普通车道"


@pytest.mark.parametrize("query", ["hours=0", "hours=73", "lang=fr", "hours=x"])
def test_a_bad_question_is_422(other: Other, query: str) -> None:
    assert other.call("GET", f"{FEED}?{query}").status_code == 422


def test_the_query_is_part_of_what_is_signed(other: Other) -> None:
    signed = other.call("GET", f"{FEED}?hours=5", headers={}).request.headers
    answer = other.client.get(f"{FEED}?hours=72", headers=dict(signed))
    assert answer.status_code == 401
    assert answer.json()["code"] == "counterpart_bad_signature"
