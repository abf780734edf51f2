"""A page's first-load weight: the bytes a browser with an empty cache receives for
the page and everything it loads, as Chromium counts them on the wire (headers and
body, compressed as sent: DevTools' "transferred"). Shared by the budget test
(tests/web/test_page_weight.py) and the benchmark (benchmarks/web/page_weight.py),
both on the demo's data.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from playwright.sync_api import Browser, BrowserContext
from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.core.config import Settings
from cuakhau.crossings.driver_link import token_for
from cuakhau.models import Crossing, Gate, InvestmentProject, Receipt, User
from cuakhau.models.enums import Role
from cuakhau.reference.demo import DEMO_ACCOUNTS, DEMO_GATE, load_demo

# What a page's first load may weigh (issue #18: "under 500 KB").
BUDGET = 500_000

# Every page each role opens, as reached from its desk; ``{…}`` is one of the
# demo's records (``demo_records``). ``None``: no login.
PAGES: dict[Role | None, tuple[str, ...]] = {
    None: (
        "/",
        "/wait-times",
        "/zone",
        "/invest",
        "/figures",
        "/login",
        "/display/{gate}",
        "/d/{token}",
    ),
    Role.enterprise: (
        "/crossings",
        "/crossings/book",
        "/crossings/{crossing}",
        "/fleet",
        "/fees",
        "/fees/receipts/{receipt}",
        "/figures/mine",
    ),
    Role.gate_officer: ("/gate", "/gate/counterpart"),
    Role.yard_operator: ("/yard",),
    Role.customs: ("/customs", "/customs/crossings/{crossing}"),
    Role.board: (
        "/board",
        "/board/statistics",
        "/investment",
        "/investment/projects/new",
        "/investment/projects/{project}",
        "/investment/import",
        "/investment/reports",
        "/planning",
    ),
    Role.admin: ("/admin/users", "/admin/users/{user}", "/admin/reference", "/admin/audit"),
}

USERNAMES = {account.role: account.username for account in DEMO_ACCOUNTS}


def load_demo_with_passwords(session: Session, now: datetime, settings: Settings) -> dict[str, str]:
    """The demo's data and accounts, as ``cuakhau demo`` makes them: each username's password."""
    issued = load_demo(session, now, settings)
    return {credential.username: credential.secret for credential in issued}


def demo_records(session: Session, secret_key: str) -> dict[str, int | str]:
    """One record of each kind the detail pages show: the demo enterprise's, its
    first crossing's driver's link, and the demo gate."""
    enterprise_id = session.scalar(
        select(User.enterprise_id).where(User.username == USERNAMES[Role.enterprise])
    )
    crossing = session.scalar(
        select(Crossing).where(Crossing.enterprise_id == enterprise_id).order_by(Crossing.id)
    )
    records = {
        "crossing": crossing.id if crossing else None,
        "receipt": session.scalar(
            select(Receipt.id).where(Receipt.enterprise_id == enterprise_id).order_by(Receipt.id)
        ),
        "project": session.scalar(select(InvestmentProject.id).order_by(InvestmentProject.id)),
        "user": session.scalar(select(User.id).order_by(User.id)),
        "gate": session.scalar(select(Gate.id).where(Gate.code == DEMO_GATE)),
    }
    missing = [name for name, value in records.items() if value is None]
    assert not missing, f"the demo has no {missing}"
    return {**records, "token": token_for(crossing, secret_key)}


@dataclass(frozen=True)
class Weight:
    """One page's first load: each response's URL and bytes on the wire."""

    path: str
    responses: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(size for _, size in self.responses)

    def largest(self) -> tuple[str, int]:
        return max(self.responses, key=lambda response: response[1])


def visitor(browser: Browser, base_url: str, login: tuple[str, str] | None) -> BrowserContext:
    """A new browser, logged in as ``login`` (username, password) if given."""
    context = browser.new_context(base_url=base_url, locale="vi-VN")
    if login is not None:
        page = context.new_page()
        page.goto("/login")
        page.locator("input[name=username]").fill(login[0])
        page.locator("input[name=password]").fill(login[1])
        page.locator("form[action='/login'] button[type=submit]").click()
        page.wait_for_load_state()
        page.close()
    return context


def first_load(context: BrowserContext, path: str) -> Weight:
    """Open ``path`` in a new tab of ``context`` with its cache off (a first
    visit: the login's files are not reused) and wait for its scripts and live
    parts to settle; every response counts, a live stream with what it had sent
    by then."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    received: dict[str, int] = {}
    finished: dict[str, int] = {}
    urls: dict[str, str] = {}

    def on_response(event: dict[str, Any]) -> None:
        urls[event["requestId"]] = event["response"]["url"]

    def on_data(event: dict[str, Any]) -> None:
        request = event["requestId"]
        received[request] = received.get(request, 0) + event["encodedDataLength"]

    def on_finished(event: dict[str, Any]) -> None:
        finished[event["requestId"]] = event["encodedDataLength"]

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.dataReceived", on_data)
    cdp.on("Network.loadingFinished", on_finished)
    try:
        response = page.goto(path, wait_until="load")
        assert response is not None, path
        assert response.ok, f"{path}: {response.status}"
        # Deferred scripts have run at "load"; a live part's first fetch and a
        # chart's drawing may follow within a moment.
        page.wait_for_timeout(500)
        responses = tuple(
            (url, finished.get(request, received.get(request, 0))) for request, url in urls.items()
        )
    finally:
        cdp.detach()
        page.close()
    return Weight(path, responses)
