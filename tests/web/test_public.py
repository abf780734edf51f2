"""The public wait page and the reading tools every page carries."""

import re
from collections.abc import Callable
from datetime import UTC, datetime

from playwright.sync_api import Page, expect

from cuakhau.core.clock import utcnow
from cuakhau.crossings.booking import arrive, walk_in
from cuakhau.crossings.schemas import WalkInRequest
from cuakhau.crossings.states import move
from cuakhau.models import Crossing, Gate
from cuakhau.models.enums import CrossingState, LaneKind
from tests.factories import cargo, make_booking, make_gate, make_pattern, make_vehicle
from tests.web.conftest import Site, screenshot
from tests.web.test_pages_are_pages import FAKE_SPEECH


def _row(page: Page, site: Site, direction: str = "export"):
    return page.locator(f'tr[data-gate="{site.gate.code}"][data-direction="{direction}"]')


def test_public_page_updates_live_when_a_truck_crosses(page: Page, site: Site):
    with site.write() as session:
        crossing = make_booking(session, site.enterprise, site.gate, now=utcnow())
        arrive(session, crossing, utcnow())
        for state in (CrossingState.declared, CrossingState.cleared, CrossingState.called):
            move(session, crossing, state, at=utcnow())
        crossing_id = crossing.id
    page.goto("/wait-times")
    row = _row(page, site)
    expect(row.get_by_test_id("waiting")).to_have_text("1")
    expect(row).to_contain_text("Đang mở")
    expect(row).to_contain_text("Xanh")
    expect(row).to_contain_text("giờ TQ")
    expect(page.locator("#wait-table")).to_have_attribute("data-live-connected", "true")
    screenshot(page, "public-wait-times")

    with site.write() as session:
        move(session, session.get(Crossing, crossing_id), CrossingState.crossed, at=utcnow())

    # No reload: the event stream tells the page, which fetches the table again.
    expect(row.get_by_test_id("waiting")).to_have_text("0")


def test_language_toggle_is_remembered(page: Page):
    page.goto("/wait-times")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thời gian chờ qua cửa khẩu")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Border wait times")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")


def test_night_mode_and_text_size_are_remembered(page: Page):
    page.goto("/wait-times")
    body_colour = "return getComputedStyle(document.body).backgroundColor"
    assert page.evaluate(f"() => {{ {body_colour} }}") == "rgb(255, 255, 255)"
    page.get_by_role("button", name="Chế độ ban đêm").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert page.evaluate(f"() => {{ {body_colour} }}") == "rgb(18, 20, 23)"

    font_size = "() => getComputedStyle(document.documentElement).fontSize"
    assert page.evaluate(font_size) == "16px"
    page.get_by_role("button", name="Tăng cỡ chữ").click()
    page.get_by_role("button", name="Tăng cỡ chữ").click()
    assert page.evaluate(font_size) == "20px"

    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(page.get_by_role("button", name="Chế độ ban đêm")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.evaluate(font_size) == "20px"
    page.get_by_role("button", name="Cỡ chữ mặc định").click()
    assert page.evaluate(font_size) == "16px"
    page.get_by_role("button", name="Giảm cỡ chữ").click()
    assert page.evaluate(font_size) == "14px"


def test_print_layout_hides_the_controls(page: Page):
    page.goto("/wait-times")
    expect(page.get_by_role("toolbar")).to_be_visible()
    expect(page.get_by_role("link", name="Đăng nhập")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("toolbar")).to_be_hidden()
    expect(page.get_by_role("link", name="Đăng nhập")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("table")).to_be_visible()


def test_print_and_pdf_buttons_open_the_print_dialogue_and_the_pdf_has_the_page(page: Page):
    page.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1 }")
    page.goto("/wait-times")
    page.get_by_role("button", name="In trang").click()
    page.get_by_role("button", name="Xuất PDF").click()
    assert page.evaluate("() => window.__printed") == 2
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 1000


def test_read_aloud_speaks_the_page_in_vietnamese(page: Page):
    page.add_init_script(FAKE_SPEECH % '[{lang: "vi-VN", name: "Giọng thử"}]')
    page.goto("/wait-times")
    page.get_by_role("button", name="Đọc to").click()
    (spoken,) = page.evaluate("() => window.spoken")
    assert spoken["lang"] == "vi-VN"
    assert "Thời gian chờ qua cửa khẩu" in spoken["text"]
    assert "Chế độ ban đêm" not in spoken["text"]


def test_every_script_and_style_comes_from_the_app(page: Page, site: Site):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/wait-times")
    page.wait_for_load_state("networkidle")
    assert requests
    assert all(re.match(re.escape(site.url), url) for url in requests), requests


# 15:33 on a Tuesday in Lạng Sơn, a year ahead of any real clock's today.
AFTERNOON = datetime(2027, 12, 7, 8, 33, tzinfo=UTC)


def _rail_gate(site: Site) -> Gate:
    with site.write() as session:
        return make_gate(
            session,
            holiday_calendars=[],
            mode="rail",
            name_vi="Ga Đồng Đăng",
            opens_at="06:00",
            closes_at="22:00",
        )


def test_each_wait_says_what_it_means_and_a_railway_gate_takes_no_trucks(
    page: Page, site: Site, clock_at: Callable[[datetime], None]
):
    rail = _rail_gate(site)
    clock_at(AFTERNOON)
    page.goto("/wait-times")
    row = _row(page, site)
    expect(row.get_by_test_id("status")).to_have_text("Đang mở, đến 23:59")
    expect(row.get_by_test_id("wait")).to_contain_text("0 phút, đến khoảng 15:33 (giờ TQ 16:33)")
    expect(row.get_by_test_id("wait-why")).to_have_text(
        "Khung 15:00–16:00 đang diễn ra còn 4 chỗ; xe đến bây giờ vào khung này, "
        "không có xe nào xếp trước."
    )
    railway = page.locator(f'tr[data-gate="{rail.code}"][data-direction="export"]')
    expect(railway.get_by_test_id("wait")).to_have_text(
        "Cửa khẩu đường sắt: không nhận xe tải qua đường bộ, nên không có thời gian chờ cho xe tải."
    )
    expect(railway).not_to_contain_text("Đang đóng")
    expect(railway.locator(".badge")).to_have_count(0)

    # The window under way filled by trucks already in the zone: the wait runs to the next.
    expect(page.locator("#wait-table")).to_have_attribute("data-live-connected", "true")
    with site.write() as session:
        for _ in range(4):
            truck = make_vehicle(session, site.enterprise)
            request = WalkInRequest(
                plate=truck.plate, gate_id=site.gate.id, direction="export", regime="export"
            )
            walk_in(session, request=request, now=AFTERNOON)
    expect(row.get_by_test_id("wait")).to_contain_text("27 phút, đến khoảng 16:00 (giờ TQ 17:00)")
    expect(row.get_by_test_id("wait-why")).to_have_text(
        "Khung 15:00–16:00 đang diễn ra đã kín chỗ; xe đến bây giờ vào khung 16:00–17:00, "
        "không có xe nào xếp trước."
    )
    screenshot(page, "public-wait-times-explained")


def test_the_home_page_shows_each_gates_wait_above_the_gates_as_the_wait_page_does(
    page: Page, site: Site, clock_at: Callable[[datetime], None]
):
    rail = _rail_gate(site)
    clock_at(AFTERNOON)
    page.goto("/wait-times")
    rows = page.locator("#wait-table tbody tr")
    on_wait_page = rows.all_inner_texts()
    assert len(on_wait_page) == 4  # two gates, two directions each
    page.goto("/")
    waits = page.get_by_role("heading", name="Thời gian chờ bây giờ")
    gates = page.get_by_role("heading", name="Các cửa khẩu")
    expect(waits).to_be_visible()
    waits_box, gates_box = waits.bounding_box(), gates.bounding_box()
    assert waits_box is not None
    assert gates_box is not None
    assert waits_box["y"] < gates_box["y"]
    # The same answer, word for word: open or not, the wait, the warning.
    assert rows.all_inner_texts() == on_wait_page
    expect(_row(page, site)).to_contain_text("Đang mở, đến 23:59")
    expect(_row(page, site).get_by_test_id("warning")).to_have_text("Xanh")
    railway = page.locator(f'tr[data-gate="{rail.code}"][data-direction="import"]')
    expect(railway).to_contain_text("không nhận xe tải qua đường bộ")
    screenshot(page, "home-waits")


def test_a_gate_with_lanes_shows_each_lanes_free_places_in_both_languages(
    page: Page, site: Site, clock_at: Callable[[datetime], None]
):
    with site.write() as session:
        make_pattern(session, site.gate, capacity=2, hours=range(24), lane=LaneKind.perishable)
        truck = make_vehicle(session, site.enterprise)
        request = WalkInRequest(
            plate=truck.plate,
            gate_id=site.gate.id,
            direction="export",
            regime="export",
            cargo=cargo(perishable=True),
        )
        walk_in(session, request=request, now=AFTERNOON)
    clock_at(AFTERNOON)
    page.goto("/wait-times")
    lanes = _row(page, site).get_by_test_id("lanes")
    expect(lanes.locator('li[data-lane="ordinary"]')).to_have_text(
        "làn thường: còn 96/96 chỗ, trống từ 15:00"
    )
    expect(lanes.locator('li[data-lane="perishable"]')).to_have_text(
        "làn ưu tiên hàng tươi sống: còn 47/48 chỗ, trống từ 15:00"
    )
    # A gate with one lane lists none.
    expect(_row(page, site, "import").get_by_test_id("lanes")).to_have_count(0)
    page.get_by_test_id("lang-toggle").click()
    expect(lanes.locator('li[data-lane="perishable"]')).to_have_text(
        "perishable fast lane: 47 of 48 free, next free from 15:00"
    )
    screenshot(page, "public-wait-times-lanes")
