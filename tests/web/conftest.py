"""The pages in a real browser: Debian's headless Chromium driven by Playwright, against the
app served by uvicorn on 127.0.0.1 over a SQLite database. One server per worker
for the session, its periodic jobs off; after each test its tables are emptied,
its shared wait-time answer forgotten and every browser context closed, so each
test starts from an empty zone and a browser with no cookies.

Never a browser download: ``.ci/run`` installs the Debian package when missing.
It is Chromium's headless shell (package ``chromium-headless-shell``, built from
the same sources as ``chromium``), the build Playwright itself runs headless:
the full browser took 175 s of the pages' tests where the shell takes 104 s.
Without it the browser tests are skipped locally and fail in CI.
"""

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from sqlalchemy.orm import Session

from cuakhau.app import create_app
from cuakhau.core.actor import Actor
from cuakhau.core.config import Settings
from cuakhau.core.database import session_scope
from cuakhau.core.schema_version import upgrade
from cuakhau.models import Enterprise, Gate, User
from cuakhau.models.enums import Direction, Role
from tests.conftest import TEST_SECRET, empty_all_tables
from tests.factories import (
    make_enterprise,
    make_gate,
    make_pattern,
    make_priority_classes,
    make_user,
)
from tests.live.streams import serve_in_thread

CHROMIUM = Path("/usr/bin/chromium-headless-shell")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PASSWORD = "mat-khau-thu-123"
# Hashed once, with Argon2's lightest cost: the app verifies any Argon2 hash by
# the cost written in it, and its own cost (about 0.13 s a login here) is slow
# on purpose; the pages' tests log in some two hundred times.
PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is required in CI (.ci/run installs it)")
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright  # noqa: E402


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, FastAPI]]:
    """The app on 127.0.0.1 for the session: its address and the app."""
    folder = tmp_path_factory.mktemp("web")
    url = f"sqlite:///{folder / 'web.db'}"
    upgrade(url)
    settings = Settings(
        database_url=url,
        data_dir=folder,
        secret_key=TEST_SECRET,
        live_heartbeat_seconds=1,
        background_jobs=False,
    )
    app = create_app(settings)
    with serve_in_thread(app) as port:
        yield f"http://127.0.0.1:{port}", app


@dataclass
class Site:
    """The running app, its database, and one account per role that uses pages."""

    url: str
    factory: object
    gate: Gate
    enterprise: Enterprise
    users: dict[Role, User]

    def write(self) -> AbstractContextManager[Session]:
        return session_scope(self.factory, Actor(label="test"))  # type: ignore[arg-type]


@pytest.fixture
def site(served: tuple[str, FastAPI], browser: Browser) -> Iterator[Site]:
    url, app = served
    factory = app.state.session_factory
    # Shared for two seconds unless a queue changes; the last test's is not this one's.
    app.state.wait_times.forget()
    with session_scope(factory, Actor(label="test")) as session:
        make_priority_classes(session)
        gate = make_gate(session, holiday_calendars=[], name_vi="Hữu Nghị", name_en="Huu Nghi")
        for direction in Direction:
            make_pattern(session, gate, direction=direction, capacity=4, hours=range(24))
        enterprise = make_enterprise(session, roles=["exporter", "importer"])
        operator = make_enterprise(session, roles=["yard_operator"])
        bound = {Role.enterprise: enterprise, Role.yard_operator: operator}
        users = {
            role: make_user(session, role, enterprise=bound.get(role), username=role.value)
            for role in (
                Role.enterprise,
                Role.gate_officer,
                Role.customs,
                Role.admin,
                Role.board,
                Role.yard_operator,
            )
        }
        for user in users.values():
            user.password_hash = PASSWORD_HASH
        session.flush()
        session.expunge_all()
    yield Site(url, factory, gate, enterprise, users)
    # Every page of the test leaves (some tests open a second browser of their
    # own), so no stream of theirs is still open on the server, then the zone goes.
    for context in browser.contexts:
        context.close()
    empty_all_tables(app.state.engine)


@pytest.fixture
def context(browser: Browser, site: Site) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=site.url, locale="vi-VN")
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def log_in_as(page: Page, username: str) -> None:
    """Whoever was logged in in this browser leaves; ``username`` logs in."""
    page.context.clear_cookies()
    log_in(page, username)


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def status_of(page: Page, url: str) -> int:
    """The HTTP status of the page at ``url``, as the browser got it."""
    response = page.goto(url)
    assert response is not None
    return response.status


@pytest.fixture
def clock_at(served: tuple[str, FastAPI]) -> Iterator[Callable[[datetime], None]]:
    """``clock_at(moment)``: the served app reads ``moment`` as the time until the
    test ends, its shared wait times forgotten. (Not monkeypatch: the app's state
    keeps its values where ``monkeypatch`` would delete, not restore, them.)"""
    app = served[1]
    real = app.state.clock

    def set_clock(moment: datetime) -> None:
        app.state.clock = lambda: moment
        app.state.wait_times.forget()

    yield set_clock
    app.state.clock = real
    app.state.wait_times.forget()
