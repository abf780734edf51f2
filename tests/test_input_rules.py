"""Bad input is a clear 4xx, never a 500: the shared rules on input
(``core/schemas.py``, ``core/columns.py``; docs/api.md, "What input is refused"),
each with the examples an API fuzzer found answering 500."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from cuakhau.models import Driver, Enterprise, Gate, PriorityClass
from cuakhau.models.enums import Role
from tests.conftest import Database, People
from tests.factories import (
    cargo,
    make_driver,
    make_gate,
    make_open_gate,
    make_priority_classes,
    make_vehicle,
)

TOO_BIG = 2**31
"""One past the largest id (and most counts) a database column holds."""


def _refused(response: Any, field: str, code: str) -> None:
    assert response.status_code == 422, response.text
    errors = {error["field"]: error for error in response.json()["errors"]}
    assert errors[field]["code"] == code, errors
    assert errors[field]["message"] not in ("", code)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/api/v1/gates/{TOO_BIG}/windows?direction=export", "path.gate_id"),
        (f"/api/v1/gates/{TOO_BIG}", "path.row_id"),
        (f"/api/v1/crossings/{TOO_BIG}", "path.crossing_id"),
        (f"/api/v1/queue?gate_id={TOO_BIG}&direction=export", "query.gate_id"),
        (f"/api/v1/crossings?gate_id={TOO_BIG}", "query.gate_id"),
        (f"/api/v1/gates?offset={2**63}", "query.offset"),
        (f"/api/v1/queue/stream?gate_id={TOO_BIG}", "query.gate_id"),
    ],
)
def test_whole_numbers_beyond_the_columns_are_refused(
    client: TestClient, people: People, path: str, field: str
) -> None:
    _refused(client.get(path, headers=people[Role.admin]), field, "less_than_equal")


def test_an_id_beyond_the_columns_in_a_body_is_refused(
    client: TestClient, people: People, db: Database
) -> None:
    with db.write() as session:
        gate = make_open_gate(session)
        vehicle = make_vehicle(session, people.own_enterprise)
        body = {"vehicle_id": vehicle.id, "gate_id": gate.id, "direction": "export"}
    response = client.post(
        "/api/v1/crossings",
        json={**body, "regime": "export", "cargo": cargo(), "window_id": TOO_BIG},
        headers=people[Role.enterprise],
    )
    _refused(response, "window_id", "less_than_equal")


def test_control_characters_in_text_are_refused(
    client: TestClient, people: People, db: Database
) -> None:
    with db.write() as session:
        driver = make_driver(session, people.own_enterprise)
        gate = make_open_gate(session)
        vehicle = make_vehicle(session, people.own_enterprise)
        driver_id, gate_id, vehicle_id = driver.id, gate.id, vehicle.id
    admin = people[Role.admin]
    enterprise = f"/api/v1/enterprises/{people.own_enterprise.id}"
    _refused(
        client.patch(enterprise, json={"address": "1 Trần\u0000 Hưng Đạo"}, headers=admin),
        "address",
        "control_character",
    )
    _refused(
        client.patch(f"/api/v1/drivers/{driver_id}", json={"full_name": "Lê\u0000"}, headers=admin),
        "full_name",
        "control_character",
    )
    lines = cargo()
    lines[0]["description"] = "Thanh long\u0000"
    booking = {"vehicle_id": vehicle_id, "gate_id": gate_id, "direction": "export"}
    _refused(
        client.post(
            "/api/v1/crossings",
            json={**booking, "regime": "export", "cargo": lines},
            headers=people[Role.enterprise],
        ),
        "cargo.0.description",
        "control_character",
    )
    plate = client.get("/api/v1/crossings?plate=12C%00", headers=admin)
    _refused(plate, "query.plate", "control_character")
    login = client.post("/api/v1/auth/token", data={"username": "a\u0000b", "password": "x"})
    _refused(login, "username", "control_character")
    with db.write() as session:
        assert session.get(Enterprise, people.own_enterprise.id).address is None  # type: ignore[union-attr]
        assert "\u0000" not in session.get(Driver, driver_id).full_name  # type: ignore[union-attr]


def test_line_breaks_stay_where_text_has_lines(client: TestClient, people: People) -> None:
    enterprise = f"/api/v1/enterprises/{people.own_enterprise.id}"
    kept = client.patch(
        enterprise, json={"address": "1 Trần Hưng Đạo\nLạng Sơn"}, headers=people[Role.admin]
    )
    assert kept.status_code == 200, kept.text
    assert kept.json()["address"] == "1 Trần Hưng Đạo\nLạng Sơn"
    named = client.patch(enterprise, json={"name_vi": "Công ty\nA"}, headers=people[Role.admin])
    _refused(named, "name_vi", "control_character")


def test_text_longer_than_its_column_is_refused(
    client: TestClient, people: People, db: Database
) -> None:
    with db.write() as session:
        make_priority_classes(session)
    response = client.patch(
        "/api/v1/priority-classes/1", json={"name_en": "x" * 101}, headers=people[Role.admin]
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "text_too_long"
    assert response.json()["errors"][0]["field"] == "name_en"
    assert "100" in response.json()["detail"]
    with db.write() as session:
        assert len(session.get(PriorityClass, 1).name_en) <= 100  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/gates/{gate}/windows?direction=export&from=0001-01-01",
        "/api/v1/gates/{gate}/windows?direction=export&from=9999-12-31&to=9999-12-31",
        "/api/v1/fees/totals?from=0001-01-01",
        "/api/v1/fees/totals?to=9999-12-31",
    ],
)
def test_days_far_in_the_past_or_future_are_refused(
    client: TestClient, people: People, db: Database, path: str
) -> None:
    with db.write() as session:
        gate = make_gate(session).id
    response = client.get(path.format(gate=gate), headers=people[Role.admin])
    _refused(response, "query.from" if "from=" in path else "query.to", "day_out_of_range")


def test_times_of_day_with_a_zone_are_refused(
    client: TestClient, people: People, db: Database
) -> None:
    with db.write() as session:
        gate = make_gate(session)
        gate_id, closes_at = gate.id, gate.closes_at
    admin = people[Role.admin]
    response = client.patch(
        f"/api/v1/gates/{gate_id}", json={"closes_at": "00:00:00Z"}, headers=admin
    )
    _refused(response, "closes_at", "time_of_day_zoned")
    pattern = {
        "direction": "export",
        "windows": [
            {"weekdays": [0], "starts_at": "07:00+07:00", "ends_at": "08:00", "capacity": 5}
        ],
    }
    response = client.put(f"/api/v1/gates/{gate_id}/capacity-pattern", json=pattern, headers=admin)
    _refused(response, "windows.0.starts_at", "time_of_day_zoned")
    with db.write() as session:
        assert session.get(Gate, gate_id).closes_at == closes_at  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("moment", "code"),
    [
        ("2026-01-01T08:00:00+13:08", "utc_offset_invalid"),
        ("2026-01-01T08:00:00+15:00", "utc_offset_invalid"),
        ("9999-12-31T23:59:59-14:00", "day_out_of_range"),
        ("0001-01-01T00:00:00+01:00", "day_out_of_range"),
    ],
)
def test_moments_the_databases_cannot_hold_are_refused(
    client: TestClient, people: People, db: Database, moment: str, code: str
) -> None:
    with db.write() as session:
        gate = make_open_gate(session)
        vehicle = make_vehicle(session, people.own_enterprise)
        booking = {"vehicle_id": vehicle.id, "gate_id": gate.id, "direction": "export"}
    response = client.post(
        "/api/v1/crossings",
        json={**booking, "regime": "export", "cargo": cargo(), "not_before": moment},
        headers=people[Role.enterprise],
    )
    _refused(response, "not_before", code)
    audit = client.get("/api/v1/audit", params={"since": moment}, headers=people[Role.admin])
    _refused(audit, "query.since", code)


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/api/v1/public/wait-times", None),
        ("/api/v1/gates", Role.admin),
        ("/api/v1/gates/999", Role.admin),
        ("/api/v1/gates", None),
        ("/", None),
        ("/wait-times", None),
        ("/static/cuakhau.css", None),
    ],
)
def test_head_answers_wherever_get_does(
    client: TestClient, people: People, path: str, role: Role | None
) -> None:
    headers = people[role] if role else {}
    got = client.get(path, headers=headers)
    head = client.head(path, headers=headers)
    assert head.status_code == got.status_code
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers.get("content-length") == got.headers.get("content-length")


def test_head_is_refused_where_get_is(client: TestClient) -> None:
    assert client.head("/api/v1/auth/token").status_code == 405
