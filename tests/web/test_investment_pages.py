"""The board's investment portfolio in a browser: who sees what, the demo report of
the seed article with its charts, imports, and registering and amending projects."""

import csv
import io
import re

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from cuakhau.investment.demo import load_demo_portfolio
from cuakhau.models import Zone
from cuakhau.models.investment import Amendment, InvestmentProject, Investor
from tests.factories import make_investor, valid_tax_code
from tests.web.conftest import Site, log_in, log_in_as, screenshot, status_of


def _count(site: Site, model: type) -> int:
    with site.write() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _row(page: Page, table: str, row: str, column: str):
    return page.locator(f'table[data-table="{table}"] tr[data-row="{row}"] td[data-col="{column}"]')


def _investor(site: Site) -> None:
    with site.write() as session:
        make_investor(session)


def test_staff_read_the_registry_and_only_the_board_edits_or_reports(page: Page, site: Site):
    page.goto("/investment")
    expect(page).to_have_url(f"{site.url}/login?next=%2Finvestment")

    log_in(page, "enterprise")
    assert status_of(page, "/investment") == 403

    log_in_as(page, "customs")
    page.goto("/investment")
    expect(page.get_by_role("heading", name="Danh mục dự án đầu tư")).to_be_visible()
    expect(page.get_by_role("link", name="Đăng ký dự án mới")).to_have_count(0)
    expect(page.get_by_role("navigation").get_by_role("link", name="Báo cáo đầu tư")).to_have_count(
        0
    )
    for url in ("/investment/reports", "/investment/projects/new", "/investment/import"):
        assert status_of(page, url) == 403, url

    log_in_as(page, "board")
    page.goto("/investment")
    expect(page.get_by_role("link", name="Đăng ký dự án mới")).to_be_visible()
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="Báo cáo đầu tư")).to_be_visible()


def test_the_demo_report_at_the_end_of_2021_shows_the_seed_article(page: Page, site: Site):
    with site.write() as session:
        load_demo_portfolio(session)
    log_in(page, "board")
    page.goto("/investment/reports")
    page.get_by_label("Tính đến ngày").fill("31/12/2021")
    page.get_by_role("button", name="Xem báo cáo").click()

    expect(page.get_by_test_id("report-as-of")).to_have_text("Số liệu đến ngày 31/12/2021")
    expect(_row(page, "ownership", "domestic", "projects")).to_have_text("122")
    expect(_row(page, "ownership", "domestic", "capital_vnd")).to_have_text("13.046,5 tỷ")
    expect(_row(page, "ownership", "fdi", "projects")).to_have_text("20")
    expect(_row(page, "ownership", "fdi", "capital_usd")).to_have_text("207.480.000,00")
    expect(_row(page, "sectors", "yard", "projects")).to_have_text("29")
    expect(_row(page, "sectors", "yard", "capital_vnd")).to_have_text("3.033,8 tỷ")
    expect(_row(page, "sectors", "trade_services", "projects")).to_have_text("48")
    expect(_row(page, "sectors", "trade_services", "capital_vnd")).to_have_text("3.126,4 tỷ")
    expect(page.locator('table[data-table="key_projects"] tbody tr')).to_have_count(3)

    # plotly.js, served by the app, drew every chart.
    charts = page.locator("[data-chart]")
    expect(charts).to_have_count(3)
    expect(page.locator('[data-chart][data-rendered="true"]')).to_have_count(3)
    expect(page.locator("#chart-ownership .main-svg").first).to_be_visible()
    expect(page.locator("#chart-sectors")).to_contain_text("Bến bãi")
    screenshot(page, "investment-report")

    pdf = page.request.get(page.get_by_role("link", name="PDF").get_attribute("href") or "")
    assert pdf.status == 200
    assert pdf.body().startswith(b"%PDF-")
    xlsx = page.request.get(page.get_by_role("link", name="XLSX").get_attribute("href") or "")
    assert xlsx.body()[:2] == b"PK"

    page.get_by_label("Báo cáo", exact=True).select_option("milestones")
    page.get_by_role("button", name="Xem báo cáo").click()
    days = page.locator('table[data-table="milestones"] td[data-col="days_late"]')
    first, second = (int(days.nth(i).inner_text().replace(".", "")) for i in range(2))
    assert first >= second > 0

    page.goto("/investment?sector=yard&status=valid&as_of=31/12/2021")
    expect(page.get_by_test_id("registry-count")).to_have_text(
        "29 dự án, tình trạng tính đến ngày 31/12/2021."
    )
    expect(page.get_by_label("Lĩnh vực")).to_have_value("yard")


def test_a_bad_file_shows_every_problem_and_imports_nothing(page: Page, site: Site):
    out = io.StringIO()
    csv.writer(out).writerows(
        [
            ["code", "name_vi", "country", "tax_code"],
            ["NDT-1", "Công ty Một", "VN", valid_tax_code(7003)],
            ["NDT-2", "", "VN", "0101234567"],
        ]
    )
    log_in(page, "board")
    page.goto("/investment/import")
    page.get_by_label("Tệp XLSX hoặc CSV").set_input_files(
        {"name": "nha-dau-tu.csv", "mimeType": "text/csv", "buffer": out.getvalue().encode()}
    )
    page.get_by_role("button", name="Kiểm tra và nhập").click()

    expect(page.get_by_test_id("import-error")).to_contain_text(
        "Tệp có 2 lỗi; không có dữ liệu nào được nhập."
    )
    problems = page.get_by_test_id("import-problems").locator("tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("name_vi")
    expect(problems.nth(0)).to_contain_text("Trường này là bắt buộc.")
    expect(problems.nth(1)).to_contain_text("0101234567")
    expect(problems.nth(1).locator("td").nth(1)).to_have_text("3")
    assert _count(site, Investor) == 0

    good = out.getvalue().replace(",,VN,0101234567", ",Công ty Hai,CN,")
    page.get_by_label("Tệp XLSX hoặc CSV").set_input_files(
        {"name": "nha-dau-tu.csv", "mimeType": "text/csv", "buffer": good.encode()}
    )
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    created = page.get_by_test_id("import-report").locator('tr[data-sheet="investors"] td').first
    expect(created).to_have_text("2")
    assert _count(site, Investor) == 2


def test_an_amendment_changes_reports_after_its_date_only(page: Page, site: Site):
    _investor(site)
    log_in(page, "board")
    page.goto("/investment/projects/new")
    page.get_by_label("Mã dự án").fill("BB-01")
    page.get_by_label("Tên tiếng Việt").fill("Bến bãi thử nghiệm")
    page.get_by_label("Lĩnh vực").select_option("yard")
    page.get_by_label("Khu chức năng").select_option("gate_area")
    page.get_by_label("Diện tích đất (ha)").fill("3,5")
    page.get_by_label("Số giấy chứng nhận đầu tư").fill("GCN-01")
    page.get_by_label("Ngày cấp giấy chứng nhận").fill("31/02/2020")
    page.get_by_label("Vốn đăng ký (VND)").fill("-5")
    page.get_by_label("Mã nhà đầu tư (cách nhau bởi ;)").fill("NDT-VN")
    page.get_by_role("button", name="Đăng ký dự án").click()

    expect(page.get_by_test_id("form-error")).to_contain_text("Chưa đăng ký được dự án.")
    expect(page.locator("#certificate_date-error")).to_have_text(
        "Không đọc được ngày (dd/mm/yyyy hoặc yyyy-mm-dd)."
    )
    expect(page.get_by_label("Ngày cấp giấy chứng nhận")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Mã dự án")).to_have_value("BB-01")
    expect(page.get_by_label("Lĩnh vực")).to_have_value("yard")
    expect(page.get_by_label("Vốn đăng ký (VND)")).to_have_value("-5")
    assert _count(site, InvestmentProject) == 0

    page.get_by_label("Ngày cấp giấy chứng nhận").fill("15/03/2020")
    page.get_by_label("Vốn đăng ký (VND)").fill("120.000.000.000")
    page.get_by_role("button", name="Đăng ký dự án").click()
    expect(page).to_have_url(re.compile(r"/investment/projects/\d+\?registered=1$"))
    expect(page.get_by_test_id("project-capital")).to_have_text("120.000.000.000")

    form = page.locator("form[action$='/amendments']")
    form.get_by_label("Loại điều chỉnh").select_option("capital_adjusted")
    form.get_by_label("Ngày hiệu lực").fill("01/07/2022")
    form.get_by_label("Vốn đăng ký (VND)").fill("150.000.000.000")
    form.get_by_label("Tình trạng").select_option("terminated")
    form.get_by_role("button", name="Ghi điều chỉnh").click()
    expect(page.locator("#status-error")).to_have_text(
        "Trường này không dùng cho loại điều chỉnh này."
    )
    expect(form.get_by_label("Vốn đăng ký (VND)")).to_have_value("150.000.000.000")
    assert _count(site, Amendment) == 1

    form.get_by_label("Tình trạng").select_option("")
    form.get_by_role("button", name="Ghi điều chỉnh").click()
    expect(page.get_by_test_id("project-notice")).to_have_text("Đã ghi điều chỉnh.")
    entries = page.get_by_test_id("amendments").locator("li")
    expect(entries).to_have_count(2)
    expect(entries.nth(1)).to_contain_text("01/07/2022 · Điều chỉnh vốn · 150.000.000.000 VND")

    page.goto("/investment/reports?report=summary&as_of=31/12/2021")
    expect(_row(page, "sectors", "yard", "capital_vnd")).to_have_text("120,0 tỷ")
    page.goto("/investment/reports?report=summary&as_of=31/12/2022")
    expect(_row(page, "sectors", "yard", "capital_vnd")).to_have_text("150,0 tỷ")
    page.goto("/investment/reports?report=change&since=31/12/2021&as_of=31/12/2022")
    expect(_row(page, "change", "total", "capital_vnd_change")).to_have_text("30,0 tỷ")

    page.goto("/investment/reports?report=summary&as_of=99/99/2021")
    expect(page.locator("#as_of-error")).to_be_visible()
    expect(page.get_by_label("Tính đến ngày")).to_have_value("99/99/2021")


def test_investors_read_the_public_summary_without_logging_in(page: Page, site: Site):
    with site.write() as session:
        load_demo_portfolio(session)
        session.add(
            Zone(
                code="thu",
                name_vi="Khu kinh tế cửa khẩu Thử",
                name_en="Test Border-Gate Economic Zone",
                province="Lạng Sơn",
                office_address="Số 1 đường Thử, phường Thử",
                phone="+842053000000",
                email="banquanly@example.vn",
                website="https://example.vn/kktck",
            )
        )
    page.goto("/invest")
    expect(page.get_by_role("heading", name="Đầu tư vào khu kinh tế cửa khẩu")).to_be_visible()
    figures = page.get_by_test_id("public-figures")
    expect(figures).to_contain_text("dự án đang còn hiệu lực")
    expect(page.get_by_test_id("public-planned").locator("tbody tr").first).to_be_visible()
    expect(page.get_by_test_id("public-contact")).to_contain_text("Ban Quản lý")
    details = page.get_by_test_id("public-contact-details")
    expect(details).to_contain_text("Số 1 đường Thử, phường Thử")
    expect(details.get_by_role("link", name="banquanly@example.vn")).to_have_attribute(
        "href", "mailto:banquanly@example.vn"
    )
    expect(details.get_by_role("link", name="+842053000000")).to_have_attribute(
        "href", "tel:+842053000000"
    )
