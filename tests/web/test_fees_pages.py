"""An enterprise's receipts in a browser: the period's totals, each receipt's
lines, a printable receipt, and nobody else's."""

import re

from playwright.sync_api import Page, expect

from cuakhau.core.clock import utcnow
from cuakhau.models import Enterprise, Receipt
from cuakhau.models.enums import CrossingState
from tests.factories import advance, make_booking, make_enterprise, make_tariff
from tests.web.conftest import Site, log_in, screenshot, status_of

RECEIPT_NUMBER = re.compile(r"^BL-\d{4}-\d{6}$")


def _crossed(site: Site, enterprise: Enterprise | None = None) -> tuple[int, str]:
    """A crossing that has crossed, charged under the one tariff line: (receipt id, plate)."""
    with site.write() as session:
        crossing = make_booking(session, enterprise or site.enterprise, site.gate, now=utcnow())
        advance(session, crossing, CrossingState.crossed, at=utcnow())
        receipt = session.query(Receipt).filter_by(crossing_id=crossing.id).one()
        return receipt.id, crossing.plate


def _tariff(site: Site) -> None:
    with site.write() as session:
        make_tariff(
            session, code="HT-XE-TAI", description="Xe tải qua cửa khẩu", amount_vnd=550_000
        )


def test_an_enterprise_sees_its_receipts_with_the_periods_totals(page: Page, site: Site):
    _tariff(site)
    first, first_plate = _crossed(site)
    second, _ = _crossed(site)
    with site.write() as session:
        other = make_enterprise(session)
    theirs, their_plate = _crossed(site, other)
    log_in(page, "enterprise")
    page.get_by_role("navigation").get_by_role("link", name="Phí, biên lai").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phí và biên lai")
    expect(page.get_by_test_id("total-receipts")).to_have_text("2")
    expect(page.get_by_test_id("total-vnd")).to_have_text("1.100.000 ₫")
    rows = page.locator("tr[data-receipt]")
    expect(rows).to_have_count(2)
    # Newest first.
    expect(rows.first).to_have_attribute("data-receipt", str(second))
    expect(page.get_by_test_id("receipts")).not_to_contain_text(their_plate)
    row = page.locator(f"tr[data-receipt='{first}']")
    expect(row).to_contain_text(first_plate)
    expect(row).to_contain_text("Phí sử dụng kết cấu hạ tầng cửa khẩu × 1: 550.000 ₫")
    number = row.get_by_role("link").first.inner_text()
    assert RECEIPT_NUMBER.match(number), number
    screenshot(page, "receipts")

    row.get_by_role("link", name=number).click()
    expect(page).to_have_url(f"{site.url}/fees/receipts/{first}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Biên lai thu phí {number}")
    expect(page.get_by_test_id("receipt-lines").locator("tbody tr")).to_contain_text(
        ["HT-XE-TAI · Mọi loại xe"]
    )
    expect(page.get_by_test_id("receipt-total")).to_have_text("550.000 ₫")
    expect(page.get_by_text(site.enterprise.tax_code)).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation")).to_be_hidden()
    expect(page.get_by_role("button", name="In trang").last).to_be_hidden()
    expect(page.get_by_test_id("receipt-total")).to_be_visible()
    screenshot(page, "receipt-print")
    page.emulate_media(media="screen")

    assert status_of(page, f"/fees/receipts/{theirs}") == 404
    expect(page.get_by_role("alert")).to_have_text(f"Không tìm thấy biên lai #{theirs}.")


def test_a_period_without_receipts_and_a_bad_day(page: Page, site: Site):
    _tariff(site)
    _crossed(site)
    log_in(page, "enterprise")
    page.goto("/fees")
    page.get_by_role("link", name="Tháng trước").click()
    expect(page.get_by_test_id("receipts")).to_contain_text(
        "Không có biên lai nào trong khoảng này."
    )
    expect(page.get_by_test_id("total-vnd")).to_have_text("0 ₫")

    page.get_by_label("Từ ngày (dd/mm/yyyy)").fill("31/02/2026")
    page.get_by_label("Đến ngày (dd/mm/yyyy)").fill("01/01/2026")
    with page.expect_response(re.compile(r"/fees\?")) as answer:
        page.get_by_role("button", name="Xem").click()
    assert answer.value.status == 422
    expect(page.get_by_test_id("form-error")).to_contain_text("Chưa xem được:")
    expect(page.locator("#from-error")).to_have_text("Ngày phải có dạng dd/mm/yyyy.")
    expect(page.get_by_label("Từ ngày (dd/mm/yyyy)")).to_have_value("31/02/2026")
    expect(page.get_by_label("Từ ngày (dd/mm/yyyy)")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Từ ngày (dd/mm/yyyy)").fill("02/01/2026")
    page.get_by_role("button", name="Xem").click()
    expect(page.locator("#to-error")).to_have_text("Ngày đầu không được sau ngày cuối.")
    expect(page.get_by_label("Đến ngày (dd/mm/yyyy)")).to_have_value("01/01/2026")


def test_the_crossing_page_links_its_receipt(page: Page, site: Site):
    _tariff(site)
    receipt_id, _ = _crossed(site)
    log_in(page, "enterprise")
    page.goto("/fees")
    page.locator(f"tr[data-receipt='{receipt_id}']").get_by_role(
        "link", name=re.compile("#")
    ).click()
    expect(page.get_by_test_id("state")).to_have_text("Đã qua biên giới")
    page.get_by_test_id("receipt-link").click()
    expect(page).to_have_url(f"{site.url}/fees/receipts/{receipt_id}")


def test_only_an_enterprise_sees_fees(page: Page, site: Site):
    log_in(page, "customs")
    expect(page.get_by_role("navigation").get_by_role("link", name="Phí, biên lai")).to_have_count(
        0
    )
    for path in ("/fees", "/fees/receipts/1"):
        assert status_of(page, path) == 403
