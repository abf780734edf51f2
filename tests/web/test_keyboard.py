"""The pages work from the keyboard alone: the skip link comes first, logging in
and booking a crossing need no mouse."""

from playwright.sync_api import Locator, Page, expect

from tests.factories import make_vehicle
from tests.web.conftest import PASSWORD, Site


def focused(page: Page) -> str:
    return str(page.evaluate("document.activeElement.id || document.activeElement.textContent"))


def tab_to(page: Page, control: Locator, limit: int = 80) -> None:
    for _ in range(limit):
        if control.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{control} is not reachable with Tab")


def test_the_skip_link_comes_first_and_login_needs_no_mouse(page: Page, site: Site):
    page.goto("/login")
    page.keyboard.press("Tab")
    assert focused(page).strip() == "Bỏ qua, đến nội dung chính"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    username = page.get_by_label("Tên đăng nhập")
    tab_to(page, username)
    page.keyboard.type("enterprise")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site.url}/crossings")


def test_a_crossing_is_booked_from_the_keyboard(page: Page, site: Site):
    with site.write() as session:
        plate = make_vehicle(session, site.enterprise).plate
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill("enterprise")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site.url}/crossings")
    page.goto("/crossings/book")

    vehicle = page.get_by_label("Phương tiện")
    tab_to(page, vehicle)
    vehicle.press("End")
    expect(vehicle.locator("option:checked")).to_have_text(plate)
    for label, value in (
        ("Mã HS (4–10 chữ số)", "940360"),
        ("Mô tả hàng", "Đồ gỗ"),
        ("Số kiện", "10"),
        ("Trọng lượng (kg)", "900"),
        ("Trị giá (USD)", "800"),
    ):
        tab_to(page, page.get_by_label(label))
        page.keyboard.type(value)
    # Tab enters the window choices at the one checked: the earliest free window.
    earliest = page.get_by_label("Khung giờ trống sớm nhất")
    tab_to(page, earliest)
    expect(earliest).to_be_checked()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text(plate)
