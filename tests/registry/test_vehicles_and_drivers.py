import pytest
from fastapi.testclient import TestClient

from cuakhau.models import Driver, Vehicle
from cuakhau.models.enums import Role
from tests.conftest import Database, People
from tests.factories import make_driver, make_vehicle


def test_enterprise_registers_vehicle_with_normalised_plates(client: TestClient, people: People):
    body = {
        "plate": "12c 12345",
        "kind": "tractor_unit",
        "axles": 3,
        "payload_kg": 30000,
        "trailer_plate": "12R01234",
    }
    response = client.post("/api/v1/vehicles", json=body, headers=people[Role.enterprise])
    assert response.status_code == 201, response.text
    vehicle = response.json()
    assert vehicle["plate"] == "12C-123.45"
    assert vehicle["trailer_plate"] == "12R-012.34"
    assert vehicle["plate_country"] == "VN"
    assert vehicle["enterprise_id"] == people.own_enterprise.id
    found = client.get("/api/v1/vehicles?plate=12C12345", headers=people[Role.gate_officer])
    assert found.json()["total"] == 1


def test_chinese_plate(client: TestClient, people: People):
    body = {"plate": "桂A·12345", "kind": "truck", "axles": 2, "payload_kg": 8000}
    response = client.post("/api/v1/vehicles", json=body, headers=people[Role.enterprise])
    assert response.status_code == 201, response.text
    assert response.json()["plate"] == "桂A12345"
    assert response.json()["plate_country"] == "CN"


@pytest.mark.parametrize("plate", ["ABC-123", "12C-12", "10C-123.45", "桂I12345", "12C-123.456"])
def test_malformed_plates_refused(client: TestClient, people: People, db: Database, plate: str):
    body = {"plate": plate, "kind": "truck", "axles": 2, "payload_kg": 8000}
    response = client.post("/api/v1/vehicles", json=body, headers=people[Role.enterprise])
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "plate"
    assert error["code"] == "plate_invalid"
    assert db.count(Vehicle) == 0


def test_same_plate_twice_conflicts(client: TestClient, people: People, db: Database):
    with db.write() as session:
        make_vehicle(session, people.other_enterprise, plate="12C-111.11")
    body = {"plate": "12C11111", "kind": "truck", "axles": 2, "payload_kg": 8000}
    response = client.post("/api/v1/vehicles", json=body, headers=people[Role.enterprise])
    assert response.status_code == 409
    assert db.count(Vehicle) == 1


def test_enterprise_isolation_for_vehicles_and_drivers(
    client: TestClient, people: People, db: Database
):
    with db.write() as session:
        mine = make_vehicle(session, people.own_enterprise)
        theirs = make_vehicle(session, people.other_enterprise)
        their_driver = make_driver(session, people.other_enterprise)
    headers = people[Role.enterprise]
    listed = client.get("/api/v1/vehicles", headers=headers).json()
    assert [v["id"] for v in listed["items"]] == [mine.id]
    for path in (
        f"/api/v1/vehicles/{theirs.id}",
        f"/api/v1/drivers/{their_driver.id}",
    ):
        assert client.get(path, headers=headers).status_code == 404
        assert client.patch(path, json={}, headers=headers).status_code == 404
        assert client.post(f"{path}/deactivate", headers=headers).status_code == 404
    # Registering for another company is refused, not silently re-assigned.
    body = {
        "enterprise_id": people.other_enterprise.id,
        "plate": "12C-999.99",
        "kind": "truck",
        "axles": 2,
        "payload_kg": 8000,
    }
    assert client.post("/api/v1/vehicles", json=body, headers=headers).status_code == 422
    assert db.count(Vehicle) == 2
    everyone = client.get("/api/v1/vehicles", headers=people[Role.gate_officer]).json()
    assert everyone["total"] == 2


def test_staff_must_name_the_owner(client: TestClient, people: People):
    body = {"plate": "12C-555.55", "kind": "truck", "axles": 2, "payload_kg": 8000}
    response = client.post("/api/v1/vehicles", json=body, headers=people[Role.admin])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "enterprise_id"


def test_driver_phone_and_id_validated(client: TestClient, people: People, db: Database):
    headers = people[Role.enterprise]
    good = {
        "full_name": "Nông Văn Hùng",
        "id_number": "020085001234",
        "nationality": "vn",
        "phone": "0912 345 678",
    }
    response = client.post("/api/v1/drivers", json=good, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["phone"] == "+84912345678"
    assert response.json()["nationality"] == "VN"
    bad_cases = [
        ({"phone": "12345"}, "phone", "phone_invalid"),
        ({"id_number": "12AB"}, "id_number", "string_too_short"),
        ({"id_number": "1234567"}, "", "id_number_invalid"),
        ({"nationality": "XX"}, "nationality", "country_invalid"),
    ]
    for change, field, code in bad_cases:
        body = {**good, "id_number": "020085009999", **change}
        result = client.post("/api/v1/drivers", json=body, headers=headers)
        assert result.status_code == 422, change
        error = result.json()["errors"][0]
        assert (error["field"], error["code"]) == (field, code)
    chinese = {
        "full_name": "黄志强",
        "id_number": "45080219880506123X",
        "nationality": "CN",
        "phone": "+86 138 0771 2345",
    }
    assert client.post("/api/v1/drivers", json=chinese, headers=headers).status_code == 201
    assert db.count(Driver) == 2
    duplicate = client.post("/api/v1/drivers", json=good, headers=headers)
    assert duplicate.status_code == 409
