"""A transshipment yard's set-up in a browser: the yard operator adds a cold
bay, changes a bay's rate, sets the stevedore shifts, and bad input is refused
on the page with its reason and nothing changed; customs may not set up."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from cuakhau.models import AuditEntry, Enterprise, StevedoreShift, TransloadBay, Yard
from cuakhau.models.enums import BayKind, Role
from tests.factories import make_enterprise, make_transload_yard, make_yard
from tests.web.conftest import Site, log_in_as, screenshot, status_of


@pytest.fixture
def yard_id(site: Site) -> int:
    with site.write() as session:
        operator = session.get_one(Enterprise, site.users[Role.yard_operator].enterprise_id)
        yard, _ = make_transload_yard(
            session,
            site.gate,
            operator,
            bays=[{"code": "T1", "kind": "ordinary", "capacity": 1, "rate": 20}],
        )
        return yard.id


def bays(site: Site) -> dict[str, tuple[BayKind, int, int, bool]]:
    with site.write() as session:
        return {
            bay.code: (bay.kind, bay.capacity, bay.rate, bay.is_active)
            for bay in session.scalars(select(TransloadBay))
        }


def shifts(site: Site) -> list[tuple[str, str, int]]:
    with site.write() as session:
        return [
            (s.starts_at.strftime("%H:%M"), s.ends_at.strftime("%H:%M"), s.teams)
            for s in session.scalars(select(StevedoreShift).order_by(StevedoreShift.starts_at))
        ]


def test_the_operator_sets_up_bays_and_shifts_and_bad_input_is_refused(
    page: Page, site: Site, yard_id: int
):
    log_in_as(page, "yard_operator")
    page.goto("/transload")
    page.get_by_role("link", name="Thiết lập vị trí và ca bốc xếp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thiết lập bãi sang tải")

    # A new cold bay; first without a rate: refused, nothing added.
    add = page.get_by_test_id("add-bay")
    add.get_by_label("Mã vị trí").fill("L3")
    add.get_by_label("Loại").select_option("cold")
    add.get_by_label("Số cặp xe cùng lúc").fill("2")
    add.get_by_role("button", name="Thêm vị trí").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("Chưa thêm vị trí.")
    expect(page.get_by_label("Năng suất mỗi giờ", exact=True)).to_have_attribute(
        "aria-invalid", "true"
    )
    assert set(bays(site)) == {"T1"}
    page.get_by_label("Năng suất mỗi giờ", exact=True).fill("12")
    page.get_by_role("button", name="Thêm vị trí").click()
    expect(page.get_by_test_id("setup-notice")).to_have_text("Đã thêm vị trí L3.")
    assert bays(site)["L3"] == (BayKind.cold, 2, 12, True)

    # The same code again: refused by the service's own rule.
    page.get_by_label("Mã vị trí").fill("L3")
    page.get_by_label("Năng suất mỗi giờ", exact=True).fill("5")
    page.get_by_role("button", name="Thêm vị trí").click()
    expect(page.get_by_test_id("form-error")).to_be_visible()
    assert len(bays(site)) == 2

    # A bay's rate changed; a rate of nothing is refused on that bay's row.
    row = page.locator('tr[data-bay="T1"]')
    row.get_by_label("Năng suất mỗi giờ của vị trí T1").fill("0")
    row.get_by_role("button", name="Lưu vị trí T1").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("Chưa lưu vị trí T1.")
    expect(row.get_by_label("Năng suất mỗi giờ của vị trí T1")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert bays(site)["T1"][2] == 20
    row.get_by_label("Năng suất mỗi giờ của vị trí T1").fill("25")
    row.get_by_label("T1 hoạt động").uncheck()
    row.get_by_role("button", name="Lưu vị trí T1").click()
    expect(page.get_by_test_id("setup-notice")).to_have_text("Đã lưu vị trí T1.")
    assert bays(site)["T1"] == (BayKind.ordinary, 1, 25, False)

    # The shifts: the yard's round-the-clock one becomes two; overlapping ones are refused.
    expect(page.get_by_label("Giờ bắt đầu ca 1")).to_have_value("00:00")
    for row_number, (starts, ends, teams) in enumerate(
        (("06:00", "14:00", "4"), ("13:00", "06:00", "2")), start=1
    ):
        page.get_by_label(f"Giờ bắt đầu ca {row_number}").fill(starts)
        page.get_by_label(f"Giờ kết thúc ca {row_number}").fill(ends)
        page.get_by_label(f"Số tổ bốc xếp ca {row_number}").fill(teams)
    page.get_by_role("button", name="Lưu các ca").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("Chưa lưu các ca.")
    expect(page.locator('tr[data-shift="1"] .field-error')).to_be_visible()
    assert shifts(site) == [("00:00", "00:00", 10)]
    page.get_by_label("Giờ bắt đầu ca 2").fill("14:00")
    page.get_by_role("button", name="Lưu các ca").click()
    expect(page.get_by_test_id("setup-notice")).to_have_text("Đã lưu các ca bốc xếp.")
    assert shifts(site) == [("06:00", "14:00", 4), ("14:00", "06:00", 2)]
    screenshot(page, "transload-setup")

    # Every change is audited as the API's are.
    with site.write() as session:
        entities = set(session.scalars(select(AuditEntry.entity)))
    assert {"transload_bay", "stevedore_shift"} <= entities

    # In English too.
    page.goto(f"/transload/setup?yard_id={yard_id}&lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Transshipment yard set-up")


def test_customs_may_not_set_up_a_yard(page: Page, site: Site, yard_id: int):
    log_in_as(page, "customs")
    assert status_of(page, f"/transload/setup?yard_id={yard_id}") == 403
    page.goto("/transload")
    expect(page.get_by_role("link", name="Thiết lập vị trí và ca bốc xếp")).to_have_count(0)


def test_the_operator_makes_a_plain_yard_a_transshipment_yard(page: Page, site: Site):
    with site.write() as session:
        operator = session.get_one(Enterprise, site.users[Role.yard_operator].enterprise_id)
        own = make_yard(session, site.gate, operator)
        other_operator = make_enterprise(session)
        other_operator.is_yard_operator = True
        others = make_yard(session, site.gate, other_operator)
        own_id, own_code, others_name = own.id, own.code, others.name_vi
    log_in_as(page, "yard_operator")
    page.goto("/transload/setup")
    listed = page.get_by_test_id("other-yards")
    expect(listed).not_to_contain_text(others_name)
    listed.get_by_role("button", name=re.compile("làm bãi sang tải")).click()
    expect(page.get_by_test_id("setup-notice")).to_have_text(
        f"Bãi {own_code} đã là bãi sang tải: thêm vị trí và ca bốc xếp bên dưới."
    )
    expect(page.get_by_test_id("add-bay")).to_be_visible()
    expect(page.get_by_test_id("other-yards")).to_have_count(0)
    with site.write() as session:
        assert session.get_one(Yard, own_id).is_transshipment
        # Audited as the API's change is, by the operator who made it.
        change = session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == "yard",
                AuditEntry.entity_id == str(own_id),
                AuditEntry.action == "update",
            )
        ).one()
        assert (change.before, change.after) == (
            {"is_transshipment": False},
            {"is_transshipment": True},
        )
        assert change.actor_user_id == site.users[Role.yard_operator].id
