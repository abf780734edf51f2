from fastapi.testclient import TestClient

from cuakhau.models import AuditEntry, Yard, YardSpace
from cuakhau.models.enums import Role
from tests.conftest import Database, People
from tests.factories import make_enterprise, make_gate, make_yard


def test_yard_with_spaces_by_vehicle_class(client: TestClient, people: People, db: Database):
    with db.write() as session:
        gate = make_gate(session)
        operator = make_enterprise(session, roles=["yard_operator"])
    body = {
        "code": "HN-01",
        "name_vi": "Bãi Hữu Nghị 1",
        "gate_id": gate.id,
        "operator_id": operator.id,
        "spaces": {"truck": 300, "container": 80},
        "cold_spaces": 40,
    }
    response = client.post("/api/v1/yards", json=body, headers=people[Role.admin])
    assert response.status_code == 201, response.text
    yard = response.json()
    assert yard["spaces"] == {"container": 80, "truck": 300}
    changed = client.patch(
        f"/api/v1/yards/{yard['id']}",
        json={"spaces": {"truck": 250, "small": 10}},
        headers=people[Role.admin],
    )
    assert changed.status_code == 200
    assert changed.json()["spaces"] == {"small": 10, "truck": 250}
    assert db.count(YardSpace, YardSpace.yard_id == yard["id"]) == 2
    space_updates = db.count(
        AuditEntry, AuditEntry.entity == "yard_space", AuditEntry.action == "update"
    )
    assert space_updates == 1


def test_operator_must_be_a_yard_operator(client: TestClient, people: People, db: Database):
    with db.write() as session:
        gate = make_gate(session)
    body = {
        "code": "BAD-OP",
        "name_vi": "Bãi",
        "gate_id": gate.id,
        "operator_id": people.own_enterprise.id,
        "spaces": {"truck": 10},
    }
    before_yards, before_audit = db.count(Yard), db.count(AuditEntry)
    response = client.post("/api/v1/yards", json=body, headers=people[Role.admin])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "operator_id"
    assert db.count(Yard) == before_yards
    assert db.count(AuditEntry) == before_audit


def test_unknown_gate_is_named(client: TestClient, people: People, db: Database):
    with db.write() as session:
        operator = make_enterprise(session, roles=["yard_operator"])
    body = {
        "code": "NO-GATE",
        "name_vi": "Bãi",
        "gate_id": 999_999,
        "operator_id": operator.id,
        "spaces": {"truck": 10},
    }
    response = client.post("/api/v1/yards", json=body, headers=people[Role.admin])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "gate_id"
    assert "999999" in response.json()["detail"]


def test_negative_spaces_refused(client: TestClient, people: People, db: Database):
    with db.write() as session:
        gate = make_gate(session)
        operator = make_enterprise(session, roles=["yard_operator"])
        yard = make_yard(session, gate, operator)
    response = client.patch(
        f"/api/v1/yards/{yard.id}", json={"spaces": {"truck": -1}}, headers=people[Role.admin]
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "spaces.truck"
    assert (
        db.scalar(
            YardSpace.__table__.select()
            .with_only_columns(YardSpace.spaces)
            .where(YardSpace.yard_id == yard.id, YardSpace.vehicle_class == "truck")
        )
        == 100
    )
