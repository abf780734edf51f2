"""Logging in, what each role may see, and booking a crossing through the form."""

import re

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from cuakhau.models import Crossing, CrossingWindow, Vehicle
from cuakhau.models.base import utcnow
from cuakhau.models.enums import CrossingState, Direction
from tests.factories import make_booking, make_vehicle
from tests.web.conftest import Site, log_in, screenshot


def _vehicle(site: Site) -> str:
    with site.write() as session:
        return make_vehicle(session, site.enterprise).plate


def _fill_cargo(page: Page, hs_code: str = "081090") -> None:
    page.get_by_label("Mã HS (4–10 chữ số)").fill(hs_code)
    page.get_by_label("Mô tả hàng").fill("Thanh long ruột đỏ")
    page.get_by_label("Số kiện").fill("800")
    page.get_by_label("Trọng lượng (kg)").fill("16000")
    page.get_by_label("Trị giá (USD)").fill("12000")
    page.get_by_label("Nông sản tươi (ưu tiên)").check()


def test_pages_ask_for_a_login_and_come_back_after_it(page: Page, site: Site):
    page.goto("/crossings/book")
    expect(page).to_have_url(f"{site.url}/login?next=%2Fcrossings%2Fbook")
    expect(page.get_by_role("status")).to_have_text("Hãy đăng nhập để xem trang này.")
    page.get_by_label("Tên đăng nhập").fill("enterprise")
    page.get_by_label("Mật khẩu").fill("mat-khau-thu-123")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{site.url}/crossings/book")
    cookies = {c["name"]: c for c in page.context.cookies()}
    session_cookie = cookies["cuakhau_session"]
    assert session_cookie["httpOnly"]
    assert session_cookie["secure"]
    assert session_cookie["sameSite"] == "Lax"


def test_a_wrong_password_keeps_the_username_and_says_why(page: Page):
    log_in(page, "enterprise", "sai-mat-khau-000")
    expect(page.get_by_role("alert")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("enterprise")
    expect(page.get_by_label("Tên đăng nhập")).to_have_attribute("aria-invalid", "true")


def test_each_role_sees_only_its_pages(page: Page, site: Site):
    log_in(page, "enterprise")
    expect(page).to_have_url(f"{site.url}/crossings")
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="Chuyến của tôi")).to_be_visible()
    expect(nav.get_by_role("link", name="Bàn điều hành cửa khẩu")).to_have_count(0)
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("status")).to_have_text("Đã đăng xuất.")

    log_in(page, "customs")
    expect(page).to_have_url(f"{site.url}/wait-times")
    expect(page.get_by_test_id("signed-in")).to_contain_text("Hải quan")
    expect(page.get_by_role("navigation").get_by_role("link", name="Chuyến của tôi")).to_have_count(
        0
    )
    response = page.goto("/crossings")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("alert")).to_have_text(
        "Vai trò customs không được phép thực hiện thao tác này."
    )


def test_logout_revokes_the_token_behind_the_cookie(page: Page, site: Site):
    log_in(page, "enterprise")
    stolen = [c for c in page.context.cookies() if c["name"] == "cuakhau_session"]
    page.get_by_role("button", name="Đăng xuất").click()
    page.context.add_cookies(stolen)
    page.goto("/crossings")
    expect(page).to_have_url(f"{site.url}/login?next=%2Fcrossings")


def test_an_enterprise_books_through_the_form_and_sees_it_queued(page: Page, site: Site):
    plate = _vehicle(site)
    log_in(page, "enterprise")
    page.goto("/crossings/book")
    page.get_by_label("Phương tiện").select_option(label=plate)
    _fill_cargo(page)
    windows = page.locator("label[data-window]:has(input:not([disabled]))")
    chosen = windows.nth(2)
    window_id = chosen.get_attribute("data-window")
    expect(chosen).to_contain_text("còn 4/4 chỗ")
    expect(chosen).to_contain_text("giờ TQ")
    chosen.get_by_role("radio").check()
    screenshot(page, "booking-form")
    page.get_by_role("button", name="Đặt lịch", exact=True).click()

    expect(page).to_have_url(re.compile(r"/crossings\?booked=\d+$"))
    expect(page.get_by_role("status").first).to_contain_text(plate)
    row = page.locator("tr[data-crossing]").first
    expect(row.get_by_test_id("state")).to_have_text("Đã đặt lịch")
    expect(row.get_by_test_id("position")).to_have_text("1")
    expect(row.get_by_test_id("estimate")).to_contain_text("giờ TQ")
    screenshot(page, "my-crossings")
    with site.write() as session:
        crossing = session.scalars(select(Crossing)).one()
        assert crossing.state is CrossingState.booked
        assert crossing.window_id == int(window_id or 0)
        assert [line.perishable for line in crossing.cargo] == [True]


def test_bad_input_gives_a_readable_message_and_keeps_what_was_typed(page: Page, site: Site):
    plate = _vehicle(site)
    log_in(page, "enterprise")
    page.goto("/crossings/book")
    page.get_by_label("Phương tiện").select_option(label=plate)
    page.get_by_label("Chiều").select_option("import")
    _fill_cargo(page, hs_code="08AB")
    page.get_by_role("button", name="Đặt lịch", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text("Chưa đặt được lịch")
    hs_code = page.get_by_label("Mã HS (4–10 chữ số)")
    expect(hs_code).to_have_value("08AB")
    expect(hs_code).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Mô tả hàng")).to_have_value("Thanh long ruột đỏ")
    expect(page.get_by_label("Nông sản tươi (ưu tiên)")).to_be_checked()
    expect(page.get_by_label("Chiều")).to_have_value("import")
    expect(page.get_by_label("Phương tiện")).to_have_value(str(_vehicle_id(site, plate)))
    screenshot(page, "booking-bad-input")
    with site.write() as session:
        assert session.scalar(select(func.count()).select_from(Crossing)) == 0


def _vehicle_id(site: Site, plate: str) -> int:
    with site.write() as session:
        return session.scalars(select(Vehicle.id).where(Vehicle.plate == plate)).one()


def test_a_window_filled_meanwhile_shows_the_next_free_ones(page: Page, site: Site):
    plate = _vehicle(site)
    log_in(page, "enterprise")
    page.goto("/crossings/book")
    page.get_by_label("Phương tiện").select_option(label=plate)
    _fill_cargo(page)
    chosen = page.locator("label[data-window]:has(input:not([disabled]))").nth(1)
    window_id = int(chosen.get_attribute("data-window") or 0)
    chosen.get_by_role("radio").check()
    # Other firms take the window's four places while this form is open.
    with site.write() as session:
        for _ in range(4):
            make_booking(session, site.enterprise, site.gate, now=utcnow(), window_id=window_id)
    page.get_by_role("button", name="Đặt lịch", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text("Chưa đặt được lịch")
    expect(page.get_by_test_id("next-free").get_by_role("listitem")).to_have_count(5)
    expect(page.get_by_test_id("next-free")).to_contain_text("còn 4 chỗ")
    expect(page.get_by_label("Mô tả hàng")).to_have_value("Thanh long ruột đỏ")
    with site.write() as session:
        window = session.get(CrossingWindow, window_id)
        assert window is not None
        assert window.booked == window.capacity == 4
        assert window.direction is Direction.export
