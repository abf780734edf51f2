"""The express lane's door (PostgreSQL), through the real app: it answers only
what the lane books, and everything else reaches the route as it was sent."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from cuakhau.core.errors import DatabaseUnavailable
from cuakhau.crossings import router as crossings_router
from cuakhau.crossings.express import ExpressBooking
from cuakhau.models import Crossing
from cuakhau.models.enums import Role
from tests.conftest import Database, People
from tests.crossings.test_api import book, booking_body, tomorrow_window

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture
def general_path(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each booking the route makes on the general path, by its HTTP status."""
    made: list[int] = []
    book_generally = crossings_router._book_generally

    def watched(*args: Any) -> Any:
        try:
            answer = book_generally(*args)
        except Exception:
            made.append(409)
            raise
        made.append(201)
        return answer

    monkeypatch.setattr(crossings_router, "_book_generally", watched)
    return made


def test_the_door_books_what_the_lane_books(
    client: TestClient, people: People, db: Database, gate_id: int, general_path: list[int]
):
    window = tomorrow_window(client, gate_id)
    booked = book(client, people, db, gate_id, window_id=window["id"])
    assert booked.status_code == 201, booked.text
    assert booked.headers["content-type"] == "application/json"
    assert general_path == []
    read = client.get(f"/api/v1/crossings/{booked.json()['id']}", headers=people[Role.enterprise])
    assert booked.json() == read.json()


def test_what_the_lane_declines_reaches_the_route_body_and_all(
    client: TestClient, people: People, db: Database, gate_id: int, general_path: list[int]
):
    window = tomorrow_window(client, gate_id)
    for _ in range(3):
        assert book(client, people, db, gate_id, window_id=window["id"]).status_code == 201
    full = book(client, people, db, gate_id, window_id=window["id"])
    assert full.status_code == 409
    assert full.json()["code"] == "window_full"
    assert full.json()["next_free_windows"]
    # "Earliest" is not the lane's: the route books it, from the body the door read.
    earliest = book(client, people, db, gate_id)
    assert earliest.status_code == 201, earliest.text
    assert general_path == [409, 201]
    assert db.count(Crossing) == 4


def _post(client: TestClient, body: bytes, headers: dict[str, str]) -> Any:
    return client.post("/api/v1/crossings", content=body, headers=headers)


@pytest.mark.parametrize(
    ("body", "content_type", "field"),
    [
        (b'{"vehicle_id": 1, "gate_id":', "application/json", None),
        (b'{"gate_id": 1, "direction": "export", "regime": "export"}', "application/json",
         "vehicle_id"),
        (b'{"vehicle_id": 1}', "text/plain", None),
    ],
    ids=["broken JSON", "missing field", "not JSON"],
)  # fmt: skip
def test_a_body_the_door_cannot_read_is_the_apps_to_answer(
    client: TestClient,
    people: People,
    general_path: list[int],
    body: bytes,
    content_type: str,
    field: str | None,
):
    headers = {**people[Role.enterprise], "Content-Type": content_type, "Accept-Language": "en"}
    refused = _post(client, body, headers)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["code"] == "validation_failed"
    if field is not None:
        assert [error["field"] for error in problem["errors"]] == [field]
        assert problem["errors"][0]["message"] == "This field is required."
    assert general_path == []


def test_callers_the_lane_does_not_serve_reach_the_route(
    client: TestClient, people: People, db: Database, gate_id: int, general_path: list[int]
):
    window = tomorrow_window(client, gate_id)
    body = booking_body(people, db, gate_id, window_id=window["id"])
    assert client.post("/api/v1/crossings", json=body).status_code == 401
    stranger = {"Authorization": "Bearer not-a-token"}
    assert client.post("/api/v1/crossings", json=body, headers=stranger).status_code == 401
    viewer = client.post("/api/v1/crossings", json=body, headers=people[Role.board])
    assert viewer.status_code == 403
    # A gate officer books for an enterprise, on the general path.
    on_behalf = {**body, "enterprise_id": people.own_enterprise.id}
    officer = client.post("/api/v1/crossings", json=on_behalf, headers=people[Role.gate_officer])
    assert officer.status_code == 201, officer.text
    assert general_path == [201]


def test_the_lanes_own_failure_is_answered_in_the_apps_words(
    client: TestClient, people: People, db: Database, gate_id: int, general_path: list[int]
):
    """The lane cannot tell whether a booking was made (``test_express``): the
    door answers 503 as the app answers it, and the route does not book again."""
    lane: ExpressBooking = client.app.state.express  # type: ignore[attr-defined]

    async def unconfirmed(*_args: Any) -> None:
        raise DatabaseUnavailable()

    lane.book = unconfirmed  # type: ignore[method-assign]
    window = tomorrow_window(client, gate_id)
    body = booking_body(people, db, gate_id, window_id=window["id"])
    answer = client.post("/api/v1/crossings", json=body, headers=people[Role.enterprise])
    assert answer.status_code == 503
    assert answer.headers["retry-after"]
    assert answer.json()["code"] == "database_unavailable"
    assert general_path == []
    assert db.count(Crossing) == 0
