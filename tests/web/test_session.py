"""Session cookies and CSRF, over HTTP without a browser, on SQLite and PostgreSQL."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cuakhau.models import ApiToken, LoginThrottle
from cuakhau.models.enums import Role
from tests.conftest import Database
from tests.factories import make_user

PASSWORD = "mat-khau-thu-123"


@pytest.fixture
def browser_client(client: TestClient) -> TestClient:
    """The tests' app, over https (the cookies are Secure), with no cookies yet."""
    return client


@pytest.fixture
def officer(browser_client: TestClient) -> str:
    database = Database(browser_client.app.state.session_factory)  # type: ignore[attr-defined]
    with database.write() as session:
        return make_user(session, Role.gate_officer, password=PASSWORD).username


def _csrf(client: TestClient) -> str:
    page = client.get("/login").text
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_a_form_without_the_csrf_token_changes_nothing(browser_client: TestClient, officer: str):
    _csrf(browser_client)
    answer = browser_client.post("/login", data={"username": officer, "password": PASSWORD})
    assert answer.status_code == 403
    assert "cuakhau_session" not in answer.cookies
    forged = browser_client.post(
        "/login", data={"username": officer, "password": PASSWORD, "csrf_token": "guess"}
    )
    assert forged.status_code == 403


def test_login_sets_a_signed_session_and_renews_the_csrf_token(
    browser_client: TestClient, officer: str, db: Database
):
    before = _csrf(browser_client)
    csrf_cookie = browser_client.cookies["cuakhau_csrf"]
    answer = browser_client.post(
        "/login",
        data={"username": officer, "password": PASSWORD, "csrf_token": before},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/gate"
    cookies = answer.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("cuakhau_session="))
    assert all(flag in session_cookie for flag in ("HttpOnly", "Secure", "SameSite=lax"))
    assert any(c.startswith("cuakhau_csrf=") for c in cookies)
    assert browser_client.cookies["cuakhau_csrf"] != csrf_cookie
    assert db.count(ApiToken, ApiToken.label == "web session") == 1

    # The officer's session is good (a page of another role is refused, not a login);
    # the same cookie altered by one character is no session at all.
    value = browser_client.cookies["cuakhau_session"]
    tampered = value[:-1] + ("A" if value[-1] != "A" else "B")
    browser_client.cookies.clear()
    for cookie, status in ((value, 403), (tampered, 303)):
        answer = browser_client.get(
            "/crossings", headers={"cookie": f"cuakhau_session={cookie}"}, follow_redirects=False
        )
        assert answer.status_code == status


def test_failed_page_logins_count_towards_the_lockout(
    browser_client: TestClient, officer: str, db: Database
):
    for _ in range(3):
        answer = browser_client.post(
            "/login",
            data={
                "username": officer,
                "password": "wrong-password",
                "csrf_token": _csrf(browser_client),
            },
        )
    assert answer.status_code == 401
    assert db.scalar(select(LoginThrottle.locked_until).where(LoginThrottle.username == officer))
    locked = browser_client.post(
        "/login",
        data={"username": officer, "password": PASSWORD, "csrf_token": _csrf(browser_client)},
    )
    assert locked.status_code == 429
    assert "thử lại sau" in locked.text


def test_next_never_leaves_the_site(browser_client: TestClient, officer: str):
    answer = browser_client.post(
        "/login",
        data={
            "username": officer,
            "password": PASSWORD,
            "csrf_token": _csrf(browser_client),
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/gate"


def test_a_control_character_in_the_login_form_is_refused(
    browser_client: TestClient, officer: str, db: Database
):
    answer = browser_client.post(
        "/login",
        data={"username": "a\u0000b", "password": "x", "csrf_token": _csrf(browser_client)},
    )
    assert answer.status_code == 422
    assert db.count(LoginThrottle) == 0
