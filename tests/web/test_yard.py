"""The yard page in a browser: who may see it, checking a truck in by searching part
of its plate, a full yard's refusal naming the yard with room, checking out, dwell
and the trucks that over-stay."""

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from cuakhau.core.clock import utcnow
from cuakhau.models import Crossing, Enterprise, Yard, YardVisit
from cuakhau.models.enums import CrossingState, Role
from cuakhau.yards.visits import CheckIn, check_in, check_out
from tests.factories import advance, make_booking, make_enterprise, make_vehicle, make_yard
from tests.web.conftest import Site, log_in, log_in_as, screenshot, status_of


@dataclass
class Yards:
    small: int
    roomy: int
    theirs: int
    plates: list[str]
    parked: str


@pytest.fixture
def yards(site: Site) -> Yards:
    """The operator runs a one-space yard and a three-space one at the gate; another
    operator runs a third. A truck has been in the roomy yard for 30 hours."""
    with site.write() as session:
        operator = session.get(Enterprise, site.users[Role.yard_operator].enterprise_id)
        assert operator is not None
        other = make_enterprise(session, roles=["yard_operator"])
        small = make_yard(session, site.gate, operator, code="BAI-A", spaces={"truck": 1})
        roomy = make_yard(session, site.gate, operator, code="BAI-B", spaces={"truck": 3})
        theirs = make_yard(session, site.gate, other, code="BAI-X", spaces={"truck": 9})
        plates = ["12C-345.67", "12C-345.98", "29H-111.22"]
        for plate in plates:
            make_vehicle(session, site.enterprise, plate=plate)
        parked = make_vehicle(session, site.enterprise, plate="98C-765.43").plate
        check_in(session, roomy, CheckIn(plate=parked), utcnow() - timedelta(hours=30))
        return Yards(small.id, roomy.id, theirs.id, plates, parked)


def test_only_yard_staff_see_the_yard_page(page: Page, site: Site, yards: Yards):
    page.goto("/yard")
    expect(page).to_have_url(f"{site.url}/login?next=%2Fyard")

    for role in (Role.customs, Role.enterprise, Role.board):
        log_in_as(page, role.value)
        assert status_of(page, "/yard") == 403, role
        expect(page.get_by_role("link", name="Bến bãi")).to_have_count(0)

    log_in_as(page, "yard_operator")
    page.goto("/yard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bến bãi: xe vào, xe ra")
    codes = (
        page.get_by_test_id("occupancy")
        .locator("tbody tr")
        .evaluate_all("rows => [...new Set(rows.map(r => r.dataset.yard))]")
    )
    assert codes == ["BAI-A", "BAI-B"]
    # Another operator's yard is not found, as in the API.
    assert status_of(page, f"/yard?yard_id={yards.theirs}") == 404

    log_in_as(page, "gate_officer")
    assert status_of(page, f"/yard?yard_id={yards.theirs}") == 200
    expect(page.get_by_role("link", name="Bến bãi")).to_be_visible()


def test_check_in_by_plate_search_a_full_yard_and_check_out(page: Page, site: Site, yards: Yards):
    log_in(page, "yard_operator")
    page.goto(f"/yard?yard_id={yards.small}")
    plate = page.get_by_label("Biển số (gõ một phần để tìm)")

    # Part of a plate, typed its own way, lists the two vehicles it may be.
    plate.fill("12c345")
    matches = page.get_by_test_id("plate-matches").get_by_role("button")
    expect(matches).to_have_text(["12C-345.67", "12C-345.98"])
    matches.nth(1).click()
    expect(plate).to_have_value("12C-345.98")
    page.get_by_role("button", name="Cho xe vào bãi", exact=True).click()
    expect(page.get_by_test_id("yard-notice")).to_have_text("Đã cho xe 12C-345.98 vào bãi.")
    small = page.locator("[data-testid=occupancy] tr[data-yard=BAI-A]")
    expect(small.get_by_test_id("occupied")).to_have_text("1")
    expect(small.get_by_test_id("free")).to_have_text("0")
    expect(page.get_by_test_id("inside").locator("tbody tr[data-plate]")).to_have_count(1)

    # The yard is full: the refusal names the yard that has room, and keeps the plate.
    plate.fill("29H11122")
    page.get_by_role("button", name="Cho xe vào bãi", exact=True).click()
    error = page.get_by_test_id("visit-error")
    # Most room first; the other operator's yard is named too, without a link.
    expect(error).to_contain_text(
        "Bãi BAI-A hết chỗ cho xe loại xe tải. Bãi còn chỗ: BAI-X, BAI-B."
    )
    room = page.get_by_test_id("yards-with-room").locator("li")
    expect(room).to_have_count(2)
    expect(room.nth(0)).to_contain_text("còn 9 chỗ")
    expect(room.nth(1)).to_contain_text("còn 2 chỗ")
    expect(room.nth(1).get_by_role("link")).to_have_text(re.compile(r"^BAI-B · "))
    expect(room.nth(0).get_by_role("link")).to_have_count(0)
    expect(plate).to_have_value("29H11122")
    screenshot(page, "yard-full")

    # An unknown plate is refused with the rule's message and lists nothing.
    plate.fill("99Z99999")
    page.get_by_role("button", name="Cho xe vào bãi", exact=True).click()
    expect(page.locator("#plate-error")).to_have_text(
        "Không có phương tiện nào mang biển số 99Z-999.99; hãy đăng ký phương tiện trước."
    )
    expect(plate).to_have_value("99Z99999")

    # Out again, from the row of the truck.
    page.get_by_role("button", name="Cho xe 12C-345.98 ra khỏi bãi").click()
    expect(page.get_by_test_id("yard-notice")).to_have_text("Đã cho xe 12C-345.98 ra khỏi bãi.")
    expect(small.get_by_test_id("occupied")).to_have_text("0")
    expect(page.get_by_test_id("inside").locator("tbody tr[data-plate]")).to_have_count(0)
    # Without the form's CSRF token nothing is checked in.
    forged = page.request.post(
        f"/yard/{yards.small}/visits", form={"plate": yards.plates[2], "action": "check_in"}
    )
    assert forged.status == 403
    with site.write() as session:
        visits = session.query(YardVisit).filter_by(yard_id=yards.small).all()
        assert [(v.plate, v.checked_out_at is not None) for v in visits] == [("12C-345.98", True)]


def test_dwell_and_over_staying_trucks(page: Page, site: Site, yards: Yards):
    log_in(page, "yard_operator")
    page.goto(f"/yard?yard_id={yards.roomy}")
    page.get_by_label("Biển số (gõ một phần để tìm)").fill(yards.plates[0])
    page.get_by_role("button", name="Cho xe vào bãi", exact=True).click()
    expect(page.get_by_test_id("yard-notice")).to_be_visible()

    rows = page.get_by_test_id("inside").locator("tbody tr[data-plate]")
    expect(rows).to_have_count(2)
    # Longest in the yard first.
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.plate)") == [
        yards.parked,
        yards.plates[0],
    ]
    expect(rows.first.get_by_test_id("dwell")).to_have_text("30 giờ 0 phút")
    expect(page.get_by_test_id("overstay-count")).to_have_text("1 xe lưu bãi quá 24 giờ.")
    expect(page.get_by_test_id("overstay").locator("tbody tr")).to_have_attribute(
        "data-plate", yards.parked
    )
    # Today's hours count the check-in just made.
    peaks = page.get_by_test_id("hourly").get_by_test_id("peak").all_inner_texts()
    assert 1 <= len(peaks) <= 24
    assert max(int(p) for p in peaks) == 2
    screenshot(page, "yard")

    threshold = page.get_by_label("Ngưỡng lưu bãi (giờ)")
    threshold.fill("31")
    threshold.press("Enter")
    expect(page.get_by_test_id("overstay-count")).to_have_text("0 xe lưu bãi quá 31 giờ.")
    threshold.fill("mot ngay")
    threshold.press("Enter")
    expect(page.locator("#over-error")).to_have_text("Ngưỡng phải là số giờ nguyên từ 1 đến 720.")
    expect(threshold).to_have_value("mot ngay")


def test_a_truck_without_a_booking_is_queued_at_check_in(page: Page, site: Site, yards: Yards):
    log_in(page, "gate_officer")
    page.goto(f"/yard?yard_id={yards.roomy}")
    page.get_by_label("Biển số (gõ một phần để tìm)").fill(yards.plates[2])
    page.get_by_text("Xe chưa đặt lịch", exact=True).click()
    page.get_by_label("Xếp hàng qua cửa khẩu cho xe chưa đặt lịch").check()
    page.get_by_label("Mã HS (4–10 chữ số)").fill("08")
    page.get_by_label("Mô tả hàng").fill("Thanh long ruột đỏ")
    page.get_by_label("Nông sản tươi (ưu tiên)").check()
    page.get_by_role("button", name="Cho xe vào bãi", exact=True).click()
    # Each refused field says why; everything typed stays.
    expect(page.locator("#hs_code-error")).to_have_text("Sai định dạng.")
    expect(page.locator("#weight_kg-error")).to_have_text("Trường này là bắt buộc.")
    expect(page.get_by_label("Mô tả hàng")).to_have_value("Thanh long ruột đỏ")
    expect(page.get_by_label("Nông sản tươi (ưu tiên)")).to_be_checked()
    expect(page.get_by_label("Biển số (gõ một phần để tìm)")).to_have_value(yards.plates[2])

    page.get_by_label("Mã HS (4–10 chữ số)").fill("081090")
    page.get_by_label("Số kiện").fill("900")
    page.get_by_label("Trọng lượng (kg)").fill("18000")
    page.get_by_label("Trị giá (USD)").fill("14500,50")
    page.get_by_role("button", name="Cho xe vào bãi", exact=True).click()
    expect(page.get_by_test_id("yard-notice")).to_have_text(f"Đã cho xe {yards.plates[2]} vào bãi.")
    with site.write() as session:
        crossing = session.scalar(select(Crossing).where(Crossing.plate == yards.plates[2]))
        assert crossing is not None
        assert (crossing.state, crossing.is_walk_in, crossing.yard_id) == (
            CrossingState.arrived,
            True,
            yards.roomy,
        )
        assert [(c.hs_code, c.value_usd, c.perishable) for c in crossing.cargo] == [
            ("081090", Decimal("14500.50"), True)
        ]
    # The gate's queue has it.
    page.goto("/gate")
    row = page.get_by_test_id("gate-queue").locator(f"tr[data-plate='{yards.plates[2]}']")
    expect(row.get_by_test_id("state")).to_have_text("Đã vào bãi")


def test_the_yard_page_follows_check_ins_made_elsewhere_live(page: Page, site: Site, yards: Yards):
    log_in(page, "yard_operator")
    page.goto(f"/yard?yard_id={yards.roomy}")
    expect(page.locator("#yard-live")).to_have_attribute("data-live-connected", "true")
    inside = page.get_by_test_id("inside")
    expect(inside.locator(f"tr[data-plate='{yards.parked}']")).to_have_count(1)
    expect(inside.locator(f"tr[data-plate='{yards.plates[2]}']")).to_have_count(0)

    # A gate officer checks a truck in at another desk; nobody reloads this page.
    with site.write() as session:
        roomy = session.get_one(Yard, yards.roomy)
        check_in(session, roomy, CheckIn(plate=yards.plates[2]), utcnow())
    expect(inside.locator(f"tr[data-plate='{yards.plates[2]}']")).to_have_count(1)
    expect(page.locator("#inside-heading")).to_have_text("Xe đang trong bãi (2), lâu nhất trước")

    with site.write() as session:
        check_out(session, session.get_one(Yard, yards.roomy), yards.parked, utcnow())
    expect(inside.locator(f"tr[data-plate='{yards.parked}']")).to_have_count(0)


def test_a_truck_that_crosses_leaves_the_yard(page: Page, site: Site, yards: Yards):
    """Booked, checked in on /yard, cleared and called, then marked crossed on
    /gate: /yard no longer lists it, and its space is free again."""
    with site.write() as session:
        crossing = make_booking(session, site.enterprise, site.gate, now=utcnow())
        plate, crossing_id = crossing.plate, crossing.id
    log_in(page, "gate_officer")
    page.goto(f"/yard?yard_id={yards.roomy}")
    page.get_by_label("Biển số (gõ một phần để tìm)").fill(plate)
    page.get_by_role("button", name="Cho xe vào bãi", exact=True).click()
    inside = page.get_by_test_id("inside").locator("tbody tr[data-plate]")
    roomy = page.locator("[data-testid=occupancy] tr[data-yard=BAI-B]")
    expect(inside).to_have_count(2)
    expect(roomy.get_by_test_id("occupied")).to_have_text("2")
    with site.write() as session:
        advance(session, session.get_one(Crossing, crossing_id), CrossingState.called, at=utcnow())
    # Each truck inside says why it is still there.
    page.reload()
    expect(inside.get_by_test_id("visit-crossing")).to_have_text(
        ["Chỉ đỗ, không có chuyến", "Đã gọi vào cửa khẩu"]
    )

    page.goto("/gate")
    row = page.locator(f"tr[data-crossing='{crossing_id}']").filter(
        has=page.get_by_role("button", name=re.compile("Đã qua biên giới"))
    )
    row.get_by_label("Lý do ghi nhận bằng tay").fill("Camera hỏng")
    row.get_by_role("button", name=re.compile("Đã qua biên giới")).click()
    page.wait_for_load_state()

    page.goto(f"/yard?yard_id={yards.roomy}")
    expect(inside).to_have_count(1)
    expect(inside).to_have_attribute("data-plate", yards.parked)
    expect(roomy.get_by_test_id("occupied")).to_have_text("1")
    expect(page.get_by_test_id("inside-lead")).to_contain_text("qua cửa khẩu")
    with site.write() as session:
        visit = session.scalar(select(YardVisit).where(YardVisit.plate == plate))
        assert visit is not None
        assert visit.checked_out_at is not None
