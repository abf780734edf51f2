"""Logging in, what each role may see, booking a crossing through the form with the
HS search, and one crossing's page: history, live position, cancelling."""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cuakhau.capacity.service import ensure_windows
from cuakhau.clearance.schemas import Declaration
from cuakhau.clearance.service import declare
from cuakhau.core.clock import ZONE_TZ, local_date, utcnow
from cuakhau.crossings.booking import arrive, book
from cuakhau.crossings.replan import replan_gate
from cuakhau.crossings.rules import policy
from cuakhau.crossings.schemas import BookingRequest
from cuakhau.models import CapacityOverride, Crossing, CrossingWindow, Enterprise, Gate, Vehicle
from cuakhau.models.enums import CrossingState, CustomsChannel, Direction, LaneKind, OverrideKind
from cuakhau.web import i18n
from tests.factories import (
    cargo,
    make_booking,
    make_driver,
    make_enterprise,
    make_pattern,
    make_vehicle,
)
from tests.web.conftest import Site, log_in, screenshot, status_of


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
    expect(page).to_have_url(f"{site.url}/customs")
    expect(page.get_by_test_id("signed-in")).to_contain_text("Hải quan")
    expect(page.get_by_role("navigation").get_by_role("link", name="Chuyến của tôi")).to_have_count(
        0
    )
    assert status_of(page, "/crossings") == 403
    expect(page.get_by_role("alert")).to_have_text(
        "Tài khoản có vai trò “Hải quan / kiểm dịch” không được phép thực hiện thao tác này."
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
    # Tomorrow's windows, by link: in the evening, today has fewer than three left.
    page.goto(f"/crossings/book?day={_tomorrow()}")
    expect(page.get_by_label("Ngày (dd/mm/yyyy)")).to_have_value(_tomorrow())
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


def test_the_form_opens_on_the_first_day_with_room(page: Page, site: Site):
    """Today closed (or over, late in the evening): the form opens on tomorrow's
    windows rather than on a day with none left to book."""
    today = local_date(utcnow())
    with site.write() as session:
        _close(session, site, today)
    log_in(page, "enterprise")
    page.goto("/crossings/book")
    expect(page.get_by_label("Ngày (dd/mm/yyyy)")).to_have_value(_tomorrow())
    expect(page.locator("label[data-window]:has(input:not([disabled]))")).to_have_count(24)
    # A day asked for is the day shown, closed or not.
    page.goto(f"/crossings/book?day={today.strftime('%d/%m/%Y')}")
    expect(page.get_by_label("Ngày (dd/mm/yyyy)")).to_have_value(today.strftime("%d/%m/%Y"))
    expect(page.locator("label[data-window]:has(input:not([disabled]))")).to_have_count(0)


def test_the_form_opens_no_further_than_the_booking_horizon(page: Page, site: Site):
    """Closed to the horizon: a day beyond it, whose windows someone made by
    looking at it, is not where the form opens."""
    today = local_date(utcnow())
    with site.write() as session:
        last = today + timedelta(days=policy(session).booking_horizon_days)
        _close(session, site, today, last)
        beyond = last + timedelta(days=7)
        ensure_windows(session, site.gate, Direction.export, beyond, beyond)
    log_in(page, "enterprise")
    page.goto("/crossings/book")
    expect(page.get_by_label("Ngày (dd/mm/yyyy)")).to_have_value(today.strftime("%d/%m/%Y"))
    expect(page.locator("label[data-window]:has(input:not([disabled]))")).to_have_count(0)


def _close(session: Session, site: Site, day: date, last: date | None = None) -> None:
    """The site's gate closed for the day (or to ``last``), both directions."""
    session.add(
        CapacityOverride(
            gate_id=site.gate.id,
            kind=OverrideKind.closure,
            starts_on=day,
            ends_on=last or day,
            reason="Phía Trung Quốc tạm dừng thông quan",
        )
    )
    session.flush()


def _tomorrow() -> str:
    return (local_date(utcnow()) + timedelta(days=1)).strftime("%d/%m/%Y")


def _vehicle_id(site: Site, plate: str) -> int:
    with site.write() as session:
        return session.scalars(select(Vehicle.id).where(Vehicle.plate == plate)).one()


def test_a_window_filled_meanwhile_shows_the_next_free_ones(page: Page, site: Site):
    plate = _vehicle(site)
    log_in(page, "enterprise")
    page.goto("/crossings/book")
    # Tomorrow's windows, chosen on the form: late in the day, today's leave
    # fewer than five after any.
    page.get_by_label("Ngày (dd/mm/yyyy)").fill(_tomorrow())
    page.get_by_role("button", name="Xem khung giờ trống").click()
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


def _hs_results(page: Page) -> Locator:
    return page.get_by_test_id("hs-results").first.get_by_role("button")


def test_hs_search_finds_fresh_fruit_by_name_and_ticks_perishable(page: Page, site: Site):
    _vehicle(site)
    log_in(page, "enterprise")
    page.goto("/crossings/book")
    search = page.get_by_label("Tìm mã HS theo tên hàng hoặc mã")
    search.fill("sầu riêng")
    expect(_hs_results(page).first).to_contain_text("0810")
    expect(_hs_results(page).first).to_contain_text("Quả khác, tươi")
    search.fill("vải")
    # Lychee, and the fabrics "vải" also names.
    expect(_hs_results(page).filter(has_text="5208")).to_have_count(1)
    expect(_hs_results(page).filter(has_text="0810")).to_have_count(1)
    expect(page.get_by_role("status").filter(has_text="nhóm HS")).to_contain_text("Tìm thấy")
    screenshot(page, "booking-hs-search")
    _hs_results(page).filter(has_text="0810").click()
    expect(page.get_by_label("Mã HS (4–10 chữ số)")).to_have_value("0810")
    expect(page.get_by_label("Mô tả hàng")).to_have_value("Quả khác, tươi")
    expect(page.get_by_label("Nông sản tươi (ưu tiên)")).to_be_checked()
    expect(_hs_results(page)).to_have_count(0)

    # Rice is not perishable: choosing it leaves the box as it was.
    page.get_by_label("Nông sản tươi (ưu tiên)").uncheck()
    search.fill("gạo")
    expect(_hs_results(page)).to_have_count(1)
    _hs_results(page).filter(has_text="1006").click()
    expect(page.get_by_label("Mã HS (4–10 chữ số)")).to_have_value("1006")
    expect(page.get_by_label("Nông sản tươi (ưu tiên)")).not_to_be_checked()


def test_hs_search_in_english(page: Page, site: Site):
    log_in(page, "enterprise")
    page.goto("/crossings/book?lang=en")
    search = page.get_by_label("Find the HS code by goods name or code")
    for name, count in (("durian", 2), ("lychee", 1)):
        search.fill(name)
        expect(_hs_results(page)).to_have_count(count)
        expect(_hs_results(page).first).to_contain_text("0810 Other fruit, fresh")
    answer = page.request.get("/hs-codes?q=lychee&lang=en").json()
    assert [heading["code"] for heading in answer] == ["0810"]
    assert answer[0]["perishable"] is True
    assert "lychee" in answer[0]["keywords"]


def test_hs_search_works_without_javascript(browser: Browser, site: Site):
    context = browser.new_context(base_url=site.url, locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    try:
        plate = _vehicle(site)
        log_in(page, "enterprise")
        page.goto("/crossings/book")
        page.get_by_label("Phương tiện").select_option(label=plate)
        page.get_by_label("Mô tả hàng").fill("Vải thiều Lục Ngạn")
        page.get_by_label("Tìm mã HS theo tên hàng hoặc mã").fill("vải")
        page.get_by_role("button", name="Tìm mã HS").click()
        results = _hs_results(page)
        expect(results.first).to_contain_text("0810")
        expect(results.filter(has_text="5208")).to_contain_text("Vải dệt thoi từ bông")
        results.filter(has_text="0810").click()
        expect(page.get_by_label("Mã HS (4–10 chữ số)")).to_have_value("0810")
        expect(page.get_by_label("Mô tả hàng")).to_have_value("Vải thiều Lục Ngạn")
        expect(page.get_by_label("Nông sản tươi (ưu tiên)")).to_be_checked()
        expect(page.get_by_label("Phương tiện")).to_have_value(str(_vehicle_id(site, plate)))
    finally:
        context.close()


def _booked(site: Site, *, hours_ahead: int, enterprise: Enterprise | None = None) -> int:
    """A crossing booked into the first free window ``hours_ahead`` from now."""
    with site.write() as session:
        owner = enterprise or site.enterprise
        vehicle = make_vehicle(session, owner)
        driver = make_driver(session, owner, full_name="Nông Văn Khánh")
        request = BookingRequest(
            vehicle_id=vehicle.id,
            driver_id=driver.id,
            gate_id=site.gate.id,
            direction=Direction.export,
            regime="export",
            cargo=cargo(perishable=True),
            not_before=utcnow() + timedelta(hours=hours_ahead),
        )
        return book(session, enterprise_id=owner.id, request=request, now=utcnow()).id


def test_the_crossing_page_shows_history_cargo_and_clearance_and_updates_live(
    page: Page, site: Site
):
    crossing_id = _booked(site, hours_ahead=5)
    log_in(page, "enterprise")
    page.goto("/crossings")
    page.locator(f"tr[data-crossing='{crossing_id}']").get_by_role("link").first.click()
    expect(page).to_have_url(f"{site.url}/crossings/{crossing_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Chuyến #{crossing_id}")
    expect(page.get_by_test_id("state")).to_have_text("Đã đặt lịch")
    expect(page.get_by_test_id("position")).to_have_text("1")
    expect(page.get_by_test_id("estimate")).to_contain_text("giờ TQ")
    expect(page.get_by_test_id("priority")).to_have_text("Nông sản tươi")
    expect(page.get_by_test_id("driver")).to_have_text("Nông Văn Khánh")
    expect(page.get_by_test_id("cargo")).to_contain_text("081090")
    expect(page.get_by_test_id("history").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("clearance")).to_contain_text("chưa có")
    expect(page.locator("#crossing-live")).to_have_attribute("data-live-connected", "true")

    with site.write() as session:
        crossing = session.get_one(Crossing, crossing_id)
        arrive(session, crossing, utcnow())
        declare(
            session,
            crossing,
            Declaration(declaration_no="305123456789", channel=CustomsChannel.yellow),
            at=utcnow(),
        )
    expect(page.get_by_test_id("state")).to_have_text("Đã khai báo")
    history = page.get_by_test_id("history").locator("tbody tr")
    expect(history).to_have_count(3)
    expect(history.nth(1)).to_contain_text("Đã đặt lịch")
    expect(history.nth(1)).to_contain_text("Đã vào bãi")
    expect(page.get_by_test_id("clearance")).to_contain_text("305123456789")
    expect(page.get_by_test_id("clearance")).to_contain_text("Luồng vàng")
    # Arrived, the truck can no longer be cancelled: the button has gone.
    expect(page.get_by_test_id("cancel")).to_have_count(0)
    screenshot(page, "crossing-detail")


def test_the_crossing_page_says_why_its_window_changed(page: Page, site: Site):
    crossing_id = _booked(site, hours_ahead=5)
    with site.write() as session:
        crossing = session.get_one(Crossing, crossing_id)
        _close(
            session, site, local_date(session.get_one(CrossingWindow, crossing.window_id).starts_at)
        )
        moves = replan_gate(session, session.get_one(Gate, site.gate.id), utcnow()).moves
        assert [move.crossing_id for move in moves] == [crossing_id]
    log_in(page, "enterprise")
    page.goto(f"/crossings/{crossing_id}")
    changes = page.get_by_test_id("window-changes").locator("tbody tr")
    expect(changes).to_have_count(1)
    expect(changes.first).to_contain_text("năng lực thông quan bị cắt giảm")
    expect(changes.first).to_contain_text("giờ TQ")
    page.goto(f"/crossings/{crossing_id}?lang=en")
    expect(page.get_by_test_id("window-changes")).to_contain_text("capacity cut")


def test_cancel_before_the_cutoff_works_and_after_it_is_refused_with_the_rule(
    page: Page, site: Site
):
    early = _booked(site, hours_ahead=5)
    changed = _booked(site, hours_ahead=5)
    late = _booked(site, hours_ahead=0)
    log_in(page, "enterprise")

    page.goto(f"/crossings/{early}")
    expect(page.get_by_test_id("cancel-until")).to_contain_text("Hủy được đến")
    # One click only asks; the safe answer has the focus and keeps the booking.
    page.get_by_role("button", name="Hủy lịch").click()
    question = page.get_by_role("alertdialog", name=f"Hủy lịch chuyến #{early}?")
    expect(question).to_contain_text("mất chỗ trong khung giờ")
    keep = question.get_by_role("link", name="Không, giữ lịch")
    expect(keep).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site.url}/crossings/{early}")
    expect(page.get_by_test_id("state")).to_have_text("Đã đặt lịch")
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    # Asked again and confirmed, it is cancelled.
    page.get_by_role("button", name="Hủy lịch").click()
    page.get_by_role("button", name="Có, hủy lịch").click()
    expect(page).to_have_url(f"{site.url}/crossings/{early}?cancelled")
    expect(page.get_by_role("status").first).to_contain_text(f"Đã hủy lịch chuyến #{early}")
    expect(page.get_by_test_id("state")).to_have_text("Đã hủy")
    expect(page.get_by_test_id("cancel")).to_have_count(0)

    # Past its cut-off a booking shows the rule instead of the button.
    page.goto(f"/crossings/{late}")
    expect(page.get_by_test_id("cancel")).to_have_count(0)
    expect(page.get_by_test_id("cancel-closed")).to_have_text(
        "Quy tắc: chỉ được hủy trước giờ bắt đầu ít nhất 120 phút."
    )

    # The cut-off moves while the page is open: booking.cancel refuses, and says why.
    page.goto(f"/crossings/{changed}")
    with site.write() as session:
        policy(session).cancel_cutoff_minutes = 600
    with page.expect_response(f"{site.url}/crossings/{changed}/cancel") as answer:
        page.get_by_role("button", name="Hủy lịch").click()
    assert answer.value.status == 409
    expect(page.get_by_test_id("cancel-error")).to_have_text(
        "Chưa hủy được: Quy tắc: chỉ được hủy trước giờ bắt đầu ít nhất 600 phút."
    )
    expect(page.get_by_test_id("state")).to_have_text("Đã đặt lịch")
    expect(page.get_by_test_id("cancel")).to_have_count(0)
    screenshot(page, "crossing-cancel-refused")
    with site.write() as session:
        assert session.get_one(Crossing, early).state is CrossingState.cancelled
        assert session.get_one(Crossing, changed).state is CrossingState.booked
        assert session.get_one(Crossing, late).state is CrossingState.booked


def test_another_enterprises_crossing_is_not_found(page: Page, site: Site):
    with site.write() as session:
        other = make_enterprise(session)
    theirs = _booked(site, hours_ahead=5, enterprise=other)
    log_in(page, "enterprise")
    for path in (f"/crossings/{theirs}", f"/crossings/{theirs}/live"):
        assert status_of(page, path) == 404
    expect(page.get_by_role("alert")).to_have_text(f"Không tìm thấy chuyến qua cửa khẩu #{theirs}.")
    page.goto("/crossings/book")
    response = page.request.post(
        f"/crossings/{theirs}/cancel",
        form={
            "csrf_token": page.locator("input[name=csrf_token]").first.input_value(),
            "confirmed": "yes",
        },
    )
    assert response.status == 404
    with site.write() as session:
        assert session.get_one(Crossing, theirs).state is CrossingState.booked


def test_only_an_enterprise_sees_a_crossing_page(page: Page, site: Site):
    crossing_id = _booked(site, hours_ahead=5)
    log_in(page, "gate_officer")
    assert status_of(page, f"/crossings/{crossing_id}") == 403


# 15:33 on a Tuesday in Lạng Sơn, a year ahead of any real clock's today.
AFTERNOON = datetime(2027, 12, 7, 8, 33, tzinfo=UTC)


def test_passed_and_full_windows_look_unavailable_say_why_and_trucks_show_their_bookings(
    page: Page, site: Site, clock_at: Callable[[datetime], None]
):
    clock_at(AFTERNOON)
    day = local_date(AFTERNOON)
    with site.write() as session:
        windows = {
            w.starts_at.astimezone(ZONE_TZ).hour: w.id
            for w in ensure_windows(session, site.gate, Direction.export, day, day)
        }
        held = [
            make_booking(session, site.enterprise, site.gate, now=AFTERNOON, window_id=windows[17])
            for _ in range(4)
        ]
    log_in(page, "enterprise")
    page.goto(f"/crossings/book?day={i18n.format_date(day)}")

    def window(hour: int) -> Locator:
        return page.locator(f"label[data-window='{windows[hour]}']")

    # 10:00 is over and 15:00 under way: a booking is for a window still to come.
    for hour in (10, 15):
        expect(window(hour)).to_contain_text("đã qua, không đặt được nữa")
        expect(window(hour).get_by_role("radio")).to_be_disabled()
    # Each radio is named by its label: one zone per range, then why (or the room).
    full = window(17).get_by_role("radio")
    expect(full).to_have_accessible_name("17:00–18:00 (giờ TQ 18:00–19:00) · đã hết chỗ")
    expect(full).to_be_disabled()
    free = window(16).get_by_role("radio")
    expect(free).to_have_accessible_name("16:00–17:00 (giờ TQ 17:00–18:00) · còn 4/4 chỗ")
    expect(free).to_be_enabled()
    # Unavailable windows look it: another colour, struck through.
    colour = "el => getComputedStyle(el).color"
    assert window(10).evaluate(colour) != window(16).evaluate(colour)
    line = "el => getComputedStyle(el.querySelector('.window-time')).textDecorationLine"
    assert window(17).evaluate(line) == "line-through"
    assert window(16).evaluate(line) == "none"
    # No label mixes the two sides' clocks in one range.
    labels = " ".join(page.locator("label[data-window]").all_inner_texts())
    assert not re.search(r"\(giờ TQ \d\d:\d\d\)–", labels)

    # Each truck says the booking it holds; with every truck booked, the form says so.
    option = page.get_by_label("Phương tiện").locator(f"option[value='{held[0].vehicle_id}']")
    expect(option).to_have_text(
        f"{held[0].plate} · đang có lịch #{held[0].id} "
        f"(Đã đặt lịch, {i18n.format_date(day)} 17:00–18:00)"
    )
    expect(page.get_by_test_id("all-booked")).to_be_visible()
    screenshot(page, "book-windows-unavailable")


def test_an_enterprise_names_a_lane_and_a_lane_it_may_not_take_is_refused(page: Page, site: Site):
    """At a gate with an unmanned window the form offers the lanes and marks
    the lane's windows; an ordinary truck asking for the unmanned lane hears
    why, and fruit asking for no lane is given the perishable fast lane."""
    with site.write() as session:
        gate = session.get_one(Gate, site.gate.id)
        make_pattern(session, gate, capacity=2, hours=range(24), lane=LaneKind.perishable)
        make_pattern(session, gate, capacity=2, hours=range(19, 20), lane=LaneKind.unmanned)
    plate = _vehicle(site)
    log_in(page, "enterprise")
    page.goto(f"/crossings/book?day={_tomorrow()}")
    expect(page.locator('.window-lane[data-lane="unmanned"]')).to_have_count(1)
    page.get_by_label("Phương tiện").select_option(label=plate)
    page.get_by_label("Làn", exact=True).select_option(label="khung giờ xe không người lái")
    _fill_cargo(page)
    page.get_by_role("button", name="Đặt lịch", exact=True).click()
    expect(page.locator("#lane-error")).to_contain_text(
        "Xe này không được dùng «khung giờ xe không người lái»"
    )

    page.get_by_label("Làn", exact=True).select_option(label="làn bất kỳ (hệ thống chọn)")
    page.get_by_role("button", name="Đặt lịch", exact=True).click()
    expect(page).to_have_url(re.compile(r"/crossings\?booked=\d+$"))
    with site.write() as session:
        crossing = session.scalars(select(Crossing)).one()
        assert crossing.lane is LaneKind.perishable
    page.goto(f"/crossings/{crossing.id}")
    expect(page.get_by_test_id("lane")).to_have_text("làn ưu tiên hàng tươi sống")
