"""Pages that are pages (#18, item 8): a mistyped address gets a page in the
reader's language, the tab has an icon, the night keeps the header dark, and
reading aloud says when it cannot and reads the text, not the tables."""

from playwright.sync_api import BrowserContext, Page, expect

from tests.unit.test_contrast import contrast
from tests.web.conftest import Site, log_in

# Stands in for the browser's speech (``% voices``, what it says it has); what it
# would say, and in which language, is kept in ``window.spoken``.
FAKE_SPEECH = """
window.spoken = [];
window.SpeechSynthesisUtterance = function (text) { this.text = text; };
Object.defineProperty(window, "speechSynthesis", { value: {
  speaking: false,
  getVoices: function () { return %s; },
  addEventListener: function () {},
  speak: function (u) { window.spoken.push({ lang: u.lang, text: u.text }); },
  cancel: function () {}
}});
"""


def test_a_mistyped_address_gets_a_page_in_the_readers_language(page: Page, site: Site) -> None:
    response = page.goto("/cho-xe-vao")
    assert response is not None
    assert response.status == 404
    assert response.headers["content-type"].startswith("text/html")
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")
    expect(page.get_by_role("alert")).to_contain_text("Không có trang nào ở địa chỉ này")
    expect(page.get_by_role("link", name="Về trang chủ")).to_be_visible()
    # Styled as the other pages: the site's header and stylesheet.
    expect(page.locator("header.site")).to_be_visible()

    page.goto("/cho-xe-vao?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("alert")).not_to_contain_text("Không")


def test_api_clients_keep_json_for_a_mistyped_address(context: BrowserContext) -> None:
    for path in ("/api/v1/no-such-thing", "/no-such-page"):
        response = context.request.get(path, headers={"Accept": "application/json"})
        assert response.status == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "route_not_found"


def test_the_tab_has_an_icon(context: BrowserContext) -> None:
    response = context.request.get("/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"] == "image/x-icon"
    assert response.body()[:4] == b"\x00\x00\x01\x00"  # an ICO file's header


def _rgb(css: str) -> str:
    red, green, blue = (int(part) for part in css[css.index("(") + 1 : -1].split(",")[:3])
    return f"#{red:02x}{green:02x}{blue:02x}"


def test_night_mode_keeps_the_header_a_dark_readable_band(page: Page, site: Site) -> None:
    page.goto("/")
    page.get_by_role("button", name="Chế độ ban đêm").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    header = page.locator("header.site")
    background = _rgb(header.evaluate("el => getComputedStyle(el).backgroundColor"))
    body = _rgb(page.locator("body").evaluate("el => getComputedStyle(el).backgroundColor"))
    link = _rgb(header.locator("a.brand").evaluate("el => getComputedStyle(el).color"))
    # Not a pale band on a dark page: nearly as dark as the page, its text legible.
    assert contrast(background, body) < 1.5
    assert contrast(link, background) >= 4.5


def test_read_aloud_without_a_voice_says_so_and_is_not_pressed(page: Page, site: Site) -> None:
    page.add_init_script(FAKE_SPEECH % "[]")
    page.goto("/")
    button = page.get_by_role("button", name="Đọc to")
    button.click()
    expect(page.get_by_role("status").filter(has_text="chưa cài giọng đọc")).to_be_visible()
    expect(button).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.spoken") == []


def test_read_aloud_reads_the_main_text_not_the_tables(page: Page, site: Site) -> None:
    page.add_init_script(FAKE_SPEECH % '[{lang: "vi-VN", name: "Giọng thử"}]')
    log_in(page, "board")
    page.goto("/board")
    page.get_by_role("button", name="Đọc to").click()
    expect(page.get_by_role("button", name="Đọc to")).to_have_attribute("aria-pressed", "true")
    spoken = [said["text"] for said in page.evaluate("window.spoken")]
    assert len(spoken) == 1
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading in spoken[0]
    # Each section's heading, not its table's cells (a column heading only tables have).
    assert "Độ chính xác của thời gian dự kiến" in spoken[0]
    expect(
        page.locator("#main thead th").filter(has_text="Xuất khẩu (VN → TQ)").first
    ).to_be_visible()
    assert "Xuất khẩu (VN → TQ)" not in spoken[0]
