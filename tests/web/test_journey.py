"""One truck's day across two desks, in two browsers at once: the enterprise books
through the form and sees it queued; the gate officer cuts the window's capacity,
previews, saves; the enterprise's page shows the move without a reload; the
truck clears customs and the officer calls it, which the enterprise also sees live."""

from playwright.sync_api import Browser, Page, expect

from cuakhau.core.clock import local_date, utcnow
from cuakhau.models import CrossingWindow
from tests.factories import make_booking, make_enterprise, make_vehicle
from tests.web.conftest import Site, log_in
from tests.web.test_gate_console import _clear


def _three_trucks_of_another_firm(site: Site) -> tuple[int, str]:
    """The earliest window with three of its four units taken by another firm
    (booked first, so a cut moves the enterprise's truck); its id and day."""
    with site.write() as session:
        other = make_enterprise(session)
        booked = [make_booking(session, other, site.gate, now=utcnow()) for _ in range(3)]
        window = session.get_one(CrossingWindow, booked[0].window_id)
        return window.id, local_date(window.starts_at).strftime("%d/%m/%Y")


def _book_through_the_form(page: Page, site: Site, window_id: int, day: str) -> None:
    with site.write() as session:
        plate = make_vehicle(session, site.enterprise).plate
    # The window's own day: late in the evening the earliest free one is tomorrow's.
    page.goto(f"/crossings/book?day={day}")
    page.get_by_label("Phương tiện").select_option(label=plate)
    page.get_by_label("Mã HS (4–10 chữ số)").fill("940360")
    page.get_by_label("Mô tả hàng").fill("Đồ gỗ nội thất")
    page.get_by_label("Số kiện").fill("120")
    page.get_by_label("Trọng lượng (kg)").fill("9000")
    page.get_by_label("Trị giá (USD)").fill("8000")
    chosen = page.locator(f"label[data-window='{window_id}']")
    expect(chosen).to_contain_text("còn 1/4 chỗ")
    chosen.get_by_role("radio").check()
    page.get_by_role("button", name="Đặt lịch", exact=True).click()


def test_a_booking_moved_by_the_officer_shows_live_on_the_enterprises_page(
    browser: Browser, page: Page, site: Site
):
    window_id, day = _three_trucks_of_another_firm(site)
    log_in(page, "enterprise")
    _book_through_the_form(page, site, window_id, day)
    row = page.locator("tr[data-crossing]").first
    expect(row.get_by_test_id("state")).to_have_text("Đã đặt lịch")
    expect(row.get_by_test_id("position")).to_have_text("4")
    expect(row.get_by_test_id("estimate")).to_contain_text("giờ TQ")
    booked_window = row.get_by_test_id("window").inner_text()
    crossing_id = int(row.get_attribute("data-crossing") or 0)
    expect(page.locator("[data-live-connected]").first).to_have_attribute(
        "data-live-connected", "true"
    )

    officer = browser.new_context(base_url=site.url, locale="vi-VN").new_page()
    try:
        log_in(officer, "gate_officer")
        officer.get_by_label("Loại điều chỉnh").select_option("capacity")
        officer.get_by_label("Giá trị (hệ số hoặc số xe)").fill("3")
        officer.get_by_label("Từ ngày (dd/mm/yyyy)").fill(day)
        officer.get_by_label("Lý do").fill("Phía bạn giảm năng lực thông quan")
        officer.get_by_role("button", name="Xem trước").click()
        expect(officer.get_by_test_id("preview-count")).to_have_text(
            "1 xe sẽ phải chuyển khung giờ."
        )
        # A preview changes nothing the enterprise can see.
        expect(row.get_by_test_id("window")).to_have_text(booked_window)
        officer.get_by_role("button", name="Lưu", exact=True).click()
        officer.get_by_role("button", name="Xác nhận lưu").click()
        expect(officer.get_by_test_id("gate-notice")).to_contain_text("1 xe được chuyển")

        # The enterprise's page, not reloaded, shows its truck in a later window.
        expect(row.get_by_test_id("window")).not_to_have_text(booked_window)
        expect(row.get_by_test_id("state")).to_have_text("Đã đặt lịch")

        _clear(site, [crossing_id])
        expect(row.get_by_test_id("state")).to_have_text("Đã thông quan")
        officer.reload()
        officer.get_by_role("button", name="Gọi xe tiếp theo").click()
        expect(officer.get_by_test_id("gate-notice")).to_have_text("Đã gọi 1 xe vào cửa khẩu.")
        expect(row.get_by_test_id("state")).to_have_text("Đã gọi vào cửa khẩu")
    finally:
        officer.context.close()
