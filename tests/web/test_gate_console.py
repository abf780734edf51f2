"""The gate console in a browser: an officer reduces capacity, previews, saves,
sees the queue change, and calls the next truck."""

import re

from playwright.sync_api import Page, expect

from cuakhau.capacity.calendar import local_date
from cuakhau.crossings.booking import arrive
from cuakhau.crossings.states import move
from cuakhau.models import Crossing, CrossingWindow
from cuakhau.models.base import utcnow
from cuakhau.models.enums import CrossingState
from cuakhau.web import i18n
from tests.factories import make_booking
from tests.web.conftest import Site, log_in, screenshot


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
            move(session, crossing, CrossingState.declared)
            move(session, crossing, CrossingState.cleared)


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
    # Nothing saved: the queue still has one window.
    assert len(set(windows.all_inner_texts())) == 1
    expect(page.get_by_label("Lý do")).to_have_value("Sửa mặt đường")
    screenshot(page, "gate-console-preview")

    page.get_by_role("button", name="Lưu", exact=True).click()
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
    expect(page).to_have_url(re.compile(r"/gate\?gate_id=\d+&direction=export&called=1$"))
    screenshot(page, "gate-console")
