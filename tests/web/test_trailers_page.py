"""The trailer list in Chromium: the yard operator and the board see the
trailers standing in the yards, the one overdue for hand-back, and the
trailers waiting for a transfer driver the drivers on duty cannot take."""

from collections.abc import Callable
from datetime import datetime, timedelta

from playwright.sync_api import Page, expect

from cuakhau.core.clock import utcnow
from cuakhau.models import Gate
from cuakhau.models.enums import CrossingState, Role
from tests.factories import make_trailer_swap, make_yard
from tests.web.conftest import Site, log_in, log_in_as, screenshot


def test_the_yard_and_the_board_see_trailers_waiting_and_overdue(
    page: Page, site: Site, clock_at: Callable[[datetime], None]
) -> None:
    now = utcnow()
    with site.write() as session:
        gate = session.get_one(Gate, site.gate.id)
        gate.offers_trailer_swap = True
        operator = session.get_one(
            type(site.enterprise), site.users[Role.yard_operator].enterprise_id
        )
        yard = make_yard(session, gate, operator, name_vi="Bãi Tân Thanh", offers_trailer_swap=True)
        firm = session.get_one(type(site.enterprise), site.enterprise.id)
        waiting = make_trailer_swap(
            session, firm, gate, yard, CrossingState.trailer_dropped, now=now
        )
        back = make_trailer_swap(session, firm, gate, yard, CrossingState.returned, now=now)
        waiting_plate, back_id = waiting.trailer_plate or waiting.plate, back.id
    # A day and a half later: the hand-back is overdue (24 hours by default).
    clock_at(now + timedelta(hours=36))

    log_in(page, "yard_operator")
    page.goto("/yard")
    expect(page.get_by_test_id("hand-back-overdue")).to_contain_text("1 rơ-moóc quá 24 giờ")
    page.get_by_role("link", name="Rơ-moóc tại bãi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rơ-moóc tại bãi")
    expect(page.get_by_role("heading", level=1)).to_contain_text("堆场挂车")
    rows = page.get_by_test_id("trailers").locator("tbody tr")
    expect(rows).to_have_count(2)
    overdue = page.locator(f"tr[data-crossing='{back_id}']")
    expect(overdue.get_by_test_id("waits-for")).to_contain_text("Bàn giao lại")
    expect(overdue.get_by_test_id("waits-for")).to_contain_text("Quá hạn bàn giao")
    expect(overdue).to_contain_text("36")
    expect(overdue).to_contain_text("Rỗng")
    queue = page.get_by_test_id("transfer-queue")
    expect(queue.get_by_test_id("waiting-plate")).to_have_text(waiting_plate)
    expect(queue.get_by_test_id("transfer-short")).to_contain_text("Thiếu 1")
    screenshot(page, "trailers")

    page.goto("/yard/trailers?lang=en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Trailers in the yards")
    expect(overdue.get_by_test_id("waits-for")).to_contain_text("Hand-back overdue")

    log_in_as(page, "board")
    page.goto("/board")
    page.get_by_test_id("hand-back-overdue").get_by_role("link").click()
    expect(page.get_by_test_id("trailers").locator("tbody tr")).to_have_count(2)
    # The enterprise is not shown the yards' trailers.
    log_in_as(page, "enterprise")
    response = page.goto("/yard/trailers")
    assert response is not None
    assert response.status == 403
