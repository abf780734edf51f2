"""The queue forecast in a browser: on the board's dashboard with its band, the
day a warning colour is reached and the measured error; on the public wait page
and feed as "expected tomorrow"."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from cuakhau.core.clock import utcnow
from cuakhau.crossings.rules import policy
from cuakhau.forecast.service import (
    Expected,
    ForecastPlan,
    claim_hour,
    finish_run,
    measure_forecasts,
    periods,
)
from cuakhau.models import Gate, QueueObservation
from cuakhau.models.enums import Direction
from cuakhau.simulation.snapshot import gate_key
from cuakhau.web import i18n
from tests.web.conftest import Site, log_in, screenshot

QUEUES = (5.0, 12.0, 25.0, 30.0)  # trucks waiting, day by day; orange at 20


def _forecast(site: Site, now: dt.datetime, queues: tuple[float, ...]) -> None:
    run_id = claim_hour(site.factory, now=now, plan=ForecastPlan(replications=2))
    assert run_id is not None
    with site.write() as session:
        gate = session.get_one(Gate, site.gate.id)
        finish_run(
            session,
            run_id,
            {gate_key(gate): gate.id},
            [
                Expected(
                    gate_key(gate), Direction.export, index, (q, q - 2, q + 2), (3.0, 2.0, 4.0)
                )
                for index, q in enumerate(queues)
            ],
            now=now,
        )


def _arrange(site: Site) -> list[dt.date]:
    """A forecast made four days ago, measured (observed 9 against 5), and today's."""
    now = utcnow()
    with site.write() as session:
        rules = policy(session)
        rules.warning_yellow, rules.warning_orange, rules.warning_red = 10, 20, 50
    before = now - dt.timedelta(days=4)
    _forecast(site, before, (5.0,))
    with site.write() as session:
        session.add(
            QueueObservation(
                gate_id=site.gate.id,
                direction=Direction.export,
                at=before + dt.timedelta(minutes=1),
                trucks_waiting=9,
            )
        )
        session.flush()
        assert measure_forecasts(session, now=now) == 1
    _forecast(site, now, QUEUES)
    return [period.day for period in periods(now, 72)]


def test_the_board_sees_the_forecast_its_warning_and_its_error(page: Page, site: Site):
    days = _arrange(site)
    log_in(page, "board")
    page.goto("/board")
    alert = page.get_by_test_id("forecast-alert")
    expect(alert).to_contain_text(site.gate.name_vi)
    expect(alert).to_contain_text(f"đạt mức cam ngày {i18n.format_date(days[2])}")
    row = page.get_by_test_id("board-forecast").locator(
        f'tr[data-gate="{site.gate.code}"][data-direction="export"]'
    )
    expect(row.get_by_test_id("expected-queue")).to_have_text(
        ["5 (3–7)", "12 (10–14)", "25 (23–27)", "30 (28–32)"]
    )
    expect(row.get_by_test_id("forecast-warning")).to_have_text(
        f"Cam từ {i18n.format_date(days[2])}"
    )
    # Observed 9 against 5 forecast, outside its interval 3–7.
    expect(row.get_by_test_id("forecast-error")).to_have_text("±4 xe; 0% trong khoảng")
    # Drawn by plotly: the band, the expected queue, the three thresholds.
    chart = page.locator('section[aria-labelledby="board-forecast-heading"] .board-chart')
    expect(chart.locator(".main-svg").first).to_be_visible()
    expect(chart.locator(".scatterlayer .trace")).to_have_count(5)
    screenshot(page, "board-forecast")

    page.goto("/board?lang=en")
    expect(page.get_by_test_id("forecast-alert")).to_contain_text("forecast to reach orange")
    expect(row.get_by_test_id("forecast-warning")).to_have_text(
        f"Orange from {i18n.format_date(days[2])}"
    )


def test_the_public_sees_tomorrow_expected_on_the_page_and_the_feed(page: Page, site: Site):
    _arrange(site)
    page.goto("/wait-times")
    row = page.locator(f'tr[data-gate="{site.gate.code}"][data-direction="export"]')
    tomorrow = row.get_by_test_id("expected-tomorrow")
    expect(tomorrow).to_contain_text("Vàng")
    expect(tomorrow).to_contain_text("12 xe chờ (10–14), chờ trung bình 3,0 giờ")
    expect(tomorrow).to_contain_text("sai số dự báo ±4 xe")
    imports = page.locator(f'tr[data-gate="{site.gate.code}"][data-direction="import"]')
    expect(imports.get_by_test_id("expected-tomorrow")).to_have_text("chưa có dự báo")
    screenshot(page, "public-wait-times-forecast")

    feed = page.request.get("/api/v1/public/wait-times")
    assert feed.ok
    export = next(
        gate
        for gate in feed.json()
        if gate["gate_code"] == site.gate.code and gate["direction"] == "export"
    )
    expected = export["expected_tomorrow"]
    assert (expected["queue_mean"], expected["queue_low"], expected["queue_high"]) == (12, 10, 14)
    assert expected["warning"] == "yellow"
    assert expected["error_p90_trucks"] == 4

    page.goto("/wait-times?lang=en")
    expect(tomorrow).to_contain_text("12 trucks waiting (10–14), mean wait 3.0 h")
