"""The zone map for everyone: every gate placed by its coordinates, coloured by its
warning level, live, linked to its wait times; drawn without leaving the app."""

from decimal import Decimal
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from cuakhau.core.clock import utcnow
from cuakhau.crossings.booking import arrive
from cuakhau.crossings.rules import policy
from cuakhau.models import Gate
from cuakhau.web.zone import zone_map
from tests.factories import gate_data, make_booking, make_gate
from tests.web.conftest import Site, screenshot

# From the reference data (reference/data/langson.yaml).
HUU_NGHI = (Decimal("21.969"), Decimal("106.705"))
TAN_THANH = (Decimal("21.862"), Decimal("106.689"))
CHI_MA = (Decimal("21.741"), Decimal("107.011"))


def _zone(site: Site) -> dict[str, str]:
    """Three gates with coordinates and one without; warnings from 1, 2, 3 trucks."""
    with site.write() as session:
        gate = session.get(Gate, site.gate.id)
        assert gate is not None
        gate.latitude, gate.longitude = HUU_NGHI
        codes = {"huu_nghi": gate.code}
        for name, (latitude, longitude) in (("tan_thanh", TAN_THANH), ("chi_ma", CHI_MA)):
            codes[name] = make_gate(session, latitude=latitude, longitude=longitude).code
        codes["unplaced"] = make_gate(session, name_vi="Lối mở Bản Chắt").code
        rules = policy(session)
        rules.warning_yellow, rules.warning_orange, rules.warning_red = 1, 2, 3
    return codes


def test_the_map_shows_every_gate_and_recolours_as_the_queue_grows(page: Page, site: Site):
    codes = _zone(site)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/wait-times")
    page.get_by_role("link", name="Bản đồ khu kinh tế").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bản đồ các cửa khẩu")

    marks = page.get_by_test_id("zone-map").locator("a.zone-gate")
    expect(marks).to_have_count(3)
    rows = page.get_by_test_id("zone-gates").locator("tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.filter(has_text="Lối mở Bản Chắt")).to_contain_text("chưa có tọa độ")
    for code in ("huu_nghi", "tan_thanh", "chi_ma"):
        expect(marks.and_(page.locator(f'[data-gate="{codes[code]}"]'))).to_have_attribute(
            "data-warning", "green"
        )

    def centre(code: str) -> tuple[float, float]:
        circle = page.locator(f'a.zone-gate[data-gate="{codes[code]}"] circle')
        return float(circle.get_attribute("cx") or 0), float(circle.get_attribute("cy") or 0)

    # North is up and east is right: Chi Ma lies south-east of Hữu Nghị, Tân Thanh
    # south-west of it.
    huu_nghi, tan_thanh, chi_ma = centre("huu_nghi"), centre("tan_thanh"), centre("chi_ma")
    assert chi_ma[0] > huu_nghi[0] > tan_thanh[0]
    assert chi_ma[1] > tan_thanh[1] > huu_nghi[1]
    expect(page.locator("path.zone-border")).to_have_count(1)

    huu_nghi_mark = page.locator(f'a.zone-gate[data-gate="{codes["huu_nghi"]}"]')
    huu_nghi_row = rows.and_(page.locator(f'[data-gate="{codes["huu_nghi"]}"]'))
    fill = "el => getComputedStyle(el).fill"
    green = huu_nghi_mark.locator("circle").evaluate(fill)
    expect(page.locator("#zone-live-map")).to_have_attribute("data-live-connected", "true")

    # Two trucks reach the gate's yard: orange, without a reload.
    with site.write() as session:
        for _ in range(2):
            arrive(
                session, make_booking(session, site.enterprise, site.gate, now=utcnow()), utcnow()
            )
    expect(huu_nghi_mark).to_have_attribute("data-warning", "orange")
    expect(huu_nghi_row.get_by_test_id("waiting")).to_have_text("2")
    expect(huu_nghi_row.get_by_test_id("warning")).to_have_text("Cam")
    assert huu_nghi_mark.locator("circle").evaluate(fill) != green
    expect(page.locator(f'a.zone-gate[data-gate="{codes["chi_ma"]}"]')).to_have_attribute(
        "data-warning", "green"
    )
    screenshot(page, "zone-map")
    assert {urlsplit(url).hostname for url in requests} == {"127.0.0.1"}

    # The gate leads to its own row of the wait times.
    huu_nghi_mark.click()
    expect(page).to_have_url(f"{site.url}/wait-times#gate-{codes['huu_nghi']}")
    expect(page.locator(f"#gate-{codes['huu_nghi']}")).to_contain_text("Hữu Nghị")


def test_the_map_is_drawn_for_one_gate_and_for_none():
    placed = Gate(id=1, **gate_data(latitude=HUU_NGHI[0], longitude=HUU_NGHI[1]))
    unplaced = Gate(id=2, **gate_data())
    alone = zone_map([placed, unplaced], [])
    assert alone.height > 0
    assert alone.border.startswith("M ")
    assert [m.at is not None for m in alone.marks] == [True, False]
    assert alone.across is not None
    assert alone.home is not None
    # The neighbour's name is written north of the border, ours south of it.
    assert alone.across.y < alone.home.y
    empty = zone_map([unplaced], [])
    assert (empty.height, empty.border) == (0, "")
