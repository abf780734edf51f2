"""One error format for the whole API (RFC 9457), in the caller's language."""

from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from cuakhau.models import Gate
from cuakhau.models.enums import Role
from tests.conftest import Database, People
from tests.factories import gate_data, make_gate

PROBLEM = "application/problem+json"


def test_validation_problem_lists_each_field(client: TestClient, people: People, db: Database):
    body = gate_data(code="x" * 33, kind="castle", latitude="abc", surprise=True)
    del body["name_vi"]
    response = client.post("/api/v1/gates", json=body, headers=people[Role.admin])
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == "/problems/validation_failed"
    assert problem["status"] == 422
    assert problem["instance"] == "/api/v1/gates"
    by_field = {e["field"]: e for e in problem["errors"]}
    assert by_field["code"]["code"] == "string_too_long"
    assert by_field["kind"]["code"] == "enum"
    assert by_field["latitude"]["code"] == "decimal_parsing"
    assert by_field["surprise"]["code"] == "extra_forbidden"
    assert by_field["name_vi"]["code"] == "missing"
    assert by_field["name_vi"]["message"] == "Trường này là bắt buộc."
    assert db.count(Gate) == 0


def test_english_on_request(client: TestClient, people: People):
    headers = {**people[Role.admin], "Accept-Language": "en-GB,en;q=0.8"}
    response = client.post("/api/v1/gates", json={}, headers=headers)
    problem = response.json()
    assert problem["title"] == "Invalid input"
    assert "error(s)" in problem["detail"]
    assert {e["message"] for e in problem["errors"]} == {"This field is required."}
    query = client.get("/api/v1/gates/12345?lang=en", headers=people[Role.admin]).json()
    assert query["detail"] == "gate #12345 not found."


def test_vietnamese_by_default(client: TestClient, people: People):
    response = client.get("/api/v1/gates/12345", headers=people[Role.admin])
    assert response.status_code == 404
    assert response.json()["detail"] == "Không tìm thấy cửa khẩu #12345."


def test_wrong_types_and_bad_json(client: TestClient, people: People):
    headers = {**people[Role.admin], "Content-Type": "application/json"}
    broken = client.post("/api/v1/gates", content=b"{not json", headers=headers)
    assert broken.status_code == 422
    assert broken.json()["errors"][0]["code"] == "json_invalid"
    wrong = client.post("/api/v1/gates", json=["a list"], headers=people[Role.admin])
    assert wrong.status_code == 422
    paging = client.get("/api/v1/gates?limit=0&colour=red", headers=people[Role.admin])
    assert {e["field"] for e in paging.json()["errors"]} == {"query.limit", "query.colour"}


def test_unknown_route_is_a_problem_too(client: TestClient):
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "route_not_found"


def test_null_for_a_required_field_is_refused(client: TestClient, people: People, db: Database):
    with db.write() as session:
        gate = make_gate(session)
    response = client.patch(
        f"/api/v1/gates/{gate.id}", json={"name_vi": None}, headers=people[Role.admin]
    )
    assert response.status_code == 422
    assert response.json()["code"] == "null_not_allowed"
    assert response.json()["errors"][0]["field"] == "name_vi"


def test_a_silent_database_is_a_503_that_promises_nothing(client: TestClient, people: People):
    """When the database does not answer (perhaps while committing), whether a
    change was saved is unknown: the answer says so and asks to check first."""
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    # Nothing listens on port 1: connections are refused, as by a server that is down.
    silent = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/cuakhau")
    factory.configure(bind=silent)
    try:
        vietnamese = client.get("/api/v1/gates", headers=people[Role.admin])
        english = client.get("/api/v1/gates?lang=en", headers=people[Role.admin])
    finally:
        factory.configure(bind=client.app.state.engine)  # type: ignore[attr-defined]
        silent.dispose()
    assert vietnamese.status_code == 503
    assert vietnamese.headers["content-type"] == PROBLEM
    assert vietnamese.headers["retry-after"] == "5"
    problem = vietnamese.json()
    assert problem["code"] == "database_unavailable"
    assert problem["title"] == "Dịch vụ tạm thời không phục vụ được"
    assert "đã được lưu hay chưa" in problem["detail"]
    assert "không có dữ liệu nào bị thay đổi" not in problem["detail"]
    assert english.json()["detail"].startswith("The database did not answer")
    # Once it answers again, so does the API.
    assert client.get("/api/v1/gates", headers=people[Role.admin]).status_code == 200
