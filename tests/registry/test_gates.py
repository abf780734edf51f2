from fastapi.testclient import TestClient

from cuakhau.models import AuditEntry, Gate
from cuakhau.models.enums import Role
from tests.conftest import Database, People
from tests.factories import gate_data, make_gate


def test_admin_creates_gate_and_everyone_reads_it(client: TestClient, people: People):
    body = gate_data(code="HN-TEST", counterpart_name_zh="友谊关", latitude="21.969")
    created = client.post("/api/v1/gates", json=body, headers=people[Role.admin])
    assert created.status_code == 201, created.text
    gate = created.json()
    assert gate["code"] == "HN-TEST"
    assert gate["opens_at"] == "07:00:00"
    assert gate["counterpart_name_zh"] == "友谊关"
    for role in (Role.board, Role.gate_officer, Role.customs, Role.enterprise):
        read = client.get(f"/api/v1/gates/{gate['id']}", headers=people[role])
        assert read.status_code == 200
        assert read.json()["name_vi"] == body["name_vi"]


def test_list_pages_and_filters(client: TestClient, people: People, db: Database):
    with db.write() as session:
        for _ in range(5):
            make_gate(session)
        make_gate(session, kind="secondary", mode="rail", name_en="Railway gate")
    page = client.get("/api/v1/gates?limit=2&offset=1", headers=people[Role.board]).json()
    assert page["total"] == 6
    assert page["limit"] == 2
    assert len(page["items"]) == 2
    rail = client.get("/api/v1/gates?mode=rail", headers=people[Role.board]).json()
    assert [g["name_en"] for g in rail["items"]] == ["Railway gate"]
    found = client.get("/api/v1/gates?q=railway", headers=people[Role.board]).json()
    assert found["total"] == 1


def test_update_changes_only_given_fields_and_is_audited(
    client: TestClient, people: People, db: Database
):
    with db.write() as session:
        gate = make_gate(session)
    response = client.patch(
        f"/api/v1/gates/{gate.id}", json={"closes_at": "21:00"}, headers=people[Role.admin]
    )
    assert response.status_code == 200
    assert response.json()["closes_at"] == "21:00:00"
    assert response.json()["name_vi"] == gate.name_vi
    entry = db.scalar(
        AuditEntry.__table__.select()
        .where(AuditEntry.entity == "gate", AuditEntry.action == "update")
        .with_only_columns(AuditEntry.before, AuditEntry.after, AuditEntry.actor_user_id)
    )
    assert entry is not None


def test_update_that_breaks_hours_is_refused(client: TestClient, people: People, db: Database):
    with db.write() as session:
        gate = make_gate(session)
    response = client.patch(
        f"/api/v1/gates/{gate.id}", json={"opens_at": "20:00"}, headers=people[Role.admin]
    )
    assert response.status_code == 422
    assert response.json()["code"] == "hours_order"
    assert db.scalar(Gate.__table__.select().with_only_columns(Gate.opens_at)).hour == 7


def test_duplicate_code_conflicts_and_changes_nothing(
    client: TestClient, people: People, db: Database
):
    with db.write() as session:
        make_gate(session, code="DUP")
    before = db.count(Gate)
    response = client.post("/api/v1/gates", json=gate_data(code="DUP"), headers=people[Role.admin])
    assert response.status_code == 409
    assert "DUP" in response.json()["detail"]
    assert db.count(Gate) == before


def test_deactivate_keeps_the_row(client: TestClient, people: People, db: Database):
    with db.write() as session:
        gate = make_gate(session)
    response = client.post(f"/api/v1/gates/{gate.id}/deactivate", headers=people[Role.admin])
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert db.count(Gate, Gate.id == gate.id) == 1
    inactive = client.get("/api/v1/gates?active=false", headers=people[Role.admin]).json()
    assert [g["id"] for g in inactive["items"]] == [gate.id]
    assert client.delete(f"/api/v1/gates/{gate.id}", headers=people[Role.admin]).status_code == 405


def test_gate_needs_a_direction_and_ordered_hours(client: TestClient, people: People):
    body = gate_data(handles_export=False, handles_import=False)
    response = client.post("/api/v1/gates", json=body, headers=people[Role.admin])
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "no_direction"
