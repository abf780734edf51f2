"""The statistics' pages in a browser: the board clicks from a total to its
breakdown and on into a gate's commodities, and downloads a report; an
enterprise sees its own months; the public sees last month's gate figures,
those one or two enterprises make kept back."""

from datetime import UTC, date, datetime
from pathlib import Path

from playwright.sync_api import Page, expect

from cuakhau.models.enums import Direction, FeeKind, Regime, VehicleClass
from cuakhau.statistics.history import FeeFigure, Figure, import_figures
from cuakhau.statistics.periods import PeriodKind, period_of
from tests.factories import make_enterprise, make_tariff
from tests.statistics.trips import DURIAN, WOOD, at, crossed, two_way_gate
from tests.web.conftest import Site, log_in, log_in_as, status_of

FRUIT = [{**DURIAN, "weight_kg": 20_000, "value_usd": "30000.00", "perishable": True}]


def _december(site: Site) -> None:
    """Fruit and furniture at the site's gate and another, in December 2026 and 2025."""
    with site.write() as session:
        make_tariff(session, amount_vnd=300_000)
        other = two_way_gate(session)
        rival = make_enterprise(session, roles=["exporter"])
        ours = session.merge(site.enterprise)
        gate = session.merge(site.gate)
        crossed(
            session, gate, ours, at("2026-12-02"), cargo=[*FRUIT, {**WOOD, "value_usd": "1000.50"}]
        )
        crossed(session, gate, rival, at("2026-12-03"), cargo=FRUIT)
        crossed(session, other, rival, at("2026-12-04"), cargo=[{**WOOD, "value_usd": "200.00"}])
        crossed(session, gate, ours, at("2025-12-10"), cargo=FRUIT)


NOW = datetime(2026, 12, 10, 3, tzinfo=UTC)


def test_synthetic_figures_say_so_wherever_they_show(page: Page, site: Site, clock_at):
    """The demo's made-up history is marked on the board's page, in its files
    and on the public page; figures cuakhau measured say only that."""
    clock_at(NOW)
    with site.write() as session:
        november = period_of(PeriodKind.month, date(2026, 11, 1))
        figure = Figure(1, november, site.gate.id, Direction.export, Regime.export, "081090",
                        1_000_000, 20_000, 10)  # fmt: skip
        import_figures(
            session,
            file_name="demo",
            figures=[figure],
            imported_at=NOW,
            user=None,
            synthetic=True,
        )
    log_in(page, "board")
    page.goto("/board/statistics?period=month&at=2026-11-01&lang=en")
    expect(page.get_by_test_id("stats-source")).to_contain_text("SYNTHETIC figures")
    with page.expect_download() as caught:
        page.get_by_test_id("download-trade-csv").click()
    assert "SYNTHETIC figures" in Path(caught.value.path()).read_text(encoding="utf-8-sig")
    page.goto("/board/statistics?period=month&at=2026-12-01&lang=en")
    expect(page.get_by_test_id("stats-source")).to_have_text(
        "Source: measured by cuakhau from the crossings and the fee receipts"
    )
    page.goto("/figures?lang=en")
    expect(page.get_by_test_id("stats-source")).to_contain_text("SYNTHETIC figures")


def test_imported_fee_revenue_shows_on_the_board_s_page_and_says_so(
    page: Page, site: Site, clock_at
):
    """The finance office's figures of a month before cuakhau: the page's fee
    total and the source line say them."""
    clock_at(NOW)
    with site.write() as session:
        november = period_of(PeriodKind.month, date(2026, 11, 1))
        figure = FeeFigure(2, november, site.gate.id, VehicleClass.truck, FeeKind.infrastructure,
                           45_000_000, 150)  # fmt: skip
        import_figures(session, file_name="fees.csv", figures=[figure], imported_at=NOW, user=None)
    log_in(page, "board")
    page.goto("/board/statistics?period=month&at=2026-11-01&lang=en")
    expect(page.get_by_test_id("total-amount_vnd")).to_have_text("45,000,000")
    expect(page.get_by_test_id("stats-source")).to_contain_text("finance office")


def test_the_board_clicks_from_a_total_to_a_gate_to_its_commodities(
    page: Page, site: Site, clock_at
):
    clock_at(NOW)
    _december(site)
    log_in(page, "board")
    page.goto("/board/statistics?period=month&at=2026-12-10")
    expect(page.get_by_test_id("stats-period")).to_contain_text("01/12/2026 – 31/12/2026")
    expect(page.get_by_test_id("total-value_usd")).to_have_text("61.200,50")
    expect(page.get_by_test_id("total-amount_vnd")).to_have_text("900.000")
    # Every chart was drawn by the vendored plotly.
    expect(page.locator("[data-figure] .main-svg").first).to_be_visible()

    page.get_by_test_id("by-hs_chapter").click()
    expect(page.locator("#stats-breakdown-heading")).to_have_text("Theo chương hs")
    page.get_by_test_id("total-value_usd").click()
    breakdown = page.get_by_test_id("stats-breakdown")
    expect(breakdown.locator("tbody tr")).to_have_count(2)
    expect(breakdown.locator(f'tr[data-group="{site.gate.id}"] [data-testid=value]')).to_have_text(
        "61.000,50"
    )

    breakdown.get_by_role("link", name="Hữu Nghị").click()
    expect(page.get_by_test_id("stats-filters")).to_contain_text("Cửa khẩu = Hữu Nghị")
    chapters = page.get_by_test_id("stats-breakdown")
    expect(chapters.locator('tr[data-group="08"] [data-testid=value]')).to_have_text("60.000,00")
    expect(chapters.locator('tr[data-group="08"] th')).to_contain_text("Quả và quả hạch")

    chapters.locator('tr[data-group="08"] a').click()
    headings = page.get_by_test_id("stats-breakdown")
    expect(headings.locator('tr[data-group="0810"] th')).to_have_text("0810 Quả khác, tươi")


def test_the_board_downloads_the_breakdown_as_a_spreadsheet(page: Page, site: Site, clock_at):
    clock_at(NOW)
    _december(site)
    log_in(page, "board")
    page.goto("/board/statistics?period=month&at=2026-12-10&lang=en")
    with page.expect_download() as caught:
        page.get_by_test_id("download-trade-csv").click()
    download = caught.value
    assert download.suggested_filename == "trade-2026-12-01-2026-12-31.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert "Period: 2026-12-01 – 2026-12-31 (31 days)" in text
    assert "Compared with the same period a year before: 2025-12-01 – 2025-12-31" in text
    assert "Huu Nghi,61000.50" in text
    with page.expect_download() as weekly:
        page.get_by_test_id("download-weekly").click()
    assert weekly.value.suggested_filename == "weekly-2026-11-30.pdf"


def test_the_public_sees_last_month_by_gate_with_one_enterprise_s_figure_kept_back(
    page: Page, site: Site, clock_at
):
    clock_at(NOW)
    with site.write() as session:
        gate = session.merge(site.gate)
        other = two_way_gate(session)
        firms = [make_enterprise(session, roles=["exporter"]) for _ in range(3)]
        for firm in firms:
            crossed(session, gate, firm, at("2026-11-05"), cargo=[{**WOOD, "value_usd": "100.00"}])
        other_id = other.id
    page.goto("/figures?lang=en")
    expect(page.locator("main p.muted").first).to_contain_text("01/11/2026 – 30/11/2026")
    month = page.get_by_test_id("stats-month")
    ours = month.locator(f'tr[data-gate="{site.gate.id}"]')
    expect(ours.get_by_test_id("vehicles")).to_have_text("3")
    expect(ours.get_by_test_id("value")).to_have_text("300.00")
    expect(page.get_by_test_id("stats-month-total").get_by_test_id("vehicles")).to_have_text("3")
    expect(page.get_by_test_id("suppressed")).to_have_count(0)

    # One enterprise alone at the other gate: that figure would be its own trade.
    with site.write() as session:
        crossed(
            session,
            session.merge(other),
            session.merge(firms[0]),
            at("2026-11-06"),
            cargo=[{**WOOD, "value_usd": "50.00"}],
        )
    page.reload()
    alone = page.get_by_test_id("stats-month").locator(f'tr[data-gate="{other_id}"]')
    expect(alone.get_by_test_id("vehicles")).to_have_text("kept back")
    expect(alone.get_by_test_id("value")).to_have_text("kept back")
    expect(page.get_by_test_id("disclosure")).to_contain_text("fewer than 3 enterprises")


def test_an_enterprise_sees_its_own_months_and_the_board_page_refuses_bad_input(
    page: Page, site: Site, clock_at
):
    clock_at(NOW)
    _december(site)
    assert status_of(page, "/board/statistics") == 200  # the login page, for the public
    expect(page).to_have_url(f"{site.url}/login?next=%2Fboard%2Fstatistics")

    log_in(page, "board")
    for bad in ("period=range&at=2026-12-01", "gate_id=abc", "hs=081", "by=enterprise"):
        assert status_of(page, f"/board/statistics?{bad}") == 422, bad
    expect(page.locator("main")).to_contain_text("Dữ liệu gửi lên có 1 lỗi")

    log_in_as(page, "enterprise")
    assert status_of(page, "/board/statistics") == 403
    page.goto("/figures/mine?year=2026")
    december = page.locator('tr[data-month="2026-12"]')
    expect(december.get_by_test_id("value")).to_have_text("31.000,50")
    expect(december.get_by_test_id("vehicles")).to_have_text("1")
    expect(december.get_by_test_id("fees")).to_have_text("300.000")
    expect(page.get_by_test_id("zone-total")).to_contain_text("61.200,50")
