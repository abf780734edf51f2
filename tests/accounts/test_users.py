from fastapi.testclient import TestClient

from cuakhau.models import AuditEntry, User
from cuakhau.models.enums import Role
from tests.conftest import Database, People


def test_admin_creates_enterprise_account(client: TestClient, people: People, db: Database):
    body = {
        "username": "xulang.ketoan",
        "full_name": "Kế toán Xứ Lạng",
        "role": "enterprise",
        "enterprise_id": people.own_enterprise.id,
        "password": "a long enough password",
    }
    response = client.post("/api/v1/users", json=body, headers=people[Role.admin])
    assert response.status_code == 201, response.text
    assert "password" not in response.json()
    login = client.post(
        "/api/v1/auth/token",
        data={"username": "xulang.ketoan", "password": "a long enough password"},
    )
    assert login.status_code == 200
    entry = db.scalar(
        AuditEntry.__table__.select()
        .with_only_columns(AuditEntry.after)
        .where(AuditEntry.entity == "user_account", AuditEntry.action == "create")
        .order_by(AuditEntry.id.desc())
    )
    assert entry["username"] == "xulang.ketoan"
    assert "password_hash" not in entry


def test_account_rules(client: TestClient, people: People, db: Database):
    before = db.count(User)
    cases = [
        ({"role": "enterprise"}, "enterprise_role_needs_enterprise"),
        (
            {"role": "customs", "enterprise_id": people.own_enterprise.id},
            "only_enterprise_roles_bind",
        ),
        ({"role": "camera", "password": "a long enough password"}, "camera_has_no_password"),
        ({"role": "board", "password": "short"}, "password_too_short"),
        ({"role": "board", "password": None}, "password_required"),
    ]
    for change, code in cases:
        body = {
            "username": "someone",
            "full_name": "Someone",
            "password": "a long enough password",
            **change,
        }
        response = client.post("/api/v1/users", json=body, headers=people[Role.admin])
        assert response.status_code == 422, change
        assert response.json()["code"] == code
    assert db.count(User) == before


def test_username_must_be_unique_and_well_formed(client: TestClient, people: People):
    taken = people.users[Role.board].username
    body = {"username": taken, "full_name": "X", "role": "board", "password": "long password 1"}
    assert client.post("/api/v1/users", json=body, headers=people[Role.admin]).status_code == 409
    body["username"] = "Has Spaces"
    response = client.post("/api/v1/users", json=body, headers=people[Role.admin])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "username"


def test_admin_cannot_disable_itself(client: TestClient, people: People):
    admin = people.users[Role.admin]
    response = client.post(f"/api/v1/users/{admin.id}/disable", headers=people[Role.admin])
    assert response.status_code == 422


def test_list_and_filter_users(client: TestClient, people: People):
    listed = client.get("/api/v1/users?role=camera", headers=people[Role.admin]).json()
    assert [u["role"] for u in listed["items"]] == ["camera"]
    everyone = client.get("/api/v1/users", headers=people[Role.admin]).json()
    assert everyone["total"] == len(Role)
