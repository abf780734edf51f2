import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from cuakhau.core.clock import utcnow
from cuakhau.models import Crossing, CrossingMove, PlateAlert, PlateRead, Receipt
from cuakhau.models.enums import CrossingState, Role
from tests.conftest import Database, People
from tests.factories import (
    advance,
    make_booking,
    make_enterprise,
    make_open_gate,
    make_tariff,
    make_vehicle,
)

URL = "/api/v1/plate-reads"


@pytest.fixture
def zone(db: Database) -> Any:
    with db.write() as session:
        gate = make_open_gate(session)
        firm = make_enterprise(session)
    return gate, firm


def crossing_at(db: Database, zone: Any, state: CrossingState, moved_minutes: int = 0) -> Crossing:
    """A crossing walked to ``state``, each move ``moved_minutes`` from now."""
    gate, firm = zone
    with db.write() as session:
        crossing = make_booking(session, firm, gate, now=utcnow() - timedelta(hours=3))
        if state is not CrossingState.booked:
            moved = utcnow() + timedelta(minutes=moved_minutes)
            advance(session, crossing, state, at=moved)
    return crossing


def read(read_id: str, plate: str, point: str, minutes: int = 0, **extra: Any) -> dict[str, Any]:
    """A read taken ``minutes`` from now (the crossings' moves are stamped with now)."""
    return {
        "read_id": read_id,
        "plate": plate,
        "point": point,
        "read_at": (utcnow() + timedelta(minutes=minutes)).isoformat(),
        "confidence": 0.97,
        **extra,
    }


def state_of(db: Database, crossing: Crossing) -> CrossingState:
    return db.scalar(select(Crossing.state).where(Crossing.id == crossing.id))


def post(client: TestClient, people: People, reads: list[Any]) -> dict[str, Any]:
    # Escaped as ASCII, as JSON may carry what UTF-8 cannot (a lone surrogate).
    response = client.post(
        URL,
        content=json.dumps({"reads": reads}),
        headers={**people[Role.camera], "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_reads_move_crossings_and_a_repost_changes_nothing(
    client: TestClient, people: People, db: Database, zone: Any
):
    booked = crossing_at(db, zone, CrossingState.booked)
    called = crossing_at(db, zone, CrossingState.called)
    batch = [
        # The camera writes plates its own way; they are normalised before matching.
        read("r1", booked.plate.replace("-", "").replace(".", ""), "yard_in"),
        read("r2", called.plate, "border_out"),
        read("r3", "99Z-999.99", "yard_in"),
        read("r4", booked.plate, "gate_in", confidence=0.42),
        read("r5", "???", "yard_in"),
    ]
    answer = post(client, people, batch)
    outcomes = [(r["outcome"], r["crossing_id"], r["alert_kind"]) for r in answer["results"]]
    assert outcomes == [
        ("applied", booked.id, None),
        ("applied", called.id, None),
        ("alert", None, "unknown_plate"),
        ("alert", booked.id, "low_confidence"),
        ("alert", None, "unreadable"),
    ]
    assert answer["counts"] == {
        "applied": 2,
        "no_change": 0,
        "duplicate": 0,
        "alert": 3,
        "refused": 0,
    }
    assert state_of(db, booked) is CrossingState.arrived
    assert state_of(db, called) is CrossingState.crossed
    assert db.count(PlateAlert) == 3
    moves = db.count(CrossingMove)

    again = post(client, people, batch)
    assert [r["outcome"] for r in again["results"]] == ["duplicate"] * 5
    assert [r["crossing_id"] for r in again["results"]] == [r[1] for r in outcomes]
    assert (db.count(PlateRead), db.count(PlateAlert), db.count(CrossingMove)) == (5, 3, moves)


def test_same_read_twice_in_one_batch_counts_once(
    client: TestClient, people: People, db: Database, zone: Any
):
    booked = crossing_at(db, zone, CrossingState.booked)
    answer = post(client, people, [read("x", booked.plate, "yard_in")] * 2)
    assert [r["outcome"] for r in answer["results"]] == ["applied", "duplicate"]
    assert db.count(PlateRead) == 1


def test_a_batch_out_of_order_is_applied_in_the_order_it_happened(
    client: TestClient, people: People, db: Database, zone: Any
):
    called = crossing_at(db, zone, CrossingState.called)
    answer = post(
        client,
        people,
        [read("back", called.plate, "border_in", 30), read("out", called.plate, "border_out", 10)],
    )
    assert [r["outcome"] for r in answer["results"]] == ["applied", "applied"]
    assert state_of(db, called) is CrossingState.returned


def test_a_late_read_never_moves_a_crossing_backwards(
    client: TestClient, people: People, db: Database, zone: Any
):
    called = crossing_at(db, zone, CrossingState.called)
    post(client, people, [read("out", called.plate, "border_out", 10)])
    moves = db.count(CrossingMove)
    # The yard camera's read of the same truck, an hour old, reaches us only now.
    late = post(client, people, [read("in", called.plate, "yard_in", -60)])
    assert late["results"][0]["outcome"] == "no_change"
    assert late["results"][0]["crossing_id"] == called.id
    assert state_of(db, called) is CrossingState.crossed
    assert db.count(CrossingMove) == moves


def test_a_read_that_reaches_us_an_hour_late_records_when_the_truck_was_seen(
    client: TestClient, people: People, db: Database, zone: Any
):
    """The moment of a move, the crossing's stamp and the fee's date are the
    read's own, not when the read reached the server."""
    with db.write() as session:
        make_tariff(session)
    booked = crossing_at(db, zone, CrossingState.booked)
    called = crossing_at(db, zone, CrossingState.called, moved_minutes=-120)
    seen = utcnow() - timedelta(hours=1)
    post(
        client,
        people,
        [
            {**read("in", booked.plate, "yard_in"), "read_at": seen.isoformat()},
            {**read("out", called.plate, "border_out"), "read_at": seen.isoformat()},
        ],
    )
    with db.write() as session:
        arrived = session.get_one(Crossing, booked.id)
        crossed = session.get_one(Crossing, called.id)
        assert arrived.arrived_at == seen
        assert crossed.crossed_at == seen
        for crossing, state in ((booked, CrossingState.arrived), (called, CrossingState.crossed)):
            moved = select(CrossingMove.at).where(
                CrossingMove.crossing_id == crossing.id, CrossingMove.to_state == state
            )
            assert session.scalars(moved).one() == seen
        receipt = session.scalars(select(Receipt).where(Receipt.crossing_id == called.id)).one()
        assert receipt.issued_at == seen


def test_a_read_from_before_the_step_is_an_alert(
    client: TestClient, people: People, db: Database, zone: Any
):
    called = crossing_at(db, zone, CrossingState.called)
    # Taken before the truck was called: not evidence that it crossed.
    answer = post(client, people, [read("old", called.plate, "border_out", -120)])
    assert answer["results"][0]["alert_kind"] == "out_of_order"
    assert state_of(db, called) is CrossingState.called


def test_an_illegal_move_is_an_alert_and_the_rest_of_the_batch_applies(
    client: TestClient, people: People, db: Database, zone: Any
):
    cleared = crossing_at(db, zone, CrossingState.cleared)
    booked = crossing_at(db, zone, CrossingState.booked)
    answer = post(
        client,
        people,
        [read("a", cleared.plate, "border_out"), read("b", booked.plate, "yard_in")],
    )
    assert [(r["outcome"], r["alert_kind"]) for r in answer["results"]] == [
        ("alert", "illegal_move"),
        ("applied", None),
    ]
    assert state_of(db, cleared) is CrossingState.cleared
    alert = db.scalar(select(PlateAlert))
    assert (alert.params["from_state"], alert.params["to_state"]) == ("cleared", "crossed")
    assert "Đã thông quan" in alert.detail


def test_an_alert_reads_in_the_language_asked_for(
    client: TestClient, people: People, db: Database, zone: Any
):
    with db.write() as session:
        truck = make_vehicle(session, zone[1])
    post(client, people, [read("a", truck.plate, "gate_in")])
    officer = people[Role.gate_officer]

    def detail(**headers: str) -> str:
        answer = client.get("/api/v1/plate-alerts", headers={**officer, **headers})
        return answer.json()["items"][0]["detail"]

    english = f"Vehicle {truck.plate} at border gate entrance has no open crossing."
    vietnamese = f"Xe {truck.plate} tại cổng vào cửa khẩu không có chuyến nào đang mở."
    assert detail() == vietnamese
    assert detail(**{"Accept-Language": "en-GB,en;q=0.9"}) == english
    assert db.scalar(select(PlateAlert.detail)) == vietnamese


def test_known_truck_without_a_crossing_is_an_alert_not_a_walk_in(
    client: TestClient, people: People, db: Database, zone: Any
):
    with db.write() as session:
        truck = make_vehicle(session, zone[1])
    answer = post(client, people, [read("a", truck.plate, "yard_in")])
    assert answer["results"][0]["alert_kind"] == "no_open_crossing"
    assert db.count(Crossing) == 0


def test_a_full_batch_of_a_thousand_reads(
    client: TestClient, people: People, db: Database, zone: Any
):
    booked = [crossing_at(db, zone, CrossingState.booked) for _ in range(10)]
    reads = [read(f"b{i}", c.plate, "yard_in") for i, c in enumerate(booked)]
    reads += [read(f"u{i}", f"98A-{i // 100:03d}.{i % 100:02d}", "yard_out") for i in range(990)]
    answer = post(client, people, reads)
    assert answer["counts"] == {
        "applied": 10,
        "no_change": 0,
        "duplicate": 0,
        "alert": 990,
        "refused": 0,
    }
    assert db.count(PlateRead) == 1000
    assert db.count(Crossing, Crossing.state == CrossingState.arrived) == 10
    too_many = client.post(
        URL, json={"reads": [*reads, read("z", "x", "yard_in")]}, headers=people[Role.camera]
    )
    assert too_many.status_code == 422


def test_officer_lists_and_resolves_alerts_recording_the_move(
    client: TestClient, people: People, db: Database, zone: Any
):
    gate, _ = zone
    called = crossing_at(db, zone, CrossingState.called)
    answer = post(
        client,
        people,
        [read("blur", called.plate, "border_out", 5, confidence=0.3, gate_id=gate.id)],
    )
    alert_id = answer["results"][0]["alert_id"]
    officer = people[Role.gate_officer]
    listed = client.get(f"/api/v1/plate-alerts?open=true&gate_id={gate.id}", headers=officer)
    assert [a["id"] for a in listed.json()["items"]] == [alert_id]
    assert listed.json()["items"][0]["kind"] == "low_confidence"
    elsewhere = client.get(f"/api/v1/plate-alerts?gate_id={gate.id + 1}", headers=officer)
    assert elsewhere.json()["total"] == 0

    url = f"/api/v1/plate-alerts/{alert_id}/resolve"
    wrong = client.post(
        url,
        json={"resolution": "seen on video", "crossing_id": called.id, "to_state": "cleared"},
        headers=officer,
    )
    assert wrong.status_code == 422
    body = {"resolution": "seen on video", "crossing_id": called.id, "to_state": "crossed"}
    resolved = client.post(url, json=body, headers=officer)
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["resolved_at"] is not None
    assert state_of(db, called) is CrossingState.crossed
    assert client.post(url, json=body, headers=officer).status_code == 409
    still_open = client.get("/api/v1/plate-alerts?open=true", headers=officer)
    assert still_open.json()["total"] == 0


# A batch of 1,000 with bad reads scattered through it: index -> (what is wrong, the
# field refused, its code). Each of these made the whole batch a 500 or a 422.
BAD_READS: dict[int, tuple[dict[str, Any], str, str]] = {
    0: ({"read_id": "cam-\u0000-0"}, "read_id", "control_character"),
    3: ({"plate": "12C\u000012345"}, "plate", "control_character"),
    123: ({"plate": "12C\ud80012345"}, "plate", "string_unicode"),
    150: ({"gate_id": 2**31}, "gate_id", "less_than_equal"),
    271: ({"read_at": "0001-01-01T00:05:00+13:08"}, "read_at", "utc_offset_invalid"),
    402: ({"read_at": "9999-12-31T23:59:59-14:00"}, "read_at", "day_out_of_range"),
    500: ({"read_at": "1949-12-31T23:59:59Z"}, "read_at", "day_out_of_range"),
    613: ({"confidence": "high"}, "confidence", "float_parsing"),
    777: ({"plate": None}, "plate", "string_type"),
    850: ({"read_id": 850}, "read_id", "string_type"),
    888: ({"point": "roof"}, "point", "enum"),
    901: ({"gate_id": 999_999}, "gate_id", "referenced_missing"),
    950: ({"yard_id": 999_999}, "yard_id", "referenced_missing"),
    999: ({"read_at": "2026-12-08T07:05:00"}, "read_at", "timezone_aware"),
}


def scattered_batch(booked: list[Crossing], gate_id: int) -> list[Any]:
    """1,000 reads: the booked trucks seen at the yard, unknown plates, the bad
    reads above, one item that is not a read at all, one without a plate, and
    one read sent twice."""
    reads: list[Any] = [
        read(f"cam-{i}", f"98A-{i // 100:03d}.{i % 100:02d}", "yard_out", gate_id=gate_id)
        for i in range(1000)
    ]
    for n, crossing in enumerate(booked):
        reads[10 + 97 * n] = read(f"cam-{10 + 97 * n}", crossing.plate, "yard_in")
    # Any real offset is a moment (Chatham's, +13:45): kept, in UTC.
    reads[42]["read_at"] = "2026-12-08T13:13:00+13:45"
    for index, (change, _, _) in BAD_READS.items():
        reads[index] = {**reads[index], **change}
    reads[700] = "cam-700 yard_in 12C12345"
    del reads[720]["plate"]
    reads[998] = reads[997]
    return reads


EXPECTED_REFUSALS = {
    **{index: (f"reads.{index}.{field}", code) for index, (_, field, code) in BAD_READS.items()},
    700: ("reads.700", "model_type"),
    720: ("reads.720.plate", "missing"),
}


def test_a_bad_read_is_refused_alone_and_the_rest_of_the_batch_is_stored(
    client: TestClient, people: People, db: Database, zone: Any
):
    gate, _ = zone
    booked = [crossing_at(db, zone, CrossingState.booked) for _ in range(10)]
    batch = scattered_batch(booked, gate.id)
    answer = post(client, people, batch)

    refused = {r["index"]: r for r in answer["refused"]}
    assert {i: (r["errors"][0]["field"], r["errors"][0]["code"]) for i, r in refused.items()} == (
        EXPECTED_REFUSALS
    )
    assert all(len(r["errors"]) == 1 and r["errors"][0]["message"] for r in refused.values())
    assert refused[0]["read_id"] == "cam-\u0000-0"
    assert (refused[700]["read_id"], refused[850]["read_id"]) == (None, None)
    assert [i for i, r in enumerate(answer["results"]) if r["outcome"] == "refused"] == sorted(
        EXPECTED_REFUSALS
    )
    good = 1000 - len(EXPECTED_REFUSALS)
    assert (answer["taken"], answer["already_known"]) == (good - 1, 1)
    assert answer["results"][998]["outcome"] == "duplicate"
    assert answer["counts"] == {
        "applied": 10,
        "no_change": 0,
        "duplicate": 1,
        "alert": good - 1 - 10,
        "refused": len(EXPECTED_REFUSALS),
    }
    assert db.count(PlateRead) == good - 1
    assert db.count(Crossing, Crossing.state == CrossingState.arrived) == 10
    odd_offset = db.scalar(select(PlateRead.read_at).where(PlateRead.read_id == "cam-42"))
    assert odd_offset == datetime(2026, 12, 7, 23, 28, tzinfo=UTC)
    moves, alerts = db.count(CrossingMove), db.count(PlateAlert)

    again = post(client, people, batch)
    assert (again["taken"], again["already_known"]) == (0, good)
    assert again["refused"] == answer["refused"]
    assert again["counts"]["refused"] == len(EXPECTED_REFUSALS)
    assert [r["crossing_id"] for r in again["results"]] == [
        r["crossing_id"] for r in answer["results"]
    ]
    assert (db.count(PlateRead), db.count(CrossingMove), db.count(PlateAlert)) == (
        good - 1,
        moves,
        alerts,
    )


@pytest.mark.parametrize("bad", BAD_READS.values(), ids=[code for *_, code in BAD_READS.values()])
def test_one_bad_read_between_two_good_ones(
    client: TestClient,
    people: People,
    db: Database,
    zone: Any,
    bad: tuple[dict[str, Any], str, str],
):
    change, field, code = bad
    reads = [read(f"r{i}", "99Z-999.99", "yard_in", gate_id=zone[0].id) for i in range(3)]
    reads[1].update(change)
    answer = post(client, people, reads)
    assert [(e["field"], e["code"]) for e in answer["refused"][0]["errors"]] == [
        (f"reads.1.{field}", code)
    ]
    assert [r["outcome"] for r in answer["results"]] == ["alert", "refused", "alert"]
    assert db.count(PlateRead) == 2


def test_a_refusal_reads_in_the_language_asked_for(client: TestClient, people: People, zone: Any):
    batch = [read("a", "12C-123.45", "yard_in", gate_id=999), read("b", "12C\u0000", "yard_in")]

    def messages(language: str) -> list[str]:
        response = client.post(
            f"{URL}?lang={language}", json={"reads": batch}, headers=people[Role.camera]
        )
        return [r["errors"][0]["message"] for r in response.json()["refused"]]

    assert messages("vi") == [
        "cửa khẩu #999 không tồn tại hoặc đã ngừng hoạt động.",
        "Có ký tự điều khiển (U+0000), văn bản không được chứa ký tự này.",
    ]
    assert messages("en") == [
        "gate #999 does not exist or is inactive.",
        "Contains a control character (U+0000), which text may not hold.",
    ]


def test_a_read_naming_an_unknown_gate_or_yard_is_refused_alone(
    client: TestClient, people: People, db: Database, zone: Any
):
    booked = crossing_at(db, zone, CrossingState.booked)
    reads = [
        read("a", booked.plate, "yard_in"),
        read("b", "99Z-999.99", "yard_in", gate_id=999, yard_id=998),
    ]
    answer = post(client, people, reads)
    assert [(e["field"], e["code"]) for e in answer["refused"][0]["errors"]] == [
        ("reads.1.gate_id", "referenced_missing"),
        ("reads.1.yard_id", "referenced_missing"),
    ]
    assert [r["outcome"] for r in answer["results"]] == ["applied", "refused"]
    assert db.count(PlateRead) == 1
    assert state_of(db, booked) is CrossingState.arrived


@pytest.mark.parametrize(
    "body",
    [
        [read("a", "12C-123.45", "yard_in")],
        {"reads": read("a", "12C-123.45", "yard_in")},
        {"reads": []},
        {"reads": [read("a", "12C-123.45", "yard_in")], "camera": "cam1"},
        "reads",
    ],
    ids=["a list", "one read", "no reads", "an unknown field", "text"],
)
def test_a_body_that_is_not_a_batch_is_refused_whole(
    client: TestClient, people: People, db: Database, body: Any
):
    response = client.post(URL, json=body, headers=people[Role.camera])
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert db.count(PlateRead) == 0


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/api/v1/plate-alerts?gate_id=2147483648", None),
        ("post", "/api/v1/plate-alerts/2147483648/resolve", {"resolution": "seen on video"}),
        ("post", "/api/v1/plate-alerts/1/resolve", {"resolution": "seen\u0000on video"}),
        (
            "post",
            "/api/v1/plate-alerts/1/resolve",
            {"resolution": "seen on video", "crossing_id": 2**31},
        ),
    ],
)
def test_alerts_refuse_values_the_database_cannot_hold(
    client: TestClient, people: People, method: str, url: str, body: Any
):
    response = client.request(method, url, json=body, headers=people[Role.gate_officer])
    assert response.status_code == 422, response.text


def test_the_batch_is_documented_as_a_list_of_reads(client: TestClient):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    reads = schemas["PlateReadBatch"]["properties"]["reads"]
    assert reads["items"] == {"$ref": "#/components/schemas/PlateReadIn"}
    assert "MalformedRead" not in schemas


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
MOMENTS = st.datetimes(
    timezones=st.builds(
        timezone,
        st.timedeltas(
            min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)
        ),
    )
).map(datetime.isoformat)
# Each field as a camera should send it, or anything JSON can carry.
READS = st.fixed_dictionaries(
    {
        "read_id": st.text(min_size=1, max_size=70) | JSON,
        "plate": st.sampled_from(["12C-123.45", "桂A12345", "???"]) | st.text(max_size=40) | JSON,
        "point": st.sampled_from(["yard_in", "border_out", "gate_in"]) | JSON,
        "read_at": MOMENTS | JSON,
        "confidence": st.floats() | JSON,
    },
    optional={"gate_id": st.integers() | JSON, "yard_id": st.integers() | JSON},
)


def test_any_batch_is_answered_read_by_read(
    client: TestClient, people: People, db: Database, zone: Any
):
    """Whatever each item holds, the batch is answered 200: every item is taken,
    already known or refused, and only the taken ones are stored."""

    @given(st.lists(READS | JSON, min_size=1, max_size=5))
    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    def check(batch: list[Any]) -> None:
        before = db.count(PlateRead)
        answer = post(client, people, batch)
        assert len(answer["results"]) == len(batch)
        refused = [r["index"] for r in answer["refused"]]
        assert refused == [i for i, r in enumerate(answer["results"]) if r["outcome"] == "refused"]
        assert answer["taken"] + answer["already_known"] + len(refused) == len(batch)
        assert db.count(PlateRead) == before + answer["taken"]

    check()
