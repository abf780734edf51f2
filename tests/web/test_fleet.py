"""An enterprise registers its vehicles and drivers in a browser, books with them,
and deactivates them; the registries' own rules refuse bad input."""

import re

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from cuakhau.models import Crossing, Driver, Vehicle
from cuakhau.models.enums import CrossingState, VehicleKind
from tests.factories import make_driver, make_enterprise, make_vehicle
from tests.web.conftest import Site, log_in, screenshot, status_of


def _register_vehicle(page: Page, plate: str, trailer: str = "") -> None:
    page.get_by_label("Biển số xe (vd. 12C-123.45 hoặc 桂A12345)").fill(plate)
    page.get_by_label("Biển số rơ-moóc (nếu có)").fill(trailer)
    page.get_by_label("Loại xe").select_option(label="Xe tải đông lạnh")
    page.get_by_label("Số trục").fill("3")
    page.get_by_label("Tải trọng (kg)").fill("15000")
    page.get_by_role("button", name="Đăng ký phương tiện").click()


def _register_driver(page: Page, name: str, id_number: str, nationality: str = "VN") -> None:
    page.get_by_label("Họ và tên").fill(name)
    page.get_by_label("Quốc tịch (mã ISO: VN, CN…)").fill(nationality)
    page.get_by_label("Số CCCD / CMND / hộ chiếu").fill(id_number)
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_role("button", name="Đăng ký lái xe").click()


def test_an_enterprise_registers_a_vehicle_and_a_driver_and_books_with_them(page: Page, site: Site):
    log_in(page, "enterprise")
    page.get_by_role("navigation").get_by_role("link", name="Phương tiện, lái xe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phương tiện và lái xe")
    expect(page.get_by_test_id("vehicles")).to_contain_text("Chưa đăng ký phương tiện nào.")

    _register_vehicle(page, "12c 123 45", trailer="12R01234")
    expect(page.get_by_role("status").first).to_have_text("Đã đăng ký phương tiện 12C-123.45.")
    row = page.locator("tr[data-vehicle]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("12C-123.45")
    expect(row).to_contain_text("12R-012.34")
    expect(row).to_contain_text("Xe tải đông lạnh")
    expect(row).to_contain_text("15.000")

    _register_driver(page, "Nguyễn Văn Bình", "001 2345 67890")
    expect(page.get_by_role("status").first).to_have_text("Đã đăng ký lái xe Nguyễn Văn Bình.")
    driver_row = page.locator("tr[data-driver]")
    expect(driver_row).to_contain_text("001234567890")
    expect(driver_row).to_contain_text("+84912345678")
    screenshot(page, "fleet")
    # On a driver's phone the page fits the screen; wide tables scroll on their own.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "fleet-phone")
    page.set_viewport_size({"width": 1280, "height": 800})

    with site.write() as session:
        vehicle = session.scalars(select(Vehicle)).one()
        assert vehicle.enterprise_id == site.enterprise.id
        assert vehicle.kind is VehicleKind.refrigerated_truck
        assert vehicle.plate_country == "VN"
        driver = session.scalars(select(Driver)).one()
        assert driver.enterprise_id == site.enterprise.id

    page.get_by_role("navigation").get_by_role("link", name="Đặt lịch qua cửa khẩu").click()
    page.get_by_label("Phương tiện").select_option(label="12C-123.45")
    page.get_by_label("Lái xe", exact=True).select_option(label="Nguyễn Văn Bình · 001234567890")
    page.get_by_role("button", name="Đặt lịch", exact=True).click()
    expect(page).to_have_url(re.compile(r"/crossings\?booked=\d+$"))
    with site.write() as session:
        crossing = session.scalars(select(Crossing)).one()
        assert crossing.plate == "12C-123.45"
        assert crossing.trailer_plate == "12R-012.34"
        assert crossing.driver_id == driver.id
        assert crossing.state is CrossingState.booked


def test_bad_input_shows_the_rules_message_and_keeps_what_was_typed(page: Page, site: Site):
    with site.write() as session:
        taken = make_vehicle(session, site.enterprise).plate
    log_in(page, "enterprise")
    page.goto("/fleet")

    _register_vehicle(page, "12C-99")
    expect(page.get_by_test_id("form-error")).to_contain_text("Chưa đăng ký được:")
    plate = page.get_by_label("Biển số xe (vd. 12C-123.45 hoặc 桂A12345)")
    expect(plate).to_have_value("12C-99")
    expect(plate).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#plate-error")).to_have_text(
        "Biển số '12C-99' không hợp lệ (ví dụ: 12C-123.45 hoặc 桂A12345)."
    )
    expect(page.get_by_label("Loại xe")).to_have_value("refrigerated_truck")
    expect(page.get_by_label("Tải trọng (kg)")).to_have_value("15000")

    _register_vehicle(page, "29C-456.78", trailer="29C45678")
    expect(page.locator("#trailer_plate-error")).to_have_text(
        "Biển số rơ-moóc phải khác biển số xe."
    )
    expect(page.get_by_label("Biển số rơ-moóc (nếu có)")).to_have_value("29C45678")

    _register_vehicle(page, taken)
    expect(page.locator("#plate-error")).to_contain_text(taken)
    expect(page.get_by_test_id("form-error")).to_contain_text("Đã có phương tiện")

    _register_driver(page, "Lý Minh", "12345", nationality="CN")
    id_number = page.get_by_label("Số CCCD / CMND / hộ chiếu")
    expect(id_number).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_number-error")).to_have_text(
        "Số giấy tờ '12345' không hợp lệ với quốc tịch CN."
    )
    expect(page.get_by_label("Họ và tên")).to_have_value("Lý Minh")
    expect(page.get_by_label("Quốc tịch (mã ISO: VN, CN…)")).to_have_value("CN")
    screenshot(page, "fleet-bad-input")

    _register_driver(page, "", "001234567890")
    expect(page.locator("#full_name-error")).to_have_text("Trường này là bắt buộc.")
    with site.write() as session:
        assert session.scalar(select(func.count()).select_from(Vehicle)) == 1
        assert session.scalar(select(func.count()).select_from(Driver)) == 0


def test_deactivated_vehicles_and_drivers_cannot_be_booked(page: Page, site: Site):
    with site.write() as session:
        plate = make_vehicle(session, site.enterprise).plate
        name = make_driver(session, site.enterprise, full_name="Hoàng Văn Dũng").full_name
    log_in(page, "enterprise")
    page.goto("/fleet")
    page.get_by_role("button", name=f"Ngừng sử dụng {plate}").click()
    expect(page.get_by_role("status").first).to_have_text(f"Đã ngừng sử dụng phương tiện {plate}.")
    expect(page.locator("tr[data-vehicle]").get_by_test_id("status")).to_have_text("Ngừng sử dụng")
    page.get_by_role("button", name=f"Ngừng sử dụng {name}").click()
    expect(page.locator("tr[data-driver]").get_by_test_id("status")).to_have_text("Ngừng sử dụng")

    page.goto("/crossings/book")
    expect(page.get_by_label("Phương tiện").locator("option")).to_have_count(0)
    expect(page.get_by_label("Lái xe", exact=True).locator("option")).to_have_text(
        ["Chưa chọn lái xe"]
    )
    with site.write() as session:
        assert not session.scalars(select(Vehicle.is_active)).one()
        assert not session.scalars(select(Driver.is_active)).one()


def test_another_enterprises_vehicle_is_not_found_and_not_listed(page: Page, site: Site):
    with site.write() as session:
        other = make_enterprise(session)
        theirs = make_vehicle(session, other)
        their_id, their_plate = theirs.id, theirs.plate
    log_in(page, "enterprise")
    page.goto("/fleet")
    expect(page.get_by_test_id("vehicles")).not_to_contain_text(their_plate)
    # A forged form for their truck: the same answer as the API, a 404.
    response = page.request.post(
        f"/fleet/vehicles/{their_id}/deactivate",
        form={"csrf_token": page.locator("input[name=csrf_token]").first.input_value()},
    )
    assert response.status == 404
    assert f"Không tìm thấy phương tiện #{their_id}." in response.text()
    with site.write() as session:
        vehicle = session.get(Vehicle, their_id)
        assert vehicle is not None
        assert vehicle.is_active


def test_only_an_enterprise_sees_the_fleet(page: Page, site: Site):
    log_in(page, "gate_officer")
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="Phương tiện, lái xe")).to_have_count(0)
    assert status_of(page, "/fleet") == 403
    page.context.clear_cookies()
    page.goto("/fleet")
    expect(page).to_have_url(f"{site.url}/login?next=%2Ffleet")
