"""The pages drivers read, in the browser: the display board at the gate (called
and next, Vietnamese and Chinese together, live, type legible from ten metres)
and a truck's own page behind its signed link (live, three languages, still
showing its last known state with the network gone), and the yard taking the
page's QR code at check-in."""

from playwright.sync_api import BrowserContext, Page, expect

from cuakhau.core.clock import utcnow
from cuakhau.crossings.booking import arrive
from cuakhau.crossings.driver_link import path_for
from cuakhau.models import Crossing, Enterprise
from cuakhau.models.enums import CrossingState, Role
from tests.conftest import TEST_SECRET
from tests.factories import advance, cargo, make_booking, make_yard
from tests.web.conftest import Site, log_in, screenshot
from tests.web.test_csp import COLLECT

BOARD = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
# The smallest type on the board (outdoor.css, docs/gate.md): 5.5 % of its height.
BOARD_MIN_TYPE = 0.055

# The smallest computed font size of any text the page shows.
SMALLEST_TYPE = """() => {
  const sizes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode;
    const element = text.parentElement;
    if (!text.textContent.trim() || !element.getClientRects().length) continue;
    sizes.push(parseFloat(getComputedStyle(element).fontSize));
  }
  return Math.min(...sizes);
}"""


def _crossings(site: Site, states: list[CrossingState]) -> list[Crossing]:
    with site.write() as session:
        made = []
        for state in states:
            crossing = make_booking(session, site.enterprise, site.gate, now=utcnow())
            if state is not CrossingState.booked:
                advance(session, crossing, state, at=utcnow())
            made.append(crossing)
        return made


def test_the_display_board_shows_called_and_next_live_in_two_languages(page: Page, site: Site):
    called, first, second = _crossings(
        site, [CrossingState.called, CrossingState.cleared, CrossingState.cleared]
    )
    page.set_viewport_size(BOARD)
    page.goto(f"/display/{site.gate.id}")
    expect(page.get_by_test_id("called").locator("li")).to_have_count(1)
    row = page.get_by_test_id("called").locator(f'li[data-plate="{called.plate}"]')
    expect(row).to_contain_text("Làn xuất")
    expect(row).to_contain_text("出境")
    expect(page.get_by_test_id("next").locator("li")).to_have_count(2)
    expect(page.locator("h2").first).to_have_text("Mời vào cửa khẩu 请前往口岸")
    # Plates and times only: no enterprise, no cargo, no login.
    text = page.locator("body").inner_text()
    assert site.enterprise.name_vi not in text
    assert cargo()[0]["description"] not in text
    smallest = page.evaluate(SMALLEST_TYPE)
    assert smallest >= BOARD_MIN_TYPE * BOARD["height"] - 0.5, smallest
    expect(page.locator("#display-live")).to_have_attribute("data-live-connected", "true")
    screenshot(page, "display-board")

    with site.write() as session:
        advance(session, session.get_one(Crossing, first.id), CrossingState.called, at=utcnow())

    # No reload: the public stream tells the board, which reads itself again.
    expect(page.get_by_test_id("called").locator("li")).to_have_count(2)
    expect(page.get_by_test_id("called")).to_contain_text(first.plate)
    expect(page.get_by_test_id("next").locator("li")).to_have_count(1)
    expect(page.get_by_test_id("next")).to_contain_text(second.plate)


def test_the_drivers_pages_keep_the_content_security_policy(page: Page, site: Site):
    (crossing,) = _crossings(site, [CrossingState.called])
    console: list[str] = []
    page.add_init_script(COLLECT)
    page.on("console", lambda message: console.append(message.text))
    for url in (f"/display/{site.gate.id}", path_for(crossing, TEST_SECRET)):
        response = page.goto(url)
        assert response is not None
        assert response.status == 200
        page.wait_for_load_state("networkidle")
        seen = [*console, *page.evaluate("window.__violations")]
        assert [text for text in seen if "Content Security Policy" in text] == [], url
        assert page.evaluate("window.__violations") == [], url


def test_an_unknown_gate_has_no_board(page: Page, site: Site):
    response = page.goto("/display/999999")
    assert response is not None
    assert response.status == 404


def test_the_driver_page_is_live_and_shows_the_last_state_offline(
    context: BrowserContext, page: Page, site: Site
):
    (crossing,) = _crossings(site, [CrossingState.booked])
    path = path_for(crossing, TEST_SECRET)
    page.set_viewport_size(PHONE)
    page.goto(path)
    expect(page.get_by_test_id("plate")).to_have_text(crossing.plate)
    expect(page.get_by_test_id("state")).to_have_text("Đã đặt lịch")
    expect(page.get_by_test_id("position")).to_have_text("1")
    expect(page.get_by_test_id("qr").locator("svg")).to_be_visible()
    # Large type: nothing smaller than 18 px on a phone.
    assert page.evaluate(SMALLEST_TYPE) >= 18
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "true")
    expect(page.locator("#driver-live")).to_have_attribute("data-live-connected", "true")
    screenshot(page, "driver-page")

    with site.write() as session:
        arrive(session, session.get_one(Crossing, crossing.id), utcnow())
    expect(page.get_by_test_id("state")).to_have_text("Đã vào bãi")
    # The worker has kept the live part as it now is.
    live = page.locator("#driver-live").get_attribute("data-live-src")
    page.wait_for_function(
        """async (src) => {
             const kept = await caches.match(src);
             return kept !== undefined && (await kept.text()).includes("Đã vào bãi");
           }""",
        arg=live,
    )

    context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("plate")).to_have_text(crossing.plate)
    expect(page.get_by_test_id("state")).to_have_text("Đã vào bãi")
    expect(page.get_by_test_id("offline-note")).to_be_visible()
    expect(page.get_by_test_id("qr").locator("svg")).to_be_visible()
    context.set_offline(False)


def test_the_driver_page_speaks_chinese_and_english(page: Page, site: Site):
    (crossing,) = _crossings(site, [CrossingState.called])
    page.goto(path_for(crossing, TEST_SECRET))
    page.get_by_role("link", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_test_id("state")).to_have_text("已叫号，请前往口岸")
    expect(page.get_by_role("heading", name="入场二维码")).to_be_visible()
    page.get_by_role("link", name="English").click()
    expect(page.get_by_test_id("state")).to_have_text("Called")


def test_a_forged_link_is_a_page_that_says_so(page: Page, site: Site):
    (crossing,) = _crossings(site, [CrossingState.booked])
    forged = path_for(crossing, TEST_SECRET)[:-4] + "AAAA"
    response = page.goto(forged + "?lang=zh")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_test_id("refused")).to_contain_text("此链接无效")
    expect(page.locator("body")).not_to_contain_text(crossing.plate)


def test_the_yard_checks_in_the_scanned_qr_code(page: Page, site: Site):
    with site.write() as session:
        operator = session.get_one(Enterprise, site.users[Role.yard_operator].enterprise_id)
        make_yard(session, site.gate, operator)
    (crossing,) = _crossings(site, [CrossingState.booked])
    page.goto(path_for(crossing, TEST_SECRET))
    scanned = page.get_by_test_id("qr").get_attribute("data-content")
    assert scanned is not None

    log_in(page, "yard_operator")
    page.goto("/yard")
    plate = page.get_by_label("Biển số (gõ một phần để tìm)")
    plate.fill(scanned[:-3] + "xyz")
    page.get_by_role("button", name="Cho xe vào bãi").click()
    expect(page.get_by_test_id("visit-error")).to_contain_text("Mã QR không hợp lệ")
    expect(page.get_by_label("Biển số (gõ một phần để tìm)")).to_have_attribute(
        "aria-invalid", "true"
    )

    page.get_by_label("Biển số (gõ một phần để tìm)").fill(scanned)
    page.get_by_role("button", name="Cho xe vào bãi").click()
    expect(page.get_by_test_id("yard-notice")).to_contain_text(crossing.plate)
    with site.write() as session:
        assert session.get_one(Crossing, crossing.id).state is CrossingState.arrived
