"""The management board's dashboard in a browser: the figures the database holds,
charts drawn from the app's own plotly, the queue live, and only for the board."""

from datetime import time, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from cuakhau.core.clock import local_date, local_datetime, utcnow
from cuakhau.crossings.queue import position_of
from cuakhau.crossings.states import move
from cuakhau.models import Crossing, CrossingWindow, Vehicle
from cuakhau.models.enums import CrossingState, Direction
from cuakhau.web import i18n
from cuakhau.web.vendor import PLOTLY_URL
from cuakhau.yards.visits import CheckIn, check_in
from tests.factories import (
    advance,
    make_booking,
    make_enterprise,
    make_gate,
    make_pattern,
    make_yard,
)
from tests.web.conftest import Site, log_in, screenshot, status_of


def _vi(minutes: float) -> str:
    return i18n.format_number(minutes, "vi", 1)


def _arrange(site: Site) -> dict[str, object]:
    """On the site's gate: three export trucks booked, one of them in a yard, one
    import booked; two crossed since midnight (one with an estimate given); from
    yesterday one crossed and one no-show. What the page must show, worked out here."""
    now = utcnow()
    midnight = local_datetime(local_date(now), time(0))
    with site.write() as session:
        gate, firm = site.gate, site.enterprise
        operator = make_enterprise(session, roles=["yard_operator"])
        yard = make_yard(session, gate, operator, spaces={"truck": 40, "container": 10})
        # Yesterday's first, as the clock would have made them: booked later, they
        # would find today's windows made and yesterday's not.
        yesterday = now - timedelta(days=1)
        late = make_booking(session, firm, gate, now=yesterday)
        advance(session, late, CrossingState.crossed, at=midnight - timedelta(hours=1))
        no_show = make_booking(session, firm, gate, now=yesterday)
        move(session, no_show, CrossingState.no_show, at=now)
        booked = [make_booking(session, firm, gate, now=now) for _ in range(3)]
        plate = session.get(Vehicle, booked[0].vehicle_id).plate  # type: ignore[union-attr]
        check_in(session, yard, CheckIn(plate=plate), now)
        make_booking(session, firm, gate, now=now, direction=Direction.import_)

        crossed = [make_booking(session, firm, gate, now=now) for _ in range(2)]
        estimate = position_of(session, crossed[0], now).estimated_crossing_at
        assert estimate is not None
        for crossing in crossed:
            advance(session, crossing, CrossingState.crossed, at=midnight)
        session.flush()
        window = session.get(CrossingWindow, booked[1].window_id)
        assert window is not None
        return {
            "yard": yard.code,
            "arrived": booked[0].id,
            "window": f"{i18n.format_datetime(window.starts_at, 'vi')}–"
            f"{i18n.format_time(window.ends_at, 'vi')}",
            "window_booked": str(window.booked),
            "error": _vi((midnight - estimate).total_seconds() / 60),
        }


def test_the_board_sees_the_figures_the_database_holds(page: Page, site: Site):
    expected = _arrange(site)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    log_in(page, "board")
    page.get_by_role("link", name="Bảng điều hành").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bảng điều hành của Ban Quản lý")

    queue = page.get_by_test_id("board-queue")
    expect(queue.get_by_test_id("queue-export-booked")).to_have_text("2")
    expect(queue.get_by_test_id("queue-export-arrived")).to_have_text("1")
    expect(queue.get_by_test_id("queue-export-total")).to_have_text("3")
    expect(queue.get_by_test_id("queue-import-booked")).to_have_text("1")

    window = page.get_by_test_id("board-windows").locator("tr", has_text=expected["window"])
    expect(window.first.get_by_test_id("capacity")).to_have_text("4")
    expect(window.first.get_by_test_id("booked")).to_have_text(str(expected["window_booked"]))

    midnight = page.get_by_test_id("board-throughput").locator('tr[data-hour="00:00"]')
    expect(midnight.get_by_test_id("crossed-export")).to_have_text("2")
    expect(page.get_by_test_id("crossed-export-total")).to_have_text("2")
    expect(page.get_by_test_id("crossed-import-total")).to_have_text("0")

    yard = page.get_by_test_id("board-yards").locator(f'tr[data-yard="{expected["yard"]}"]')
    expect(yard.get_by_test_id("spaces")).to_have_text("50")
    expect(yard.get_by_test_id("occupied")).to_have_text("1")
    expect(yard.get_by_test_id("share")).to_have_text("2,0%")

    accuracy = page.get_by_test_id("board-accuracy").locator(f'tr[data-gate="{site.gate.code}"]')
    expect(accuracy.get_by_test_id("estimates")).to_have_text("1")
    expect(accuracy.get_by_test_id("mean-error")).to_have_text(str(expected["error"]))

    no_shows = page.get_by_test_id("board-no-shows")
    expect(no_shows.get_by_test_id("bookings")).to_have_text("2")
    expect(no_shows.get_by_test_id("no-shows")).to_have_text("1")
    expect(no_shows.get_by_test_id("rate")).to_have_text("50,0%")

    # Five charts, drawn by the plotly the app serves; nothing asked of another host.
    expect(page.locator(".board-chart .main-svg").first).to_be_visible()
    expect(page.locator(".board-chart.js-plotly-plot")).to_have_count(5)
    assert any(url.endswith(PLOTLY_URL) for url in requests)
    assert {urlsplit(url).hostname for url in requests} == {"127.0.0.1"}

    # The queue is live: a truck declared at the gate shows without a reload.
    expect(page.locator("#board-queue")).to_have_attribute("data-live-connected", "true")
    screenshot(page, "board-dashboard")
    with site.write() as session:
        crossing = session.get(Crossing, expected["arrived"])
        assert crossing is not None
        move(session, crossing, CrossingState.declared, at=utcnow())
    expect(queue.get_by_test_id("queue-export-declared")).to_have_text("1")
    expect(queue.get_by_test_id("queue-export-arrived")).to_have_text("0")
    expect(page.locator("#board-queue .main-svg").first).to_be_visible()
    assert {urlsplit(url).hostname for url in requests} == {"127.0.0.1"}


def test_the_gate_picker_narrows_the_figures_to_one_gate(page: Page, site: Site):
    with site.write() as session:
        other = make_gate(session, holiday_calendars=[], name_vi="Tân Thanh", name_en="Tan Thanh")
        other_id = other.id
        make_pattern(session, other, capacity=6, hours=range(24))
        for _ in range(2):
            make_booking(session, site.enterprise, other, now=utcnow())
        make_booking(session, site.enterprise, site.gate, now=utcnow())
    log_in(page, "admin")
    page.goto("/board")
    expect(page.get_by_test_id("board-scope")).to_contain_text("Toàn khu kinh tế")
    expect(page.get_by_test_id("queue-export-booked")).to_have_text("3")

    page.get_by_label("Cửa khẩu", exact=True).select_option(label="Tân Thanh")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_test_id("board-scope")).to_contain_text("Tân Thanh")
    expect(page.get_by_label("Cửa khẩu", exact=True)).to_have_value(str(other_id))
    expect(page.get_by_test_id("queue-export-booked")).to_have_text("2")
    expect(page.get_by_test_id("board-windows").get_by_test_id("capacity").first).to_have_text("6")
    expect(page.get_by_test_id("board-accuracy").locator("tbody tr")).to_have_count(1)

    page.get_by_label("Cửa khẩu", exact=True).select_option(label="Toàn khu kinh tế")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_test_id("queue-export-booked")).to_have_text("3")
    expect(page.get_by_test_id("board-windows").get_by_test_id("capacity").first).to_have_text("10")


@pytest.mark.parametrize("role", ["enterprise", "gate_officer", "customs"])
def test_other_roles_are_refused(page: Page, site: Site, role: str):
    log_in(page, role)
    expect(page.get_by_role("link", name="Bảng điều hành")).to_have_count(0)
    assert status_of(page, "/board") == 403
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_test_id("board-queue")).to_have_count(0)
    assert status_of(page, "/board/queue") == 403


def test_without_logging_in_the_board_asks_for_it(page: Page, site: Site):
    page.goto("/board")
    expect(page).to_have_url(f"{site.url}/login?next=%2Fboard")


def test_a_bad_gate_gets_a_readable_message(page: Page, site: Site):
    log_in(page, "board")
    assert status_of(page, "/board?gate_id=abc") == 422
    expect(page.get_by_role("alert")).to_have_text("Phải là số nguyên.")
    assert status_of(page, "/board?gate_id=99999") == 404
    expect(page.get_by_role("alert")).to_have_text("Không tìm thấy cửa khẩu #99999.")
