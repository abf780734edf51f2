"""Every page, found from the app's own routes so a new page cannot escape: on a
phone (390 x 844) nothing is cut off and the header leaves the screen to the
page, and axe-core finds no serious or critical accessibility violation, in
Vietnamese and English, on a phone and on a desktop.

The zone is the demo's (``load_demo``), loaded once per worker: its crossings,
yards, fees and portfolio fill the tables a person would see, which an empty
zone would not. Each page is checked once, as the first role (in ``ACCOUNTS``'
order, the public first) that gets it as a whole page: the pages every role
shares (the public ones) as the public, each desk's own as that desk; a page
each role sees its own way (``EACH_ROLES_VIEW``) as every role that gets it. The header
differs by role only in its links, which fold behind the menu on a phone, and
every role's pages are checked with its own header. One login per role; each
page is loaded four times (vi and en, phone and desktop) in one browser context.
"""

import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select, update

from cuakhau.core.actor import Actor
from cuakhau.core.clock import utcnow
from cuakhau.core.database import session_scope
from cuakhau.crossings.driver_link import token_for
from cuakhau.investment.reports import ReportName
from cuakhau.models import Crossing, Enterprise, Gate, InvestmentProject, Receipt, User
from cuakhau.models.enums import Role
from cuakhau.reference.demo import DEMO_ACCOUNTS, DEMO_GATE, load_demo
from cuakhau.web.router import PAGE_ROUTERS
from cuakhau.web.vendor import PLOTLY_URL
from tests.conftest import empty_all_tables
from tests.web.conftest import PASSWORD_HASH, log_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# The site's header and the reading tools together, on a phone, before the page
# begins: at most 64 of the screen's 844 px (one line: the name and the menu button).
HEADER_LIMIT_PX = 64
LANGUAGES = ("vi", "en")
SERIOUS = ("serious", "critical")

# Who looks, in this order: the public (not logged in), then each desk by its demo
# account, the roles that see the most last.
LOOKERS = (
    Role.enterprise,
    Role.yard_operator,
    Role.customs,
    Role.gate_officer,
    Role.board,
    Role.admin,
)
ACCOUNTS: dict[str, str | None] = {"public": None} | {
    role.value: next(account.username for account in DEMO_ACCOUNTS if account.role is role)
    for role in LOOKERS
}

# Pages that differ by role beyond the header — a desk shared by several roles,
# with forms for some of them only (the transload board: the operator's steps,
# customs' release of held cargo) — are checked as every role that gets them.
EACH_ROLES_VIEW = frozenset({"/transload"})

# How far the page is wider than the screen: the reader would scroll it all sideways.
PAGE_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

# Table cells reaching past the screen's edge with no scrolling box around them.
CLIPPED_CELLS = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (cell) => {
    for (let box = cell.parentElement; box && box !== document.body; box = box.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(box).overflowX)) return true;
    }
    return false;
  };
  return [...document.querySelectorAll("main th, main td")]
    .filter((cell) => cell.getClientRects().length > 0)
    .filter((cell) => {
      const box = cell.getBoundingClientRect();
      return (box.right > width + 1 || box.left < -1) && !scrolls(cell);
    })
    .map((cell) => cell.textContent.trim().slice(0, 40));
}"""

# How far down the page the site's header and the reading tools reach.
HEADER_HEIGHT = """() => Math.max(...[...document.querySelectorAll("header.site, .tools")]
  .map((part) => part.getBoundingClientRect().bottom + window.scrollY))"""

AXE_RUN = f"""() => axe.run(document, {{resultTypes: ["violations"]}}).then((found) =>
  found.violations.filter((rule) => {list(SERIOUS)}.includes(rule.impact)).map((rule) =>
    `${{rule.id}} (${{rule.impact}}): `
    + rule.nodes.slice(0, 3).map((node) => node.target).join("; ")))"""


# The pages' routers' GET addresses that answer with something other than HTML.
NOT_HTML = {
    "/admin",  # a redirect to /admin/users
    "/hs-codes",
    "/investment/export",
    "/investment/reports/{name}/download",
    "/board/statistics/download",
    "/board/transshipment/download",
    "/planning/today.yaml",
    "/d/sw.js",  # the drivers' pages' service worker
    "/favicon.ico",
    PLOTLY_URL,
}


def page_paths(values: dict[str, str]) -> list[str]:
    """Every GET address of the pages' routers that answers in HTML (a page or a
    part of one), its path parameters filled in."""
    paths = []
    for route in (route for pages in PAGE_ROUTERS for route in pages.routes):
        if not isinstance(route, APIRoute) or "GET" not in route.methods:
            continue
        if route.path in NOT_HTML:
            continue
        assert route.response_class is HTMLResponse, f"{route.path}: a page, or NOT_HTML?"
        unknown = set(route.param_convertors) - set(values)
        assert not unknown, f"{route.path}: name the {unknown} this test opens (demo_values)"
        paths.append(route.path.format(**values))
    return paths


def demo_values(app: FastAPI) -> dict[str, str]:
    """One of each thing a page's address names, as the demo made them, the
    enterprise's own where the page is the enterprise's."""
    with session_scope(app.state.session_factory, Actor(label="test")) as session:
        user = session.scalar(select(User).where(User.username == ACCOUNTS["enterprise"]))
        assert user is not None
        firm = session.get_one(Enterprise, user.enterprise_id)
        found = {
            "crossing_id": session.scalar(
                select(Crossing.id).where(Crossing.enterprise_id == firm.id).order_by(Crossing.id)
            ),
            "receipt_id": session.scalar(
                select(Receipt.id).where(Receipt.enterprise_id == firm.id).order_by(Receipt.id)
            ),
            "project_id": session.scalar(
                select(InvestmentProject.id).order_by(InvestmentProject.id)
            ),
            "user_id": user.id,
            "gate_id": session.scalar(select(Gate.id).where(Gate.code == DEMO_GATE)),
        }
        crossing = session.get_one(Crossing, found["crossing_id"])
        found["token"] = token_for(crossing, app.state.settings.resolved_secret_key)
    assert None not in found.values(), found
    return {name: str(value) for name, value in found.items()} | {"name": ReportName.summary}


def sort_answers(page: Page, paths: list[str]) -> tuple[list[str], list[str]]:
    """Of the addresses, those that are whole pages for whoever is logged in, and
    those that are parts of a page (for anyone); the rest, redirects and
    refusals, are in neither."""
    pages, parts = [], []
    for path in paths:
        response = page.request.get(path, max_redirects=0)
        if response.status == 200:
            (pages if re.search(r"<main\b", response.text()) else parts).append(path)
    return pages, parts


def logged_in(browser: Browser, url: str, role: str) -> BrowserContext:
    context = browser.new_context(base_url=url, locale="vi-VN")
    username = ACCOUNTS[role]
    if username is not None:
        log_in(context.new_page(), username)
    return context


@pytest.fixture(scope="module")
def demo_zone(served: tuple[str, FastAPI]) -> Iterator[tuple[str, FastAPI]]:
    """The served app holding the demo zone for this module, every demo account's
    password the tests' own; emptied after, as each test's ``site`` is."""
    url, app = served
    app.state.wait_times.forget()
    with session_scope(app.state.session_factory, Actor(label="test")) as session:
        load_demo(session, utcnow(), app.state.settings)
        session.execute(
            update(User)
            .where(User.username.in_([name for name in ACCOUNTS.values() if name]))
            .values(password_hash=PASSWORD_HASH)
        )
    yield url, app
    empty_all_tables(app.state.engine)


@pytest.fixture(scope="module")
def pages_by_role(demo_zone: tuple[str, FastAPI], browser: Browser) -> dict[str, list[str]]:
    """Each page under the first role that gets it as a whole page."""
    url, app = demo_zone
    paths = page_paths(demo_values(app))
    found: dict[str, list[str]] = {}
    for role in ACCOUNTS:
        context = logged_in(browser, url, role)
        # What an earlier role settled is not asked again: each page renders once,
        # but for the pages each role sees its own way.
        found[role], parts = sort_answers(context.new_page(), paths)
        paths = [
            path
            for path in paths
            if path in EACH_ROLES_VIEW or (path not in found[role] and path not in parts)
        ]
        context.close()
    return found


def test_each_roles_own_view_is_checked(pages_by_role: dict[str, list[str]]):
    for path in EACH_ROLES_VIEW:
        lookers = {role for role, pages in pages_by_role.items() if path in pages}
        assert {"yard_operator", "customs", "gate_officer", "admin"} <= lookers, path


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_every_page_fits_a_phone_and_passes_axe(
    browser: Browser,
    demo_zone: tuple[str, FastAPI],
    pages_by_role: dict[str, list[str]],
    role: str,
):
    # Each desk has a page no role before it sees (the order of LOOKERS).
    assert pages_by_role[role], f"{role} has no page of its own"
    context = logged_in(browser, demo_zone[0], role)
    # axe-core's own script, shipped inside the package: nothing is downloaded.
    context.add_init_script(Axe().axe_script)
    page = context.new_page()
    problems: list[str] = []
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        for path in pages_by_role[role]:
            for language in LANGUAGES:
                where = f"{path} {language} {viewport['width']}px"
                page.goto(f"{path}?lang={language}")
                if viewport is PHONE:
                    problems += phone_problems(page, where)
                problems += [f"{where}: {found}" for found in page.evaluate(AXE_RUN)]
    context.close()
    assert problems == [], "\n".join(problems)


def phone_problems(page: Page, where: str) -> list[str]:
    problems = []
    overflow = page.evaluate(PAGE_OVERFLOW)
    if overflow > 0:
        problems.append(f"{where}: the page is {overflow} px wider than the screen")
    clipped = page.evaluate(CLIPPED_CELLS)
    if clipped:
        problems.append(f"{where}: cells cut off at the screen's edge: {clipped[:5]}")
    height = page.evaluate(HEADER_HEIGHT)
    if height > HEADER_LIMIT_PX:
        problems.append(f"{where}: header and tools {height:.0f} px tall")
    return problems


def test_each_gates_wait_and_warning_are_on_a_phones_screen(
    browser: Browser, demo_zone: tuple[str, FastAPI]
):
    """The wait times' last columns, the estimated wait and the warning, are on the
    screen of a phone, not scrolled away to the right of each gate's row."""
    context = browser.new_context(base_url=demo_zone[0], viewport=PHONE)
    page = context.new_page()
    page.goto("/wait-times")
    right_edges = page.evaluate(
        """() => [...document.querySelectorAll("tr[data-gate] td:nth-last-child(-n+2)")]
          .map((cell) => cell.getBoundingClientRect().right)"""
    )
    context.close()
    assert right_edges
    assert max(right_edges) <= PHONE["width"], right_edges


def test_a_phones_menu_opens_the_links_and_reading_tools(
    browser: Browser, demo_zone: tuple[str, FastAPI]
):
    context = browser.new_context(base_url=demo_zone[0], viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    page.goto("/")
    menu = page.get_by_role("button", name="Trình đơn")
    links = page.get_by_role("navigation").get_by_role("link", name="Bản đồ khu")
    expect(links).to_be_hidden()
    expect(page.get_by_role("toolbar")).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(links).to_be_visible()
    expect(page.get_by_role("toolbar")).to_be_visible()
    page.set_viewport_size(DESKTOP)
    # A desktop shows its links and tools whatever the menu: the button is gone.
    expect(menu).to_be_hidden()
    context.close()
