"""The board's transshipment figures in a browser: from the statistics page to
the trucks by handover mode against a year before, drawn and tabled, the
trailers and the transloads, in Vietnamese and English, and the file."""

from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import Page, expect

from cuakhau.models.enums import HandoverMode, TrailerWait
from tests.factories import make_enterprise, make_yard
from tests.statistics.hub import cold_and_ordinary_bay, finished_transload, stay
from tests.statistics.trips import DURIAN, WOOD, at, crossed
from tests.web.conftest import Site, log_in

FRUIT = [{**DURIAN, "weight_kg": 20_000, "value_usd": "30000.00", "perishable": True}]
NOW = datetime(2026, 12, 20, 3, tzinfo=UTC)


def _hub(site: Site) -> int:
    """December 2026 at the site's gate: a truck of each mode, one trailer swap a
    year before, two trailers handed back, a cold and an ordinary transload."""
    with site.write() as session:
        gate = session.merge(site.gate)
        gate.offers_trailer_swap = gate.offers_transload = True
        ours = session.merge(site.enterprise)
        crossed(session, gate, ours, at("2026-12-02"), cargo=FRUIT)
        swap = crossed(
            session, gate, ours, at("2026-12-03"), cargo=FRUIT, mode=HandoverMode.trailer_swap
        )
        crossed(
            session,
            gate,
            ours,
            at("2026-12-04"),
            cargo=[{**WOOD, "value_usd": "500.00"}],
            mode=HandoverMode.transload,
        )
        crossed(session, gate, ours, at("2025-12-04"), cargo=FRUIT, mode=HandoverMode.trailer_swap)
        operator = make_enterprise(session, roles=["yard_operator"])
        yard = make_yard(session, gate, operator, name_vi="Bãi trung chuyển Tân Thanh")
        stay(session, yard, swap.id, TrailerWait.hand_back, "2026-12-05T00:00", 30)
        stay(session, yard, swap.id, TrailerWait.hand_back, "2026-12-08T00:00", 10)
        cold, ordinary = cold_and_ordinary_bay(session, yard)
        finished_transload(session, cold, "2026-12-02T03:00", 18_000)
        finished_transload(session, ordinary, "2026-12-03T03:00", 6_000, held=True)
        return yard.id


def test_the_board_reads_the_transshipment_figures(page: Page, site: Site, clock_at):
    clock_at(NOW)
    yard_id = _hub(site)
    log_in(page, "board")
    page.goto("/board/statistics?period=month&at=2026-12-10")
    page.get_by_test_id("transshipment-link").click()
    expect(page.locator("h1")).to_have_text("Số liệu trung chuyển hàng hóa")
    page.goto("/board/transshipment?period=month&at=2026-12-10")
    expect(page.get_by_test_id("transshipment-period")).to_contain_text("01/12/2026 – 31/12/2026")
    modes = page.get_by_test_id("transshipment-by-mode")
    swap = modes.locator('tr[data-mode="trailer_swap"]')
    expect(swap.locator("th")).to_have_text("Đổi đầu kéo")
    expect(swap.get_by_test_id("vehicles")).to_have_text("1")
    expect(swap.get_by_test_id("tonnes")).to_have_text("20,0")
    expect(modes.get_by_test_id("total-vehicles")).to_have_text("3")
    # Drawn by the vendored plotly, beside the table.
    expect(page.locator("[data-figure] .main-svg").first).to_be_visible()
    expect(page.get_by_test_id("handed-back")).to_have_text("2")
    expect(page.get_by_test_id("overdue")).to_have_text("1")
    expect(page.get_by_test_id("mean-hours")).to_have_text("20,0")
    yards = page.get_by_test_id("transshipment-yards")
    expect(yards.locator(f'tr[data-yard="{yard_id}"] th')).to_have_text(
        "Bãi trung chuyển Tân Thanh"
    )
    expect(yards.get_by_test_id("total-tonnes")).to_have_text("24,0")
    expect(yards.get_by_test_id("total-holds")).to_have_text("1")

    page.goto("/board/transshipment?period=month&at=2026-12-10&lang=en")
    expect(page.locator("h1")).to_have_text("Transshipment figures")
    expect(page.get_by_test_id("transshipment-source")).to_have_text(
        "Source: measured by cuakhau from the crossings and the fee receipts"
    )
    expect(modes.locator('tr[data-mode="transload"] th')).to_have_text("Transload")
    with page.expect_download() as caught:
        page.get_by_test_id("download-csv").click()
    text = Path(caught.value.path()).read_text(encoding="utf-8-sig")
    assert "Compared with the same period a year before: 2025-12-01 – 2025-12-31" in text
    assert "Huu Nghi,Trailer swap" in text or "Trailer swap,Huu Nghi" in text
