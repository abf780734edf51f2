"""The planning page in a browser: the board runs a small what-if, sees charts drawn by
the app's own plotly.js, is refused a big run with the command to use, and starts
from today's database; other roles cannot open it."""

import json
import re

import pytest
import yaml
from playwright.sync_api import Page, Request, expect

from cuakhau.core.clock import utcnow
from cuakhau.crossings.booking import arrive
from cuakhau.models import Gate
from cuakhau.simulation import parse_scenario
from cuakhau.simulation.snapshot import gate_key
from cuakhau.web.vendor import PLOTLY_URL
from tests.factories import make_booking
from tests.web.conftest import Site, log_in, screenshot


def _same_origin_only(page: Page, site: Site) -> list[str]:
    """Every URL the page asks for, to check nothing comes from outside the app."""
    asked: list[str] = []

    def note(request: Request) -> None:
        asked.append(request.url)

    page.on("request", note)
    return asked


def test_the_board_halves_a_gate_and_sees_the_queue_grow(page: Page, site: Site):
    asked = _same_origin_only(page, site)
    log_in(page, "board")
    page.get_by_role("link", name="Lập kế hoạch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lập kế hoạch: chạy thử kịch bản")
    page.get_by_label("Kịch bản", exact=True).select_option("langson-2021-12")
    page.get_by_label("Số ngày").fill("20")
    page.get_by_label("Số lần lặp (1–10)").fill("2")
    page.get_by_label("Cửa khẩu", exact=True).select_option("huu_nghi")
    page.get_by_label("Nhân năng lực với").fill("0,5")
    page.get_by_label("Từ ngày").fill("2021-12-05")
    page.get_by_label("Tiếp nhận xe").select_option("walk_in")
    page.get_by_test_id("planning-run").click()

    results = page.get_by_test_id("planning-results")
    expect(results).to_be_visible()
    expect(results.get_by_role("heading", level=2)).to_have_text(
        "Kết quả: Ùn tắc tháng 12/2021 – 01/2022"
    )
    summary = page.get_by_test_id("planning-summary")
    expect(summary.locator("thead th")).to_have_text(
        ["Chỉ số (cả giai đoạn)", "Không thay đổi", "Nếu thay đổi"]
    )
    peak = summary.locator("tr[data-metric=peak_trucks_waiting] td")
    unchanged, halved = (_number(text) for text in peak.all_inner_texts())
    assert halved > unchanged > 0  # half the capacity at Hữu Nghị: a longer queue there
    # Five charts, each drawn by plotly.js into an SVG.
    charts = page.get_by_test_id("planning-chart")
    expect(charts).to_have_count(5)
    expect(charts.first.locator("svg.main-svg").first).to_be_attached()
    figure = json.loads(charts.first.get_attribute("data-figure") or "{}")
    assert [trace.get("name") for trace in figure["data"] if "name" in trace] == [
        "Không thay đổi",
        "Nếu thay đổi",
    ]
    # The form keeps what was typed.
    expect(page.get_by_label("Nhân năng lực với")).to_have_value("0,5")
    assert any(url.endswith(PLOTLY_URL) for url in asked)
    assert all(url.startswith(site.url) for url in asked), asked
    screenshot(page, "planning")


def _number(text: str) -> float:
    """'1.234,5 ± 6,7' -> 1234.5"""
    return float(text.split("±")[0].strip().replace(".", "").replace(",", "."))


def test_a_big_run_is_refused_with_the_command_to_use(page: Page, site: Site):
    log_in(page, "board")
    page.goto("/planning")
    page.get_by_label("Kịch bản", exact=True).select_option("langson-baseline")
    page.get_by_label("Số lần lặp (1–10)").fill("10")
    page.get_by_test_id("planning-run").click()
    error = page.get_by_test_id("form-error")
    expect(error).to_contain_text("Lượt chạy quá lớn cho trang web")
    expect(error).to_contain_text("cuakhau simulate langson-baseline -n 10")
    expect(page.get_by_test_id("planning-results")).to_have_count(0)


@pytest.mark.parametrize(
    ("label", "value", "message"),
    [
        ("Nhân năng lực với", "nhiều", "Phải là số từ 0 đến 10"),
        ("Số lần lặp (1–10)", "50", "Phải là số nguyên từ 1 đến 10"),
        ("Từ ngày", "2030-01-01", "Ngày phải nằm trong kịch bản, từ 01/12/2021 đến 31/01/2022"),
    ],
)
def test_bad_knobs_are_refused_beside_the_field(
    page: Page, site: Site, label: str, value: str, message: str
):
    log_in(page, "board")
    page.goto("/planning")
    page.get_by_label(label).fill(value)
    with page.expect_response(re.compile(r"/planning$")) as answer:
        page.get_by_test_id("planning-run").click()
    assert answer.value.status == 422
    expect(page.locator(".field-error")).to_contain_text(message)
    expect(page.get_by_label(label)).to_have_value(value)


def test_today_runs_from_the_database_and_downloads_as_yaml(page: Page, site: Site):
    with site.write() as session:
        for _ in range(3):
            crossing = make_booking(session, site.enterprise, site.gate, now=utcnow())
        arrive(session, crossing, utcnow())
    log_in(page, "admin")
    page.goto("/planning?lang=en")
    page.get_by_label("Scenario", exact=True).select_option("today")
    page.get_by_label("Days").fill("2")
    page.get_by_label("Replications (1–10)").fill("2")
    page.get_by_test_id("planning-run").click()
    expect(page.get_by_test_id("planning-results")).to_be_visible()
    crossed = page.get_by_test_id("planning-summary").locator("tr[data-metric=crossed] td")
    assert all(_english_number(text) >= 3 for text in crossed.all_inner_texts())

    download = page.request.get("/planning/today.yaml?days=3")
    assert download.status == 200
    scenario = parse_scenario(yaml.safe_load(download.text()))
    assert scenario.days == 3
    assert sum(trucks.count for trucks in scenario.initial.trucks) == 1
    assert sum(booked.count for booked in scenario.bookings) == 2


def test_a_scenario_that_cannot_run_is_refused_in_the_pages_language(page: Page, site: Site):
    # An export truck is in the zone, but the gate has since stopped handling exports:
    # today's scenario has a truck it cannot send anywhere.
    with site.write() as session:
        crossing = make_booking(session, site.enterprise, site.gate, now=utcnow())
        arrive(session, crossing, utcnow())
        gate = session.get(Gate, site.gate.id)
        assert gate is not None
        gate.handles_export = False
    log_in(page, "board")
    page.goto("/planning")
    page.get_by_label("Kịch bản", exact=True).select_option("today")
    with page.expect_response(re.compile(r"/planning$")) as answer:
        page.get_by_test_id("planning-run").click()
    assert answer.value.status == 422
    error = page.get_by_test_id("form-error")
    expect(error).to_contain_text("Kịch bản không hợp lệ: today: kịch bản có 1 lỗi:")
    expect(error).to_contain_text(
        f"initial.trucks[0].direction: cửa khẩu '{gate_key(site.gate)}' có năng lực thông quan "
        "nhưng không có cho chiều 'export'"
    )
    expect(page.get_by_test_id("planning-results")).to_have_count(0)


def _english_number(text: str) -> float:
    """'1,234.5 ± 6.7' -> 1234.5: English writes numbers its own way."""
    return float(text.split("±")[0].strip().replace(",", ""))


@pytest.mark.parametrize("role", ["enterprise", "gate_officer"])
def test_other_roles_cannot_plan(page: Page, site: Site, role: str):
    log_in(page, role)
    expect(page.get_by_role("link", name="Lập kế hoạch")).to_have_count(0)
    for url in ("/planning", "/planning/today.yaml"):
        response = page.goto(url)
        assert response is not None
        assert response.status == 403, url
    expect(page.get_by_test_id("planning-form")).to_have_count(0)


def test_without_logging_in_planning_asks_for_it(page: Page, site: Site):
    page.goto("/planning")
    expect(page).to_have_url(f"{site.url}/login?next=%2Fplanning")
