"""Every page works under the Content-Security-Policy: the browser reports no
violation (no inline script, style or handler the policy refuses) on any page
of any role, with its charts drawn, nor on the API explorer's pages."""

import pytest
from playwright.sync_api import Page, expect

from cuakhau.investment.demo import load_demo_portfolio
from tests.web.conftest import Site, log_in_as

# Each violation the page sees, as an event the page cannot hide from us (the
# listener is installed before any of the page's own scripts run).
COLLECT = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""

PAGES: dict[str | None, tuple[str, ...]] = {
    None: ("/", "/wait-times", "/zone", "/invest", "/login", "/docs", "/redoc"),
    "enterprise": ("/crossings", "/crossings/book", "/fleet", "/fees"),
    "gate_officer": ("/gate",),
    "yard_operator": ("/yard",),
    "customs": ("/customs",),
    "board": ("/board", "/planning", "/investment", "/investment/reports"),
    "admin": (
        "/admin/users",
        "/admin/reference",
        "/admin/audit",
        "/investment/projects/new",
        "/investment/import",
    ),
}


@pytest.fixture
def watched(page: Page) -> list[str]:
    """Violations reported by the page's events or on the browser's console."""
    console: list[str] = []
    page.add_init_script(COLLECT)
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return console


# ReDoc's bundle shows its maker's logo from the maker's site: the policy must
# block it (pages load nothing from outside), and ReDoc works without it.
BLOCKED_ON_PURPOSE = "https://cdn.redoc.ly/"


def _violations(page: Page, console: list[str]) -> list[str]:
    seen = [*console, *page.evaluate("window.__violations")]
    return [violation for violation in seen if BLOCKED_ON_PURPOSE not in violation]


@pytest.mark.parametrize("role", list(PAGES))
def test_no_page_breaks_the_content_security_policy(
    page: Page, site: Site, watched: list[str], role: str | None
):
    with site.write() as session:
        load_demo_portfolio(session)  # the investment reports' charts have data to draw
    if role is not None:
        log_in_as(page, role)
    for url in PAGES[role]:
        response = page.goto(url)
        assert response is not None, url
        assert response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        page.wait_for_load_state("networkidle")
        assert _violations(page, watched) == [], url


def test_charts_are_drawn_under_the_policy(page: Page, site: Site, watched: list[str]):
    """plotly.js styles what it draws: the charts must still appear."""
    with site.write() as session:
        load_demo_portfolio(session)
    log_in_as(page, "board")
    page.goto("/investment/reports")
    expect(page.locator("[data-chart][data-rendered=true]").first).to_be_attached()
    page.goto("/board")
    page.wait_for_load_state("networkidle")
    assert _violations(page, watched) == []
