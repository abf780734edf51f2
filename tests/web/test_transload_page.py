"""The transload board in a browser: the yard operator walks fruit through a cold
bay's slot (at the bay, work started, counted off, counted onto the other
side's truck), a short count holds it until customs releases it, and a bad
count is refused on the page with nothing changed."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from cuakhau.core.clock import utcnow
from cuakhau.models import Enterprise, Transload
from cuakhau.models.enums import Role, TransloadState
from cuakhau.transload import service
from cuakhau.transload.schemas import TransloadBooking
from tests.factories import make_enterprise, make_transload_yard
from tests.web.conftest import Site, log_in_as, screenshot, status_of


@pytest.fixture
def slot(site: Site) -> int:
    """Dragon fruit booked an hour ago for the cold bay's current hour."""
    now = utcnow()
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    with site.write() as session:
        operator = session.get_one(Enterprise, site.users[Role.yard_operator].enterprise_id)
        yard, (cold, _) = make_transload_yard(
            session,
            site.gate,
            operator,
            bays=[
                {"code": "L1", "kind": "cold", "capacity": 1, "rate": 20},
                {"code": "T1", "kind": "ordinary", "capacity": 1, "rate": 20},
            ],
        )
        booking = TransloadBooking(
            bay_id=cold.id,
            starts_at=this_hour,
            enterprise_id=make_enterprise(session).id,
            inbound_plate="12C-456.78",
            cargo="Thanh long tươi",
            perishable=True,
            weight_kg=18000,
        )
        return service.book(session, yard, booking, None, this_hour - timedelta(hours=1)).id


def row(page: Page, transload_id: int):
    return page.locator(f'tr[data-transload="{transload_id}"]').first


def test_the_operator_moves_fruit_through_its_slot_and_a_short_count_is_held(
    page: Page, site: Site, slot: int
):
    log_in_as(page, "yard_operator")
    page.goto("/transload")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bảng sang tải")
    bay = page.locator('tbody[data-bay="L1"]')
    expect(bay.locator(f'tr[data-transload="{slot}"]')).to_have_count(1)
    expect(row(page, slot).get_by_test_id("state")).to_have_text("Đã đặt")

    row(page, slot).get_by_role("button", name="Xe đã vào ô").click()
    expect(page.get_by_test_id("transload-notice")).to_contain_text(f"Lượt #{slot}")
    expect(row(page, slot).get_by_test_id("state")).to_have_text("Xe đã vào ô")
    row(page, slot).get_by_role("button", name="Bắt đầu bốc xếp").click()
    expect(row(page, slot).get_by_test_id("state")).to_have_text("Đang bốc xếp")

    # A count that is not a number: refused on the page, nothing changed.
    row(page, slot).get_by_label("Số kiện").fill("nhiều")
    row(page, slot).get_by_label("Khối lượng (kg)").fill("18000")
    row(page, slot).get_by_role("button", name="Đã dỡ xong").click()
    expect(page.get_by_test_id("transload-error")).to_be_visible()
    with site.write() as session:
        assert session.scalar(select(Transload.state)) is TransloadState.started

    row(page, slot).get_by_label("Số kiện").fill("1200")
    row(page, slot).get_by_label("Khối lượng (kg)").fill("18000")
    row(page, slot).get_by_role("button", name="Đã dỡ xong").click()
    expect(row(page, slot)).to_contain_text("Dỡ xuống: 1.200 kiện, 18.000 kg")
    expect(row(page, slot).get_by_test_id("hours-in-zone")).to_be_visible()

    row(page, slot).get_by_label("Số kiện").fill("1150")
    row(page, slot).get_by_label("Khối lượng (kg)").fill("17200")
    row(page, slot).get_by_label("Biển số xe ra").fill("桂F12345")
    row(page, slot).get_by_role("button", name="Đã xếp lên xe ra").click()
    held = page.get_by_test_id("transload-held")
    expect(held.locator(f'tr[data-transload="{slot}"]')).to_contain_text("桂F12345")
    expect(held.get_by_test_id("held")).to_have_count(1)
    screenshot(page, "transload-board")
    with site.write() as session:
        done = session.scalar(select(Transload))
        assert done is not None
        assert (done.packages_in, done.packages_out) == (1200, 1150)
        assert done.held_at is not None
    # The operator may not release it; customs does, saying why.
    expect(held.get_by_role("button")).to_have_count(0)
    log_in_as(page, "customs")
    page.goto("/transload")
    release = page.get_by_test_id(f"release-{slot}")
    release.get_by_role("button", name="Cho hàng qua").click()
    expect(page.get_by_test_id("transload-error")).to_be_visible()
    page.get_by_test_id(f"release-{slot}").get_by_label("Lý do").fill("Cân lại tại bãi: khớp")
    page.get_by_test_id(f"release-{slot}").get_by_role("button", name="Cho hàng qua").click()
    expect(page.get_by_test_id("transload-notice")).to_contain_text("hải quan đã cho hàng qua")
    expect(page.get_by_test_id("transload-held")).to_contain_text("Không có hàng bị tạm giữ")
    with site.write() as session:
        released = session.scalar(select(Transload))
        assert released is not None
        assert released.hold_release_reason == "Cân lại tại bãi: khớp"


def test_customs_reads_the_board_without_moving_and_an_enterprise_may_not(
    page: Page, site: Site, slot: int
):
    log_in_as(page, "customs")
    page.goto("/transload?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Transload board")
    expect(row(page, slot)).to_be_visible()
    expect(row(page, slot).get_by_role("button")).to_have_count(0)
    log_in_as(page, "enterprise")
    assert status_of(page, "/transload") == 403
