from fastapi.testclient import TestClient

from cuakhau.models import Enterprise
from cuakhau.models.enums import Role
from tests.conftest import Database, People
from tests.factories import enterprise_data


def test_admin_registers_enterprise_with_roles(client: TestClient, people: People):
    body = enterprise_data(
        tax_code="0100109106-001",
        roles=["yard_operator", "logistics"],
        webhook_url="https://example.test/hooks/cuakhau",
    )
    response = client.post("/api/v1/enterprises", json=body, headers=people[Role.admin])
    assert response.status_code == 201, response.text
    enterprise = response.json()
    assert enterprise["tax_code"] == "0100109106-001"
    assert enterprise["roles"] == ["logistics", "yard_operator"]
    by_role = client.get(
        "/api/v1/enterprises?role=yard_operator", headers=people[Role.gate_officer]
    ).json()
    assert [e["tax_code"] for e in by_role["items"]] == ["0100109106-001"]


def test_bad_tax_codes_are_refused_with_reasons(client: TestClient, people: People, db: Database):
    before = db.count(Enterprise)
    cases = {
        "12345": "tax_code_invalid",
        "0100109107": "tax_code_checksum",
        "0100109106-01": "tax_code_invalid",
    }
    for tax_code, code in cases.items():
        body = enterprise_data(tax_code=tax_code)
        response = client.post("/api/v1/enterprises", json=body, headers=people[Role.admin])
        assert response.status_code == 422
        error = response.json()["errors"][0]
        assert error["field"] == "tax_code"
        assert error["code"] == code
        assert tax_code in error["message"]
    assert db.count(Enterprise) == before


def test_enterprise_user_sees_only_its_own_company(client: TestClient, people: People):
    headers = people[Role.enterprise]
    listed = client.get("/api/v1/enterprises", headers=headers).json()
    assert [e["id"] for e in listed["items"]] == [people.own_enterprise.id]
    other = client.get(f"/api/v1/enterprises/{people.other_enterprise.id}", headers=headers)
    assert other.status_code == 404
    assert people.other_enterprise.name_vi not in other.text


def test_enterprise_user_edits_own_contact_details_but_not_roles(
    client: TestClient, people: People
):
    headers = people[Role.enterprise]
    own = people.own_enterprise.id
    ok = client.patch(
        f"/api/v1/enterprises/{own}",
        json={"webhook_url": "https://hooks.example.test/x", "address": "Lạng Sơn"},
        headers=headers,
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["webhook_url"] == "https://hooks.example.test/x"
    roles = client.patch(
        f"/api/v1/enterprises/{own}", json={"roles": ["yard_operator"]}, headers=headers
    )
    assert roles.status_code == 403
    other = client.patch(
        f"/api/v1/enterprises/{people.other_enterprise.id}",
        json={"address": "x"},
        headers=headers,
    )
    assert other.status_code == 404


def test_webhook_must_be_http(client: TestClient, people: People):
    body = enterprise_data(webhook_url="ftp://example.test/x")
    response = client.post("/api/v1/enterprises", json=body, headers=people[Role.admin])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "webhook_url"


def test_duplicate_tax_code_conflicts(client: TestClient, people: People, db: Database):
    body = enterprise_data(tax_code=people.own_enterprise.tax_code)
    before = db.count(Enterprise)
    response = client.post("/api/v1/enterprises", json=body, headers=people[Role.admin])
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"
    assert db.count(Enterprise) == before
