from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from cuakhau.core.clock import utcnow
from cuakhau.models import ApiToken, AuditEntry, LoginThrottle
from cuakhau.models.enums import Role
from tests.conftest import Database, People
from tests.factories import make_user

PASSWORD = "correct horse battery"


def _login(client: TestClient, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def test_login_gives_an_expiring_token_that_works(client: TestClient, db: Database):
    with db.write() as session:
        make_user(session, Role.gate_officer, username="officer", password=PASSWORD)
    response = _login(client, "officer", PASSWORD)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_at"] is not None
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["username"] == "officer"
    assert me.json()["last_login_at"] is not None


def test_wrong_password_and_unknown_user_look_the_same(client: TestClient, db: Database):
    with db.write() as session:
        make_user(session, Role.board, username="board", password=PASSWORD)
    wrong = _login(client, "board", "not the password")
    unknown = _login(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]


def test_repeated_failures_are_throttled_even_with_the_right_password(
    client: TestClient, db: Database
):
    with db.write() as session:
        make_user(session, Role.customs, username="customs", password=PASSWORD)
    # The test settings allow 3 failures.
    for _ in range(3):
        assert _login(client, "customs", "guess").status_code == 401
    locked = _login(client, "customs", PASSWORD)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert locked.json()["code"] == "login_throttled"
    # Once the lock has passed, the right password works and the count is cleared.
    with db.write() as session:
        throttle = session.get(LoginThrottle, "customs")
        assert throttle is not None
        throttle.locked_until = utcnow() - timedelta(seconds=1)
    assert _login(client, "customs", PASSWORD).status_code == 200
    assert db.count(LoginThrottle) == 0


def test_expired_token_refused(client: TestClient, people: People, db: Database):
    with db.write() as session:
        for token in session.scalars(select(ApiToken)):
            token.expires_at = utcnow() - timedelta(minutes=1)
    response = client.get("/api/v1/auth/me", headers=people[Role.board])
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_logout_revokes_the_token(client: TestClient, people: People):
    headers = people[Role.gate_officer]
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    response = client.get("/api/v1/auth/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"


def test_disabled_account_loses_access(client: TestClient, people: People):
    officer = people.users[Role.gate_officer]
    disabled = client.post(f"/api/v1/users/{officer.id}/disable", headers=people[Role.admin])
    assert disabled.status_code == 200
    assert disabled.json()["is_active"] is False
    response = client.get("/api/v1/auth/me", headers=people[Role.gate_officer])
    assert response.status_code == 401


def test_garbage_token_refused(client: TestClient):
    response = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401
    assert client.get("/api/v1/auth/me").status_code == 401


def test_camera_token_issued_by_admin_and_revocable(client: TestClient, people: People):
    camera = people.users[Role.camera]
    issued = client.post(
        f"/api/v1/users/{camera.id}/tokens",
        json={"label": "Hữu Nghị lane 1"},
        headers=people[Role.admin],
    )
    assert issued.status_code == 201
    token = issued.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/auth/me", headers=headers).json()["role"] == "camera"
    listed = client.get(f"/api/v1/users/{camera.id}/tokens", headers=people[Role.admin]).json()
    assert "token" not in listed[0]
    revoked = client.post(
        f"/api/v1/users/{camera.id}/tokens/{issued.json()['id']}/revoke",
        headers=people[Role.admin],
    )
    assert revoked.json()["revoked_at"] is not None
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_camera_cannot_log_in_with_a_password(client: TestClient, people: People):
    camera = people.users[Role.camera]
    assert _login(client, camera.username, "").status_code in (401, 422)


def test_a_login_and_a_logout_are_one_audit_entry_each_by_the_person(
    client: TestClient, db: Database
):
    with db.write() as session:
        officer = make_user(session, Role.gate_officer, username="officer", password=PASSWORD)
    token = _login(client, "officer", PASSWORD).json()["access_token"]
    _login(client, "officer", PASSWORD)
    client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})

    entries = db.scalars(select(AuditEntry).where(AuditEntry.actor_user_id == officer.id))
    assert sorted(e.action for e in entries) == ["login", "login", "logout"]
    assert {(e.entity, e.actor_label) for e in entries} == {("api_token", "officer")}
    # The account itself did not change: no entry for its last login.
    assert (
        db.count(AuditEntry, AuditEntry.entity == "user_account", AuditEntry.action == "update")
        == 0
    )
