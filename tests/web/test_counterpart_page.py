"""The other side's acceptance on the gate officer's pages: sent by the
counterpart client over the real server, read by the officer hour by hour,
and a silent counterpart named on the gate console."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from cuakhau.core.clock import local_date, utcnow
from cuakhau.counterpart.client import CounterpartClient
from cuakhau.counterpart.service import add_counterpart
from tests.conftest import TEST_SECRET
from tests.web.conftest import Site, log_in, log_in_as, screenshot


def test_an_officer_sees_the_other_sides_acceptance_and_who_went_silent(
    page: Page, site: Site
) -> None:
    with site.write() as session:
        talking, secret = add_counterpart(
            session=session, gate_id=site.gate.id, name="Youyiguan", server_secret=TEST_SECRET
        )
        add_counterpart(
            session=session, gate_id=site.gate.id, name="Pingxiang", server_secret=TEST_SECRET
        )
        key = talking.key_id
    day = local_date(utcnow()) + timedelta(days=1)
    hours = [{"day": day.isoformat(), "hour": 10, "direction": "export", "trucks": 1}]
    answer = CounterpartClient(site.url, key, secret).send(
        1, {"kind": "acceptance", "acceptance": hours}
    )
    assert answer["applied_through"] == 1

    log_in(page, "gate_officer")
    silent = page.get_by_test_id("counterpart-silent")
    expect(silent).to_have_count(1)
    expect(silent).to_contain_text("Pingxiang")
    page.get_by_role("link", name="Mức tiếp nhận của phía bạn theo giờ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phía bạn: mức tiếp nhận theo giờ")
    page.get_by_label("Ngày").fill(day.isoformat())
    page.get_by_role("button", name="Xem").click()
    rows = page.get_by_test_id("counterpart-hours").locator("tbody tr")
    expect(rows).to_have_count(24)
    ten = page.locator("tr[data-hour='10:00']")
    expect(ten.get_by_test_id("accepted")).to_have_text("1")
    expect(ten.get_by_test_id("capacity")).to_have_text("1")
    expect(page.locator("tr[data-hour='11:00']").get_by_test_id("accepted")).to_have_text(
        "chưa báo"
    )
    expect(page.get_by_test_id("counterpart-heard")).to_contain_text("Youyiguan")
    screenshot(page, "gate-counterpart")
    page.goto(page.url + "&lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("The other side: acceptance by hour")

    # The board is warned too, and the public page calls the gate's data stale.
    log_in_as(page, "board")
    page.goto("/board")
    expect(page.get_by_test_id("counterpart-silent")).to_contain_text("Hữu Nghị: Pingxiang")
    page.goto("/wait-times")
    expect(page.get_by_test_id("counterpart-stale").first).to_contain_text("phía bạn")
