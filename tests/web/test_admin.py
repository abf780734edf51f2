"""The admin's pages in a browser: accounts and roles, reference data, the audit log."""

import re

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from cuakhau.models import User
from tests.web.conftest import Site, log_in, log_in_as, screenshot, status_of

NEW_PASSWORD = "mat-khau-moi-456"


def _signed_in_as(browser: Browser, site: Site, username: str, password: str) -> Page:
    """A second browser, for the account the admin manages."""
    other = browser.new_context(base_url=site.url, locale="vi-VN").new_page()
    log_in(other, username, password)
    return other


def test_only_admins_get_the_admin_pages(page: Page, site: Site):
    page.goto("/admin/users")
    expect(page).to_have_url(f"{site.url}/login?next=%2Fadmin%2Fusers")
    for role in ("board", "gate_officer", "customs", "enterprise"):
        log_in_as(page, role)
        expect(page.get_by_role("navigation").get_by_role("link", name="Quản trị")).to_have_count(0)
        for url in ("/admin", "/admin/users", "/admin/audit", "/admin/reference"):
            assert status_of(page, url) == 403, (role, url)

    log_in_as(page, "admin")
    page.get_by_role("navigation").get_by_role("link", name="Quản trị").click()
    expect(page).to_have_url(f"{site.url}/admin/users")
    page.get_by_role("link", name="Dữ liệu danh mục").click()
    gate = page.get_by_test_id("gates").locator(f'tr[data-gate="{site.gate.code}"]')
    expect(gate).to_contain_text("Hữu Nghị")
    enterprise = page.get_by_test_id("enterprises").locator(
        f'tr[data-enterprise="{site.enterprise.tax_code}"]'
    )
    enterprise.get_by_role("link", name="Lịch sử thay đổi").click()
    expect(page).to_have_url(re.compile(r"/admin/audit\?entity=enterprise&entity_id=\d+$"))
    expect(page.get_by_test_id("audit").locator("tbody tr").first).to_contain_text("Tạo mới")


def test_an_admin_creates_a_user_who_logs_in_and_disables_it(
    page: Page, site: Site, browser: Browser
):
    log_in(page, "admin")
    page.goto("/admin/users")
    form = page.locator("form[method='post'][action='/admin/users']")
    form.get_by_label("Tên đăng nhập").fill("kiem.tra")
    form.get_by_label("Họ và tên").fill("Nguyễn Văn Kiểm")
    form.get_by_label("Vai trò", exact=True).select_option("enterprise")
    form.get_by_label("Mật khẩu").fill("ngan")
    form.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("Chưa tạo được tài khoản.")
    expect(page.locator("#password-error")).to_have_text("Mật khẩu phải có ít nhất 10 ký tự.")
    expect(form.get_by_label("Tên đăng nhập")).to_have_value("kiem.tra")
    expect(form.get_by_label("Vai trò", exact=True)).to_have_value("enterprise")

    form.get_by_label("Mật khẩu").fill("mat-khau-kiem-tra-1")
    form.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.locator("#enterprise_id-error")).to_be_visible()
    form.get_by_label("Vai trò", exact=True).select_option("customs")
    form.get_by_label("Mật khẩu").fill("mat-khau-kiem-tra-1")
    form.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.get_by_test_id("admin-notice")).to_have_text("Đã tạo tài khoản kiem.tra.")
    row = page.get_by_test_id("users").locator('tr[data-user="kiem.tra"]')
    expect(row).to_contain_text("Hải quan")

    other = _signed_in_as(browser, site, "kiem.tra", "mat-khau-kiem-tra-1")
    expect(other.get_by_test_id("signed-in")).to_contain_text("Nguyễn Văn Kiểm")

    row.get_by_role("link", name="kiem.tra").click()
    page.get_by_role("button", name="Khóa tài khoản").click()
    expect(page.get_by_test_id("admin-notice")).to_have_text("Đã khóa tài khoản.")
    expect(page.get_by_test_id("active")).to_have_text("Đã khóa")

    # The open session ends with the account, and a new login is refused.
    other.goto("/wait-times")
    expect(other.get_by_test_id("signed-in")).to_have_count(0)
    log_in(other, "kiem.tra", "mat-khau-kiem-tra-1")
    expect(other.get_by_role("alert")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")

    page.get_by_role("link", name="Các thay đổi của tài khoản này").click()
    with site.write() as session:
        user_id = session.scalar(select(User.id).where(User.username == "kiem.tra"))
    entries = page.get_by_test_id("audit").locator("tbody tr")
    disabled = entries.filter(has_text="Có → Không")
    expect(disabled).to_have_count(1)
    expect(disabled).to_contain_text("is_active")
    expect(disabled).to_contain_text("admin")
    expect(disabled).to_contain_text(f"Tài khoản #{user_id}")
    expect(entries.filter(has_text="Tạo mới")).to_have_count(1)
    screenshot(page, "admin-audit")

    page.goto(f"/admin/users/{user_id}")
    page.get_by_role("button", name="Mở khóa tài khoản").click()
    page.get_by_label("Mật khẩu mới").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Đặt lại mật khẩu").click()
    expect(page.get_by_test_id("admin-notice")).to_have_text("Đã đặt lại mật khẩu.")
    log_in(other, "kiem.tra", NEW_PASSWORD)
    expect(other.get_by_test_id("signed-in")).to_contain_text("Nguyễn Văn Kiểm")
    other.context.close()


def test_an_admin_cannot_lock_themselves_out_and_filters_the_log(page: Page, site: Site):
    log_in(page, "admin")
    page.goto("/admin/users")
    page.get_by_test_id("users").get_by_role("link", name="admin", exact=True).click()
    page.get_by_role("button", name="Khóa tài khoản").click()
    expect(page.get_by_role("alert")).to_contain_text("Không thể tự khóa tài khoản của chính mình.")
    expect(page.get_by_test_id("active")).to_have_text("Đang hoạt động")

    page.goto("/admin/audit")
    page.get_by_label("Từ ngày").fill("32/13/2024")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("#since-error")).to_have_text("Ngày phải có dạng dd/mm/yyyy.")
    expect(page.get_by_label("Từ ngày")).to_have_value("32/13/2024")

    page.get_by_label("Từ ngày").fill("")
    page.get_by_label("Đối tượng", exact=True).select_option("gate")
    page.get_by_role("button", name="Lọc").click()
    rows = page.get_by_test_id("audit").locator("tbody tr")
    expect(rows.first).to_be_visible()
    for entity in rows.evaluate_all("rows => rows.map(r => r.dataset.entity)"):
        assert entity == "gate"
