"""The gate console in a browser: an officer reduces capacity, previews, saves,
sees the queue change, and calls the next truck."""

import re
from datetime import UTC, datetime

from playwright.sync_api import Page, expect
from sqlalchemy import select

from cuakhau.clearance.schemas import Declaration
from cuakhau.clearance.service import decide, declare
from cuakhau.core.clock import local_date, utcnow
from cuakhau.crossings.booking import arrive
from cuakhau.crossings.states import move
from cuakhau.models import CapacityOverride, Crossing, CrossingWindow
from cuakhau.models.enums import CrossingState, CustomsChannel, Role
from cuakhau.reads.schemas import PlateReadIn
from cuakhau.reads.service import ingest
from cuakhau.web import i18n
from tests.factories import advance, make_booking, make_called_crossing, make_user
from tests.web.conftest import Site, log_in, log_in_as, screenshot, status_of

# Booked a year ahead of any real clock's today: the queue's order and readiness
# do not depend on the hour the test runs at.
NOW = datetime(2027, 12, 7, 1, 0, tzinfo=UTC)


def _four_trucks_in_one_window(site: Site) -> tuple[str, list[int]]:
    """Four trucks booked into the earliest window: its day, typed, and their ids."""
    with site.write() as session:
        crossings = [
            make_booking(session, site.enterprise, site.gate, now=utcnow()) for _ in range(4)
        ]
        window = session.get(CrossingWindow, crossings[0].window_id)
        assert window is not None
        return i18n.format_date(local_date(window.starts_at)), [c.id for c in crossings]


def _clear(site: Site, crossing_ids: list[int]) -> None:
    with site.write() as session:
        for crossing_id in crossing_ids:
            crossing = session.get(Crossing, crossing_id)
            assert crossing is not None
            arrive(session, crossing, utcnow())
            move(session, crossing, CrossingState.declared, at=utcnow())
            move(session, crossing, CrossingState.cleared, at=utcnow())


def test_an_officer_reduces_capacity_and_calls_the_next_truck(page: Page, site: Site):
    day, crossing_ids = _four_trucks_in_one_window(site)
    log_in(page, "gate_officer")
    expect(page).to_have_url(f"{site.url}/gate")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bàn điều hành cửa khẩu")
    rows = page.get_by_test_id("gate-queue").locator("tr[data-crossing]")
    expect(rows).to_have_count(4)
    expect(rows.first.get_by_test_id("estimate")).to_contain_text("giờ TQ")
    windows = rows.locator("[data-testid=window]")
    assert len(set(windows.all_inner_texts())) == 1

    page.get_by_label("Loại điều chỉnh").select_option("capacity")
    page.get_by_label("Giá trị (hệ số hoặc số xe)").fill("2")
    page.get_by_label("Từ ngày (dd/mm/yyyy)").fill(day)
    page.get_by_label("Lý do").fill("Sửa mặt đường")
    page.get_by_role("button", name="Xem trước").click()
    expect(page.get_by_test_id("preview-count")).to_have_text("2 xe sẽ phải chuyển khung giờ.")
    expect(page.get_by_test_id("preview-moves").locator("tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("move-reason")).to_have_text(["năng lực thông quan bị cắt giảm"] * 2)
    # Nothing saved: the queue still has one window.
    assert len(set(windows.all_inner_texts())) == 1
    expect(page.get_by_label("Lý do")).to_have_value("Sửa mặt đường")
    screenshot(page, "gate-console-preview")

    # Saving asks first, saving nothing yet; the confirmation takes the keyboard's focus.
    page.get_by_role("button", name="Lưu", exact=True).click()
    confirm = page.get_by_test_id("capacity-confirm")
    expect(confirm).to_contain_text("Lưu điều chỉnh này? 2 xe sẽ phải chuyển khung giờ")
    assert len(set(windows.all_inner_texts())) == 1
    expect(confirm.get_by_role("button", name="Xác nhận lưu")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("gate-notice")).to_have_text(
        "Đã lưu điều chỉnh năng lực; 2 xe được chuyển khung giờ."
    )
    expect(rows).to_have_count(4)
    assert len(set(windows.all_inner_texts())) == 2

    # The two trucks that kept the window clear customs; the queue shows it live.
    _clear(site, crossing_ids[:2])
    expect(page.locator("#gate-queue")).to_have_attribute("data-live-connected", "true")
    states = rows.locator("[data-testid=state]")
    expect(states.nth(1)).to_have_text("Đã thông quan")
    page.get_by_role("button", name="Gọi xe tiếp theo").click()
    expect(page.get_by_test_id("gate-notice")).to_have_text("Đã gọi 1 xe vào cửa khẩu.")
    expect(states.first).to_have_text("Đã gọi vào cửa khẩu")
    expect(states.nth(1)).to_have_text("Đã thông quan")
    expect(page.locator("#gate-queue")).to_have_attribute("data-live-connected", "true")
    expect(page).to_have_url(re.compile(r"/gate\?gate_id=\d+&direction=export&called=1&asked=1$"))
    screenshot(page, "gate-console")


def test_the_queue_says_who_is_ready_and_a_short_call_says_why(page: Page, site: Site):
    with site.write() as session:
        on_the_road, held, cleared = (
            make_booking(session, site.enterprise, site.gate, now=NOW) for _ in range(3)
        )
        advance(session, held, CrossingState.arrived, at=NOW)
        number = "00001/XK"
        declaration = Declaration(
            declaration_no=number, channel=CustomsChannel.green, needs_quarantine=True
        )
        declare(session, held, declaration, at=NOW)
        decide(session, held, at=NOW)
        advance(session, cleared, CrossingState.cleared, at=NOW)
    log_in(page, "gate_officer")
    rows = page.get_by_test_id("gate-queue").locator("tr[data-crossing]")
    first, second, third = (rows.nth(i) for i in range(3))
    expect(first.get_by_test_id("place")).to_have_text("Mới đặt lịch, chưa đến bãi")
    expect(first.get_by_test_id("customs")).to_have_text("Chưa khai hải quan")
    expect(first.get_by_test_id("callable")).to_have_text("Chưa gọi được: xe chưa đến bãi")
    expect(second.get_by_test_id("place")).to_have_text("Đã vào bãi, chờ ở cửa khẩu")
    expect(second.get_by_test_id("customs")).to_have_text("Đang bị giữ · Luồng xanh — kiểm dịch")
    expect(second.get_by_test_id("callable")).to_have_text("Chưa gọi được: đang bị giữ")
    expect(third.get_by_test_id("customs")).to_have_text("Đã thông quan")
    expect(third.get_by_test_id("callable")).to_have_text("Gọi được")

    page.get_by_label("Số xe", exact=True).fill("3")
    page.get_by_role("button", name="Gọi xe tiếp theo").click()
    expect(page.get_by_test_id("gate-notice")).to_have_text(
        "Đã gọi 1 trên 3 xe yêu cầu: không còn xe nào khác đủ điều kiện gọi."
    )
    skipped = page.get_by_test_id("call-skipped").locator("li")
    expect(skipped).to_have_text(
        [
            f"{on_the_road.plate} (vị trí 1): Chưa gọi được: xe chưa đến bãi",
            f"{held.plate} (vị trí 2): Chưa gọi được: đang bị giữ",
        ]
    )
    expect(third.get_by_test_id("place")).to_have_text("Đã được gọi vào cửa khẩu")
    screenshot(page, "gate-call-skipped")


def _called(site: Site) -> Crossing:
    with site.write() as session:
        return make_called_crossing(session, site.enterprise, site.gate, now=utcnow())


def test_an_officer_records_a_crossing_and_a_return_by_hand(page: Page, site: Site):
    crossing = _called(site)
    log_in(page, "gate_officer")
    row = page.get_by_test_id("by-hand").locator(f"tr[data-crossing='{crossing.id}']")
    expect(row.get_by_test_id("state")).to_have_text("Đã gọi vào cửa khẩu")

    # A reason is required; what was typed stays.
    row.get_by_label("Lý do").fill("x")
    row.get_by_role("button", name="Đã qua biên giới").click()
    expect(page.locator("#by-hand-error")).to_have_text("Cần ít nhất 3 ký tự.")
    expect(row.get_by_label("Lý do")).to_have_attribute("aria-invalid", "true")
    expect(row.get_by_label("Lý do")).to_have_value("x")

    row.get_by_label("Lý do").fill("Camera cổng B mất điện")
    row.get_by_role("button", name="Đã qua biên giới").click()
    expect(page.get_by_test_id("gate-notice")).to_have_text(
        f"Đã ghi nhận xe {crossing.plate}: Đã qua biên giới."
    )
    expect(row.get_by_test_id("state")).to_have_text("Đã qua biên giới")
    screenshot(page, "gate-by-hand")

    # Recorded meanwhile by a camera: the page's stale button gets the rule's message.
    with site.write() as session:
        fresh = session.get(Crossing, crossing.id)
        assert fresh is not None
        move(session, fresh, CrossingState.returned, reason="plate read", at=utcnow())
    row.get_by_label("Lý do").fill("Camera cổng B mất điện")
    row.get_by_role("button", name="Đã quay về").click()
    expect(row).to_have_count(0)
    expect(page.locator("#by-hand-error")).to_have_text(
        f"Không thể chuyển chuyến #{crossing.id} từ trạng thái Đã quay về sang Đã quay về."
    )


def _reads(site: Site, *reads: tuple[str, str, float]) -> list[int]:
    """Plate reads at the site's gate; the ids of the alerts they raised."""
    with site.write() as session:
        camera = make_user(session, Role.camera)
        result = ingest(
            session,
            camera=camera,
            reads=[
                PlateReadIn(
                    read_id=f"cam-{n}",
                    plate=plate,
                    point=point,
                    read_at=utcnow(),
                    confidence=confidence,
                    gate_id=site.gate.id,
                )
                for n, (plate, point, confidence) in enumerate(reads)
            ],
            now=utcnow(),
        )
    alert_ids = [r.alert_id for r in result.results]
    assert None not in alert_ids
    return alert_ids  # type: ignore[return-value]


def test_an_officer_resolves_alerts_by_dismissing_and_by_recording_the_move(page: Page, site: Site):
    crossing = _called(site)
    unknown, unsure = _reads(
        site, ("99Z99999", "border_out", 0.97), (crossing.plate, "border_out", 0.41)
    )
    log_in(page, "gate_officer")
    alerts = page.get_by_test_id("alerts")
    first = alerts.locator(f"li[data-alert='{unknown}']")
    second = alerts.locator(f"li[data-alert='{unsure}']")
    expect(first).to_contain_text("99Z-999.99")
    # An unknown plate has no crossing to record a move on: it can only be dismissed.
    expect(first.get_by_label("Ghi nhận di chuyển camera bỏ sót")).to_have_count(0)

    first.get_by_label("Cách xử lý").fill("no")
    first.get_by_role("button", name="Đã xử lý").click()
    expect(first.get_by_role("alert")).to_have_text("Cần ít nhất 3 ký tự.")
    expect(first.get_by_label("Cách xử lý")).to_have_value("no")
    first.get_by_label("Cách xử lý").fill("Xe của bên kia, không vào khu")
    first.get_by_role("button", name="Đã xử lý").click()
    expect(page.get_by_test_id("gate-notice")).to_have_text(f"Đã xử lý cảnh báo #{unknown}.")
    expect(first).to_have_count(0)

    # The unsure read was the called truck crossing: the officer records that move.
    choice = second.get_by_label("Chuyến liên quan")
    expect(choice.locator("option")).to_have_count(2)
    choice.select_option(str(crossing.id))
    second.get_by_label("Cách xử lý").fill("Đã xem camera, đúng xe")
    second.get_by_role("button", name="Đã xử lý").click()
    # A crossing without a move is incomplete: the rule's message, the choice kept.
    expect(second.get_by_role("alert")).to_have_text(
        "Để ghi nhận bước đã bỏ lỡ, hãy chọn cả chuyến xe và trạng thái xe đã đến."
    )
    expect(second.get_by_label("Chuyến liên quan")).to_have_value(str(crossing.id))
    second.get_by_label("Ghi nhận di chuyển camera bỏ sót").select_option("crossed")
    second.get_by_role("button", name="Đã xử lý").click()
    expect(page.get_by_test_id("gate-notice")).to_have_text(f"Đã xử lý cảnh báo #{unsure}.")
    expect(page.get_by_test_id("alerts")).to_have_count(0)
    with site.write() as session:
        moved = session.get(Crossing, crossing.id)
        assert moved is not None
        assert moved.state is CrossingState.crossed


def test_an_officer_lifts_a_capacity_override(page: Page, site: Site):
    day, crossing_ids = _four_trucks_in_one_window(site)
    log_in(page, "gate_officer")
    expect(page.get_by_test_id("overrides")).to_have_count(0)
    page.get_by_label("Loại điều chỉnh").select_option("capacity")
    page.get_by_label("Giá trị (hệ số hoặc số xe)").fill("2")
    page.get_by_label("Từ ngày (dd/mm/yyyy)").fill(day)
    page.get_by_label("Lý do").fill("Sửa mặt đường")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.get_by_role("button", name="Xác nhận lưu").click()
    expect(page.get_by_test_id("gate-notice")).to_contain_text("2 xe được chuyển khung giờ")

    rows = page.get_by_test_id("overrides").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(day)
    expect(rows.first).to_contain_text("2 xe mỗi khung giờ")
    expect(rows.first).to_contain_text("Sửa mặt đường")
    screenshot(page, "gate-overrides")
    kept = _window_of(site, crossing_ids[0])
    assert (kept.capacity, kept.booked) == (2, 2)
    rows.first.get_by_role("button", name="Bỏ điều chỉnh: Sửa mặt đường").click()
    expect(page.get_by_test_id("gate-notice")).to_contain_text("Đã bỏ điều chỉnh #")
    expect(page.get_by_test_id("overrides")).to_have_count(0)
    with site.write() as session:
        override = session.scalar(select(CapacityOverride))
        assert override is not None
        assert not override.is_active
    # The capacity is back; booked trucks keep their new windows (only trucks
    # already waiting in the zone are pulled earlier).
    assert _window_of(site, crossing_ids[0]).capacity == 4


def _window_of(site: Site, crossing_id: int) -> CrossingWindow:
    with site.write() as session:
        crossing = session.get(Crossing, crossing_id)
        assert crossing is not None
        window = session.get(CrossingWindow, crossing.window_id)
        assert window is not None
        session.expunge(window)
        return window


def test_only_officers_and_admins_see_the_console(page: Page, site: Site):
    for role in (Role.customs, Role.yard_operator, Role.board, Role.enterprise):
        log_in_as(page, role.value)
        assert status_of(page, "/gate") == 403, role
        expect(page.get_by_role("link", name="Bàn điều hành cửa khẩu")).to_have_count(0)
    log_in_as(page, "admin")
    assert status_of(page, "/gate") == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Bàn điều hành cửa khẩu")
