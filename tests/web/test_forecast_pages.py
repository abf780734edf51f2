"""The queue forecast in a browser: on the board's dashboard its hours with their
band, the first hour (and day) a warning colour is reached, the queue seen beside
the forecast a day before and the measured error; on the public wait page and
feed as "expected tomorrow"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from playwright.sync_api import Page, expect

from cuakhau.core.clock import ZONE_TZ, local_date
from cuakhau.crossings.rules import policy
from cuakhau.forecast.service import (
    Expected,
    ForecastPlan,
    claim_hour,
    finish_run,
    hours_ahead,
    measure_forecasts,
)
from cuakhau.models import Gate, QueueObservation
from cuakhau.models.enums import Direction
from cuakhau.simulation.snapshot import gate_key
from cuakhau.web import i18n
from tests.web.conftest import Site, log_in, screenshot

QUEUES = (5.0, 12.0, 25.0, 30.0)  # trucks waiting, day by day; orange at 20
# 11:30 on a Wednesday in Lạng Sơn, a year ahead of any real clock's today.
NOW = dt.datetime(2027, 12, 8, 11, 30, tzinfo=ZONE_TZ)


def _forecast(site: Site, now: dt.datetime, queues: tuple[float, ...]) -> None:
    """Each hour ahead of ``now`` gets its zone-time day's queue."""
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
                for index, q in enumerate(
                    queues[(period.day - local_date(now)).days] for period in hours_ahead(now, 72)
                )
            ],
            now=now,
        )


def _arrange(site: Site, clock_at: Callable[[dt.datetime], None]) -> list[dt.date]:
    """A forecast made yesterday, its 09:00 hour today measured (observed 9 against
    5), and today's."""
    now = NOW
    clock_at(now)
    with site.write() as session:
        rules = policy(session)
        rules.warning_yellow, rules.warning_orange, rules.warning_red = 10, 20, 50
    before = now - dt.timedelta(days=1)
    _forecast(site, before, (5.0, 5.0, 5.0, 5.0))
    with site.write() as session:
        session.add(
            QueueObservation(
                gate_id=site.gate.id,
                direction=Direction.export,
                at=now - dt.timedelta(hours=2),
                trucks_waiting=9,
            )
        )
        session.flush()
        assert measure_forecasts(session, now=now) == 24  # yesterday's first 24 hours
    _forecast(site, now, QUEUES)
    return [local_date(now) + dt.timedelta(days=offset) for offset in range(4)]


def test_the_board_sees_the_forecast_its_warning_and_its_error(
    page: Page, site: Site, clock_at: Callable[[dt.datetime], None]
):
    days = _arrange(site, clock_at)
    log_in(page, "board")
    page.goto("/board")
    alert = page.get_by_test_id("forecast-alert")
    expect(alert).to_contain_text(site.gate.name_vi)
    expect(alert).to_contain_text(f"đạt mức cam từ 00:00 ngày kia ({i18n.format_date(days[2])})")
    row = page.get_by_test_id("board-forecast").locator(
        f'tr[data-gate="{site.gate.code}"][data-direction="export"]'
    )
    expect(row.get_by_test_id("expected-queue")).to_have_text(
        ["5 (3–7)", "12 (10–14)", "25 (23–27)", "30 (28–32)"]
    )
    # Orange from the first hour of the day after tomorrow.
    expect(row.get_by_test_id("forecast-warning")).to_have_text(
        f"Cam từ 00:00 ngày kia ({i18n.format_date(days[2])})"
    )
    # Observed 9 against 5 forecast, outside its interval 3–7.
    expect(row.get_by_test_id("forecast-error")).to_have_text("±4 xe; 0% trong khoảng")
    # Drawn by plotly: the band, the expected queue hour by hour, the queue seen
    # yesterday's forecast is measured by, the three thresholds.
    chart = page.locator('section[aria-labelledby="board-forecast-heading"] .board-chart')
    expect(chart.locator(".main-svg").first).to_be_visible()
    expect(chart.locator(".scatterlayer .trace")).to_have_count(6)
    expect(chart.locator(".scatterlayer .trace").nth(1).locator("path.js-line")).to_have_count(1)
    expect(chart.locator(".scatterlayer .trace").nth(2).locator(".point")).to_have_count(1)
    figure = page.evaluate(
        "document.querySelector('section[aria-labelledby=board-forecast-heading] "
        ".js-plotly-plot').data.map(t => [t.x.length, t.name, t.text])"
    )
    assert figure[1][0] == 72  # an hourly point for each of the 72 hours
    assert figure[2] == [
        1,
        f"{site.gate.code} · Xuất khẩu (VN → TQ): đã thấy",
        ["dự báo một ngày trước: 5,0 (sai số +4,0)"],
    ]
    screenshot(page, "board-forecast")

    page.goto("/board?lang=en")
    expect(page.get_by_test_id("forecast-alert")).to_contain_text(
        f"forecast to reach orange from 00:00 the day after tomorrow ({i18n.format_date(days[2])})"
    )
    expect(row.get_by_test_id("forecast-warning")).to_have_text(
        f"Orange from 00:00 the day after tomorrow ({i18n.format_date(days[2])})"
    )


def test_the_public_sees_tomorrow_expected_on_the_page_and_the_feed(
    page: Page, site: Site, clock_at: Callable[[dt.datetime], None]
):
    _arrange(site, clock_at)
    page.goto("/wait-times")
    row = page.locator(f'tr[data-gate="{site.gate.code}"][data-direction="export"]')
    tomorrow = row.get_by_test_id("expected-tomorrow")
    expect(tomorrow).to_contain_text("Vàng")
    expect(tomorrow).to_contain_text(
        "12 xe chờ (10–14), chờ trung bình 3,0 giờ, cao nhất 12 xe lúc 00:00"
    )
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
    assert expected["day"] == (local_date(NOW) + dt.timedelta(days=1)).isoformat()
    assert dt.datetime.fromisoformat(expected["peak_at"]) == dt.datetime(
        2027, 12, 9, tzinfo=ZONE_TZ
    )

    page.goto("/wait-times?lang=en")
    expect(tomorrow).to_contain_text("12 trucks waiting (10–14), mean wait 3.0 h")
