"""No codes or English inside Vietnamese pages (#18, item 7): what a page shows a
person is said in words of the page's language, numbers and dates as that
language writes them."""

import re

from playwright.sync_api import Page, expect

from cuakhau.models.enums import Role
from tests.factories import make_tariff
from tests.web.conftest import Site, log_in, log_in_as
from tests.web.test_fees_pages import _crossed
from tests.web.test_gate_console import _reads


def test_plate_alerts_say_what_happened_in_words(page: Page, site: Site) -> None:
    (unsure,) = _reads(site, ("99Z99999", "border_out", 0.41))
    log_in(page, "gate_officer")
    alert = page.get_by_test_id("alerts").locator(f"li[data-alert='{unsure}']")
    expect(alert.get_by_test_id("alert-kind")).to_have_text("Đọc biển số không chắc chắn")
    expect(alert).to_contain_text("tại điểm qua biên giới (chiều xuất)")
    expect(alert).to_contain_text("độ tin cậy thấp (41%)")
    for code in ("low_confidence", "border_out", "0.41", "0,41"):
        expect(alert).not_to_contain_text(code)

    page.goto("/gate?lang=en")
    expect(alert.get_by_test_id("alert-kind")).to_have_text("Uncertain plate read")
    expect(alert).to_contain_text("low confidence (41%)")


def test_planning_names_scenarios_by_their_titles_and_takes_dates_as_dd_mm_yyyy(
    page: Page, site: Site
) -> None:
    log_in(page, "board")
    page.goto("/planning")
    options = page.get_by_label("Kịch bản", exact=True).locator("option").all_inner_texts()
    assert "Mùa vải 2022: Hữu Nghị còn nửa năng lực, xe đặt khung giờ trước" in options
    assert not [text for text in options if re.search(r"[a-z]+-[a-z0-9]+-", text)]

    page.get_by_label("Kịch bản", exact=True).select_option("langson-2021-12")
    starts = page.get_by_label("Từ ngày")
    # A text field in the page's own date order, not the browser's mm/dd/yyyy picker.
    expect(starts).to_have_attribute("placeholder", "dd/mm/yyyy")
    starts.fill("12/05/2021")
    page.get_by_test_id("planning-run").click()
    expect(page.locator(".field-error")).to_contain_text(
        "Ngày phải nằm trong kịch bản, từ 01/12/2021 đến 31/01/2022"
    )
    expect(page.get_by_label("Từ ngày")).to_have_value("12/05/2021")


def test_a_receipt_prints_in_one_language(page: Page, site: Site) -> None:
    with site.write() as session:
        make_tariff(
            session,
            code="HT-TRUCK-10",
            vehicle_class="truck",
            min_payload_kg=10_000,
            description="Xe tải từ 10 tấn / truck of 10 t or more",
            amount_vnd=1_200_000,
        )
    receipt_id, _ = _crossed(site)
    log_in(page, "enterprise")
    page.goto(f"/fees/receipts/{receipt_id}")
    lines = page.get_by_test_id("receipt-lines")
    expect(lines.locator("tbody tr")).to_contain_text(["HT-TRUCK-10 · Xe tải từ 10 tấn"])
    expect(lines).not_to_contain_text("truck")
    expect(page.get_by_test_id("receipt-total")).to_have_text("1.200.000 ₫")

    page.goto(f"/fees/receipts/{receipt_id}?lang=en")
    expect(lines.locator("tbody tr")).to_contain_text(["HT-TRUCK-10 · Truck of 10 t or more"])
    expect(lines).not_to_contain_text("Xe tải")
    expect(page.get_by_test_id("receipt-total")).to_contain_text("1,200,000")


def test_the_audit_log_says_who_and_what_in_words_and_logs_a_login_once(
    page: Page, site: Site
) -> None:
    log_in(page, "admin")
    log_in_as(page, "admin")
    page.goto("/admin/audit")
    rows = page.get_by_test_id("audit").locator("tbody tr")
    logins = rows.filter(has_text="Đăng nhập")
    # One entry a login, by the one who logged in; nothing else a login changed.
    expect(logins).to_have_count(2)
    admin = site.users[Role.admin]
    expect(logins.first.get_by_test_id("actor")).to_have_text(admin.full_name or "")
    expect(logins.first).to_contain_text("Phiên / khóa truy cập #")
    expect(page.locator("tr[data-entity=user_account][data-action=update]")).to_have_count(0)
    text = page.get_by_test_id("audit").inner_text()
    for code in ("anonymous", "api_token", "user_account", "last_login_at"):
        assert code not in text
    # Times in the zone's words (dd/mm/yyyy hh:mm), never ISO 8601 in UTC.
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", text)
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", text)

    page.get_by_label("Thao tác", exact=True).select_option("login")
    page.get_by_role("button", name="Lọc").click()
    expect(rows).to_have_count(2)


def test_charts_write_numbers_as_the_pages_language_does(page: Page, site: Site) -> None:
    log_in(page, "board")
    for language, expected in (("vi", ",."), ("en", ".,")):
        page.goto(f"/board?lang={language}")
        chart = page.locator("[data-figure]").first
        expect(chart.locator(".main-svg").first).to_be_attached()
        assert chart.evaluate("el => el._fullLayout.separators") == expected
