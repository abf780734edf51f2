"""The driver's signed link and the booking's QR code at the yard's check-in: a
link opens its one crossing's page without logging in, and a wrong signature,
another crossing's id, an expired link or any hostile text is a clear 4xx page,
never a 500; the yard takes the code instead of the plate and refuses a forged
one."""

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cuakhau.core.clock import utcnow
from cuakhau.crossings.driver_link import (
    AFTER_END,
    LinkExpired,
    LinkInvalid,
    crossing_of,
    driver_view,
    looks_like_code,
    path_for,
    token_for,
)
from cuakhau.crossings.states import move
from cuakhau.models import Crossing, Enterprise, YardVisit
from cuakhau.models.enums import CrossingState, Role
from cuakhau.notifications.delivery import claim_due, lease_of
from tests.conftest import TEST_SECRET, Database, People
from tests.factories import advance, cargo, make_booking, make_enterprise, make_open_gate, make_yard

NOW = utcnow()


@pytest.fixture
def booked(db: Database) -> dict[str, Any]:
    """Two trucks booked at one gate, a third at another; a yard at the first."""
    with db.write() as session:
        gate, elsewhere = make_open_gate(session), make_open_gate(session)
        firm = make_enterprise(session, name_vi="Công ty Rồng Xanh")
        operator = make_enterprise(session, roles=["yard_operator"])
        yard = make_yard(session, gate, operator)
        crossings = [make_booking(session, firm, gate, now=NOW) for _ in range(2)]
        far = make_booking(session, firm, elsewhere, now=NOW)
    return {"gate": gate, "yard": yard, "crossings": crossings, "far": far}


@pytest.fixture
def at_clock(client: TestClient) -> Iterator[Any]:
    """Set the app's clock for the rest of the test."""
    state = client.app.state  # type: ignore[attr-defined]
    before = state.clock

    def set_to(moment: datetime) -> None:
        state.clock = lambda: moment

    yield set_to
    state.clock = before


def test_the_link_opens_its_crossing_page_without_login(client: TestClient, booked: Any):
    crossing = booked["crossings"][1]
    page = client.get(path_for(crossing, TEST_SECRET))
    assert page.status_code == 200
    assert crossing.plate in page.text
    assert 'data-testid="position">2<' in page.text
    # The QR code holds the page's own address, as an inline SVG.
    assert f'data-content="https://testserver{path_for(crossing, TEST_SECRET)}"' in page.text
    assert "<svg" in page.text
    # Plates and times only: no enterprise, no cargo.
    assert "Rồng Xanh" not in page.text
    assert cargo()[0]["description"] not in page.text
    # Each language, Chinese included.
    assert "车辆通关信息" in client.get(path_for(crossing, TEST_SECRET) + "?lang=zh").text
    assert "Place in the queue" in client.get(path_for(crossing, TEST_SECRET) + "?lang=en").text


def test_a_wrong_signature_or_another_crossing_is_refused(client: TestClient, booked: Any):
    first, second = booked["crossings"]
    token = token_for(first, TEST_SECRET)
    crossing_id, stamp, signature = token.split(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    refused = [
        f"{crossing_id}.{stamp}.{flipped}",
        # The first truck's signature on the second truck's id.
        f"{second.id}.{stamp}.{signature}",
        # Signed with another installation's secret.
        token_for(first, "another-secret-key-that-is-long-enough-42"),
    ]
    for bad in refused:
        page = client.get(f"/d/{bad}")
        assert page.status_code == 404, bad
        assert "Đường dẫn này không đúng hoặc đã bị sửa" in page.text
        assert first.plate not in page.text
        assert client.get(f"/d/{bad}/live").status_code == 404


@pytest.mark.parametrize(
    "hostile",
    ["x", "1.2", "1.1.%00", "%2E%2E", "١.١." + "A" * 22, "9" * 40 + ".1." + "A" * 22],
)
def test_hostile_tokens_are_4xx_pages(client: TestClient, booked: Any, hostile: str):
    page = client.get(f"/d/{hostile}")
    assert 400 <= page.status_code < 500
    assert page.headers["content-type"].startswith("text/html")
    assert client.get("/d/" + "A" * 500).status_code == 422
    # Out of the drivers' pages altogether: not found, whatever page says so.
    assert client.get("/d/..%2F..%2Fetc").status_code == 404


def test_the_link_expires_an_hour_after_the_crossing_ends(
    client: TestClient, db: Database, booked: Any, at_clock: Any
):
    crossing = booked["crossings"][0]
    with db.write() as session:
        open_one = session.get_one(Crossing, crossing.id)
        advance(session, open_one, CrossingState.crossed, at=NOW)
    path = path_for(crossing, TEST_SECRET)
    at_clock(NOW + AFTER_END - timedelta(minutes=1))
    ended = client.get(path)
    assert ended.status_code == 200
    assert 'data-testid="ended"' in ended.text
    assert "Đã qua biên giới" in ended.text

    at_clock(NOW + AFTER_END + timedelta(minutes=1))
    for language, words in (("vi", "đã hết hạn"), ("en", "has expired"), ("zh", "已过期")):
        expired = client.get(f"{path}?lang={language}")
        assert expired.status_code == 410
        assert words in expired.text
        assert crossing.plate in expired.text


def test_a_cancelled_crossing_expires_too(db: Database, booked: Any):
    crossing = booked["crossings"][0]
    with db.write() as session:
        move(session, session.get_one(Crossing, crossing.id), CrossingState.cancelled, at=NOW)
    token = token_for(crossing, TEST_SECRET)
    with db.write() as session:
        assert driver_view(session, TEST_SECRET, token, NOW).ended_at == NOW
        with pytest.raises(LinkExpired):
            driver_view(session, TEST_SECRET, token, NOW + AFTER_END + timedelta(seconds=1))


def test_a_database_made_again_does_not_open_an_old_link(db: Database, booked: Any):
    crossing = booked["crossings"][0]
    token = token_for(crossing, TEST_SECRET)
    with db.write() as session:
        # The same id, asked for at another moment: a different crossing.
        session.get_one(Crossing, crossing.id).queued_at = NOW - timedelta(days=3)
    with db.write() as session, pytest.raises(LinkInvalid):
        crossing_of(session, TEST_SECRET, token)


def test_the_booking_notice_carries_the_driver_link(client: TestClient, db: Database, booked: Any):
    with db.write() as session:
        crossing = session.get_one(Crossing, booked["crossings"][0].id)
        session.get_one(Enterprise, crossing.enterprise_id).webhook_url = "https://hooks.test/in"
    with db.write() as session:
        claims = claim_due(session, NOW, lease_of(5), secret_key=TEST_SECRET)
    bodies = [json.loads(notice.body) for claim in claims for notice in claim.notices]
    mine = next(b for b in bodies if b["crossing_id"] == crossing.id)
    assert mine["event"] == "booking_confirmed"
    assert mine["driver_path"] == path_for(crossing, TEST_SECRET)
    assert client.get(mine["driver_path"]).status_code == 200


def test_the_yard_checks_in_by_the_booking_code(
    client: TestClient, db: Database, people: People, booked: Any
):
    yard, (first, second), far = booked["yard"], booked["crossings"], booked["far"]
    check_in = f"/api/v1/yards/{yard.id}/check-in"
    officer = people[Role.gate_officer]
    # The page's address, as a phone's camera or a scanner reads the QR code.
    scanned = "https://cuakhau.example" + path_for(second, TEST_SECRET)
    assert looks_like_code(scanned)
    assert not looks_like_code(second.plate)
    done = client.post(check_in, json={"code": scanned}, headers=officer)
    assert done.status_code == 201, done.text
    assert done.json()["crossing_id"] == second.id
    assert db.scalar(select(Crossing.state).where(Crossing.id == second.id)) is (
        CrossingState.arrived
    )

    forged = token_for(first, TEST_SECRET)[:-2] + "xx"
    refused = client.post(check_in, json={"code": forged}, headers=officer)
    assert refused.status_code == 422
    assert refused.json()["code"] == "checkin_code_invalid"
    assert "làm giả" in refused.json()["detail"]

    other_gate = client.post(check_in, json={"code": token_for(far, TEST_SECRET)}, headers=officer)
    assert other_gate.status_code == 409
    assert other_gate.json()["code"] == "checkin_code_other_gate"

    with db.write() as session:
        move(session, session.get_one(Crossing, first.id), CrossingState.cancelled, at=NOW)
    closed = client.post(check_in, json={"code": token_for(first, TEST_SECRET)}, headers=officer)
    assert closed.status_code == 409
    assert "Đã hủy" in closed.json()["detail"]

    both = client.post(check_in, json={"code": scanned, "plate": second.plate}, headers=officer)
    assert both.status_code == 422
    neither = client.post(check_in, json={"cold": True}, headers=officer)
    assert neither.status_code == 422
    # Only the good code took a space.
    assert db.count(YardVisit) == 1
