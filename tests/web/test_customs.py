"""The customs pages in a browser: who may see them, the live work list, a red-channel
truck declared, held, released and then called at the gate, a rejection, and the
rules' messages on bad input."""

from playwright.sync_api import Browser, Page, expect

from cuakhau.clearance.schemas import Declaration
from cuakhau.clearance.service import decide, declare, release
from cuakhau.core.clock import utcnow
from cuakhau.crossings.booking import arrive
from cuakhau.models import Crossing
from cuakhau.models.enums import CrossingState, Role
from tests.factories import make_booking
from tests.web.conftest import Site, log_in, log_in_as, screenshot, status_of


def _arrived(site: Site, perishable: bool = False) -> tuple[int, str]:
    with site.write() as session:
        crossing = make_booking(
            session, site.enterprise, site.gate, now=utcnow(), perishable=perishable
        )
        arrive(session, crossing, utcnow())
        return crossing.id, crossing.plate


def _state(site: Site, crossing_id: int) -> CrossingState:
    with site.write() as session:
        crossing = session.get(Crossing, crossing_id)
        assert crossing is not None
        return crossing.state


def test_only_customs_and_admins_see_the_customs_pages(page: Page, site: Site):
    crossing_id, _ = _arrived(site)
    for role in (Role.gate_officer, Role.enterprise, Role.yard_operator):
        log_in_as(page, role.value)
        for path in ("/customs", f"/customs/crossings/{crossing_id}"):
            assert status_of(page, path) == 403, (role, path)
        expect(page.get_by_role("link", name="Hải quan")).to_have_count(0)
    for role in (Role.customs, Role.admin):
        log_in_as(page, role.value)
        assert status_of(page, "/customs") == 200, role
        expect(page.get_by_role("link", name="Hải quan")).to_be_visible()
    assert status_of(page, "/customs/crossings/999999") == 404


def test_the_work_list_puts_perishables_first_and_updates_live(page: Page, site: Site):
    ordinary_id, ordinary = _arrived(site)
    log_in(page, "customs")
    page.goto("/customs")
    rows = page.get_by_test_id("work-list").locator("tbody tr[data-plate]")
    expect(rows).to_have_count(1)
    expect(page.locator("#customs-work")).to_have_attribute("data-live-connected", "true")

    _, fruit = _arrived(site, perishable=True)
    expect(rows).to_have_count(2)
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.plate)") == [fruit, ordinary]
    expect(rows.first.get_by_test_id("state")).to_have_text("Đã vào bãi")
    screenshot(page, "customs")

    # Declared red meanwhile: the list shows it live, and the channel filter finds it.
    with site.write() as session:
        crossing = session.get(Crossing, ordinary_id)
        assert crossing is not None
        declare(session, crossing, Declaration(declaration_no="305777", channel="red"), at=utcnow())
    expect(rows.nth(1).get_by_test_id("state")).to_have_text("Đã khai báo")
    page.get_by_label("Luồng").select_option("red")
    page.get_by_role("button", name="Xem").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-plate", ordinary)
    expect(page.get_by_label("Luồng")).to_have_value("red")
    # "All" gates is no filter, not a refused number.
    expect(page.get_by_label("Cửa khẩu", exact=True)).to_have_value("")
    assert "gate_id=&" in page.url


def test_a_red_channel_truck_is_held_released_and_called_at_the_gate(
    browser: Browser, page: Page, site: Site
):
    crossing_id, plate = _arrived(site)
    log_in(page, "customs")
    page.goto("/customs")
    page.get_by_role("link", name=plate).click()
    state = page.get_by_test_id("crossing-state")
    expect(state).to_have_text("Đã vào bãi")

    # No declaration number: the rule's message, and the channel chosen is kept.
    page.get_by_label("Luồng đỏ").check()
    page.get_by_role("button", name="Ghi nhận tờ khai").click()
    expect(page.locator("#declaration-declaration_no-error")).to_have_text(
        "Trường này là bắt buộc."
    )
    expect(page.get_by_label("Luồng đỏ")).to_be_checked()
    number = page.get_by_label("Số tờ khai hải quan")
    number.fill("305 123")
    page.get_by_role("button", name="Ghi nhận tờ khai").click()
    expect(page.locator("#declaration-declaration_no-error")).to_have_text("Sai định dạng.")
    expect(number).to_have_value("305 123")
    forged = page.request.post(
        f"/customs/crossings/{crossing_id}/declaration",
        form={"declaration_no": "305123456789", "channel": "green"},
    )
    assert forged.status == 403
    assert _state(site, crossing_id) is CrossingState.arrived

    number.fill("305123456789")
    page.get_by_role("button", name="Ghi nhận tờ khai").click()
    expect(page.get_by_test_id("customs-notice")).to_have_text(
        f"Đã ghi nhận. Xe {plate} hiện ở trạng thái: Đã khai báo."
    )
    expect(state).to_have_text("Đã khai báo")
    expect(page.get_by_test_id("declaration-no")).to_have_text("305123456789")
    expect(page.get_by_test_id("channel")).to_have_text("Luồng đỏ")

    page.get_by_role("button", name="Ra quyết định").click()
    expect(state).to_have_text("Tạm giữ")
    expect(page.get_by_test_id("hold-reason")).to_have_text("luồng đỏ: kiểm tra thực tế hàng hóa")
    screenshot(page, "customs-held")

    # A release needs a reason; what was typed stays.
    page.get_by_label("Kết quả kiểm tra").fill("ok")
    page.get_by_role("button", name="Giải phóng").click()
    expect(page.locator("#release-reason-error")).to_have_text("Cần ít nhất 3 ký tự.")
    expect(page.get_by_label("Kết quả kiểm tra")).to_have_value("ok")
    expect(state).to_have_text("Tạm giữ")
    page.get_by_label("Kết quả kiểm tra").fill("Kiểm hóa đạt")
    page.get_by_role("button", name="Giải phóng").click()
    expect(state).to_have_text("Đã thông quan")
    expect(page.get_by_test_id("history")).to_contain_text("Tạm giữ → Đã thông quan")

    # The gate officer now sees it cleared in the queue and can call it.
    officer = browser.new_context(base_url=site.url, locale="vi-VN").new_page()
    log_in(officer, "gate_officer")
    row = officer.get_by_test_id("gate-queue").locator(f"tr[data-crossing='{crossing_id}']")
    expect(row.get_by_test_id("state")).to_have_text("Đã thông quan")
    officer.get_by_role("button", name="Gọi xe tiếp theo").click()
    expect(officer.get_by_test_id("gate-notice")).to_have_text("Đã gọi 1 xe vào cửa khẩu.")
    expect(row.get_by_test_id("state")).to_have_text("Đã gọi vào cửa khẩu")
    officer.context.close()
    assert _state(site, crossing_id) is CrossingState.called


def test_a_release_of_a_crossing_no_longer_held_is_refused(page: Page, site: Site):
    crossing_id, _ = _arrived(site)
    with site.write() as session:
        crossing = session.get(Crossing, crossing_id)
        assert crossing is not None
        declare(session, crossing, Declaration(declaration_no="305999", channel="red"), at=utcnow())
        decide(session, crossing, at=utcnow())
    log_in(page, "customs")
    page.goto(f"/customs/crossings/{crossing_id}")
    expect(page.get_by_test_id("crossing-state")).to_have_text("Tạm giữ")
    # Another officer releases it while this page is open.
    with site.write() as session:
        crossing = session.get(Crossing, crossing_id)
        assert crossing is not None
        release(session, crossing, "released at the other desk", at=utcnow())
    page.get_by_label("Kết quả kiểm tra").fill("Kiểm hóa đạt")
    page.get_by_role("button", name="Giải phóng").click()
    expect(page.get_by_test_id("customs-error")).to_have_text(
        f"Chưa thực hiện được: Chuyến #{crossing_id} không ở trạng thái tạm giữ "
        "nên không thể giải phóng."
    )
    expect(page.get_by_test_id("crossing-state")).to_have_text("Đã thông quan")
    expect(page.get_by_label("Kết quả kiểm tra")).to_have_value("Kiểm hóa đạt")


def test_a_declared_truck_is_rejected(page: Page, site: Site):
    crossing_id, _ = _arrived(site)
    log_in(page, "customs")
    page.goto(f"/customs/crossings/{crossing_id}")
    page.get_by_label("Số tờ khai hải quan").fill("305000111222")
    page.get_by_label("Luồng vàng").check()
    page.get_by_role("button", name="Ghi nhận tờ khai").click()
    expect(page.get_by_test_id("crossing-state")).to_have_text("Đã khai báo")
    page.get_by_label("Lý do từ chối").fill("Tờ khai không khớp hàng thực tế")
    page.get_by_role("button", name="Từ chối thông quan").click()
    expect(page.get_by_test_id("crossing-state")).to_have_text("Bị từ chối")
    assert _state(site, crossing_id) is CrossingState.rejected
    page.goto("/customs")
    expect(page.get_by_test_id("work-list").locator("tbody tr[data-plate]")).to_have_count(0)
