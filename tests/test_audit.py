from fastapi import APIRouter, status
from fastapi.testclient import TestClient
from sqlalchemy import select

from cuakhau.app import create_app
from cuakhau.core.actor import Actor
from cuakhau.core.config import Settings
from cuakhau.core.database import make_engine, make_session_factory, session_scope
from cuakhau.core.deps import DbSession
from cuakhau.core.errors import Conflict
from cuakhau.gates.schemas import GateCreate
from cuakhau.gates.service import create_gate
from cuakhau.models import AuditEntry, Gate
from cuakhau.models.enums import Role
from cuakhau.sessions import audited_session_factory
from tests.conftest import Database, People
from tests.factories import gate_data


def test_every_write_is_recorded_with_who_and_what(
    client: TestClient, people: People, db: Database
):
    admin = people.users[Role.admin]
    headers = people[Role.admin]
    gate = client.post("/api/v1/gates", json=gate_data(code="AUD-1"), headers=headers).json()
    client.patch(f"/api/v1/gates/{gate['id']}", json={"district": "Văn Lãng"}, headers=headers)
    client.post(f"/api/v1/gates/{gate['id']}/deactivate", headers=headers)

    log = client.get(
        f"/api/v1/audit?entity=gate&entity_id={gate['id']}", headers=people[Role.board]
    ).json()
    assert [e["action"] for e in log["items"]] == ["update", "update", "create"]
    deactivated, moved, created = log["items"]
    assert created["after"]["code"] == "AUD-1"
    assert created["before"] is None
    assert moved["before"] == {"district": "Cao Lộc"}
    assert moved["after"] == {"district": "Văn Lãng"}
    assert deactivated["after"] == {"is_active": False}
    assert {e["actor_user_id"] for e in log["items"]} == {admin.id}
    assert {e["actor_label"] for e in log["items"]} == {admin.username}


def test_an_unchanged_update_writes_nothing(client: TestClient, people: People, db: Database):
    headers = people[Role.admin]
    gate = client.post("/api/v1/gates", json=gate_data(), headers=headers).json()
    before = db.count(AuditEntry)
    same = client.patch(
        f"/api/v1/gates/{gate['id']}", json={"name_vi": gate["name_vi"]}, headers=headers
    )
    assert same.status_code == 200
    assert db.count(AuditEntry) == before


def test_audit_filters_by_actor_and_time(client: TestClient, people: People):
    headers = people[Role.admin]
    client.post("/api/v1/gates", json=gate_data(), headers=headers)
    admin_id = people.users[Role.admin].id
    mine = client.get(f"/api/v1/audit?actor_user_id={admin_id}", headers=headers).json()
    assert mine["total"] >= 1
    future = client.get("/api/v1/audit?since=2099-01-01T00:00:00Z", headers=headers).json()
    assert future["total"] == 0
    naive = client.get("/api/v1/audit?since=2020-01-01T00:00:00", headers=headers)
    assert naive.status_code == 422


def test_a_failed_request_leaves_nothing_behind(settings: Settings, db: Database):
    """A handler that writes and then fails: the write and its audit entry both vanish."""
    app = create_app(settings)
    probe = APIRouter()

    @probe.post("/probe/write-then-fail", status_code=status.HTTP_201_CREATED)
    def write_then_fail(session: DbSession) -> None:
        create_gate(session, GateCreate(**gate_data(code="HALF")))
        session.flush()
        raise Conflict("duplicate", entity="gate", field="code", value="HALF")

    app.include_router(probe)
    with TestClient(app) as probe_client:
        response = probe_client.post("/probe/write-then-fail")
    assert response.status_code == 409
    assert db.count(Gate) == 0
    assert db.count(AuditEntry) == 0


def test_only_the_audited_factory_records(database_url: str):
    """Core's bare factory writes no audit entries; ``cuakhau.sessions`` adds them."""
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine), Actor(label="bare")) as session:
            create_gate(session, GateCreate(**gate_data(code="BARE")))
        with session_scope(audited_session_factory(engine), Actor(label="audited")) as session:
            create_gate(session, GateCreate(**gate_data(code="AUDITED")))
        with session_scope(make_session_factory(engine), Actor(label="check")) as session:
            recorded = session.execute(select(AuditEntry.actor_label, AuditEntry.entity)).all()
            gates = session.scalars(select(Gate.code).order_by(Gate.code)).all()
    finally:
        engine.dispose()
    assert gates == ["AUDITED", "BARE"]
    assert recorded == [("audited", "gate")]
