from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from cuakhau.core.clock import utcnow
from cuakhau.core.config import Settings
from cuakhau.crossings.states import OPEN_STATES
from cuakhau.fees.tariffs import load_tariffs, shipped_tariffs
from cuakhau.models import (
    AuditEntry,
    Crossing,
    Enterprise,
    Gate,
    PlateRead,
    Receipt,
    StevedoreShift,
    TransloadBay,
    Vehicle,
    Yard,
    YardSpace,
    YardVisit,
    Zone,
)
from cuakhau.reference.demo import DEMO_SWAPS, create_demo_accounts, create_demo_traffic
from cuakhau.reference.loader import ReferenceFileError, load_reference, shipped_file
from tests.conftest import Database

LANGSON = shipped_file("langson.yaml")


def test_langson_reference_loads_and_reloads_without_change(db: Database, settings: Settings):
    with db.write() as session:
        first = load_reference(session, LANGSON, settings)
    assert first.created["gates"] >= 7
    assert db.count(Gate, Gate.kind == "international") == 2
    assert db.count(Gate, Gate.code.in_(["HUU-NGHI", "TAN-THANH", "CHI-MA", "COC-NAM"])) == 4
    assert db.count(Gate, Gate.kind.in_(["secondary", "crossing_point"])) >= 2
    assert db.count(Yard) == first.created["yards"] > 0
    assert db.count(Enterprise, Enterprise.is_illustrative.is_(False)) == 0
    # The transshipment yard's bays and stevedore shifts, set up as through the API.
    assert db.count(TransloadBay) == first.created["bays"] == 4
    assert db.count(StevedoreShift) == 3
    assert first.created["stevedore_shifts"] == 1
    assert db.count(Yard, Yard.is_transshipment.is_(True)) == 1
    audit_after_first = db.count(AuditEntry)

    with db.write() as session:
        second = load_reference(session, LANGSON, settings)
    assert sum(second.created.values()) == sum(second.updated.values()) == 0
    assert second.unchanged == first.created + first.updated + first.unchanged
    assert db.count(AuditEntry) == audit_after_first


def test_a_changed_file_updates_only_what_changed(db: Database, tmp_path: Path, settings: Settings):
    with db.write() as session:
        load_reference(session, LANGSON, settings)
    data = yaml.safe_load(LANGSON.read_text(encoding="utf-8"))
    data["gates"][0]["closes_at"] = "21:00"
    data["yards"][0]["spaces"]["truck"] = 450
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with db.write() as session:
        report = load_reference(session, changed, settings)
    assert report.updated["gates"] == 1
    assert report.updated["yards"] == 1
    assert report.created.total() == 0


def test_a_changed_bay_and_shift_pattern_are_updated(
    db: Database, tmp_path: Path, settings: Settings
):
    with db.write() as session:
        load_reference(session, LANGSON, settings)
    data = yaml.safe_load(LANGSON.read_text(encoding="utf-8"))
    yard = next(y for y in data["yards"] if y.get("bays"))
    yard["bays"][0]["rate"] = 12
    yard["bays"].append({"code": "L9", "kind": "cold", "rate": 8, "rate_unit": "tonne"})
    yard["stevedore_shifts"] = [{"starts_at": "00:00", "ends_at": "00:00", "teams": 5}]
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with db.write() as session:
        report = load_reference(session, changed, settings)
    assert (report.updated["bays"], report.created["bays"]) == (1, 1)
    assert report.updated["stevedore_shifts"] == 1
    assert db.scalar(select(TransloadBay.rate).where(TransloadBay.code == "L1")) == 12
    assert db.count(StevedoreShift) == 1


def test_overlapping_shifts_and_a_bay_given_twice_are_named(
    db: Database, tmp_path: Path, settings: Settings
):
    data = yaml.safe_load(LANGSON.read_text(encoding="utf-8"))
    index, yard = next((i, y) for i, y in enumerate(data["yards"]) if y.get("bays"))
    yard["bays"].append(dict(yard["bays"][0]))
    yard["stevedore_shifts"][1]["starts_at"] = "13:00"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ReferenceFileError) as caught, db.write() as session:
        load_reference(session, bad, settings)
    problems = "\n".join(caught.value.problems)
    assert f"yards.{index}.bays: the code L1 is given twice" in problems
    assert f"yards.{index}.stevedore_shifts:" in problems
    assert db.count(TransloadBay) == 0


def test_a_bad_file_names_every_problem_and_loads_nothing(
    db: Database, tmp_path: Path, settings: Settings
):
    data = yaml.safe_load(LANGSON.read_text(encoding="utf-8"))
    data["gates"][1]["kind"] = "castle"
    data["enterprises"][0]["tax_code"] = "123"
    del data["gates"][2]["name_vi"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ReferenceFileError) as caught, db.write() as session:
        load_reference(session, bad, settings)
    problems = "\n".join(caught.value.problems)
    assert "gates.1.kind" in problems
    assert "enterprises.0.tax_code" in problems
    assert "gates.2.name_vi" in problems
    assert db.count(Gate) == 0


def test_the_zones_contact_details_load_and_bad_ones_are_named(
    db: Database, tmp_path: Path, settings: Settings
):
    data = yaml.safe_load(LANGSON.read_text(encoding="utf-8"))
    data["zone"] |= {"phone": "0205 3 123 456", "email": "not an address", "website": "ftp://x"}
    bad = tmp_path / "contact.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ReferenceFileError) as caught, db.write() as session:
        load_reference(session, bad, settings)
    assert sorted(p.split(":")[0] for p in caught.value.problems) == [
        "zone.email",
        "zone.website",
    ]
    data["zone"] |= {"email": "banquanly@example.vn", "website": "https://example.vn"}
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with db.write() as session:
        load_reference(session, bad, settings)
    zone = db.scalar(select(Zone))
    assert (zone.phone, zone.email, zone.website) == (
        "+842053123456",
        "banquanly@example.vn",
        "https://example.vn",
    )


def test_unknown_references_are_named_before_anything_is_written(
    db: Database, tmp_path: Path, settings: Settings
):
    data = yaml.safe_load(LANGSON.read_text(encoding="utf-8"))
    data["yards"][0]["gate"] = "NOWHERE"
    bad = tmp_path / "refs.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ReferenceFileError, match="1 problem") as caught, db.write() as session:
        load_reference(session, bad, settings)
    assert caught.value.problems == ["yards.0.gate: no gate with code NOWHERE"]
    assert db.count(Gate) == 0


@pytest.mark.parametrize("content", ["just text", "gates: [1, 2", ""])
def test_not_a_reference_file(db: Database, tmp_path: Path, content: str, settings: Settings):
    path = tmp_path / "x.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ReferenceFileError), db.write() as session:
        load_reference(session, path, settings)


def test_demo_traffic_books_the_demo_vehicles_once(db: Database, settings: Settings):
    with db.write() as session:
        load_reference(session, LANGSON, settings)
        load_reference(session, shipped_file("demo.yaml"), settings)
        load_tariffs(session, shipped_tariffs())
        create_demo_accounts(session)
        booked = create_demo_traffic(session, utcnow())
        again = create_demo_traffic(session, utcnow())
    # The demo enterprise's last truck is left free, so its first booking can succeed.
    assert booked == db.count(Vehicle) - 1 > 0
    assert again == 0
    free = db.scalars(
        select(Vehicle.plate)
        .join(Enterprise, Enterprise.id == Vehicle.enterprise_id)
        .where(
            Enterprise.tax_code == "4900909966",
            ~Vehicle.id.in_(
                select(Crossing.vehicle_id).where(Crossing.state.in_(sorted(OPEN_STATES)))
            ),
        )
    )
    assert free == ["12C-345.67"]
    # Two export trucks crossed before the queue was booked, seen by the border
    # camera, their fees charged; then booked again like every truck.
    crossed = db.scalars(select(Crossing).where(Crossing.state == "crossed"))
    assert len(crossed) == 2
    assert all(c.direction == "export" and c.crossed_at is not None for c in crossed)
    # And a trailer swap's trailer crossed and came back: its fees charged too.
    came_back = db.count(Crossing, Crossing.state == "returned")
    assert came_back == 1
    assert db.count(Receipt) == 2 + came_back
    assert db.count(PlateRead) == 2
    assert db.count(Crossing) == booked + 2 + len(DEMO_SWAPS)
    # The unmanned truck is booked into Tân Thanh's pilot window 18:30–20:00;
    # at Hữu Nghị trucks are given the freight road before the ordinary lane.
    [piloted] = db.scalars(select(Crossing).where(Crossing.lane == "unmanned"))
    assert piloted.plate == "12C-890.12"
    assert db.count(Crossing, Crossing.lane == "freight_road") > 0
    at_huu_nghi = booked - 1
    assert db.count(Crossing, Crossing.state == "arrived") == at_huu_nghi // 2
    # The trucks that arrived stand in a yard of the gate, each taking a space.
    assert db.count(YardVisit, YardVisit.checked_out_at.is_(None)) == at_huu_nghi // 2
    assert db.scalar(select(func.sum(YardSpace.occupied))) == at_huu_nghi // 2


def test_a_webhook_url_inside_the_network_is_named_and_nothing_is_loaded(
    db: Database, tmp_path: Path, settings: Settings
):
    """The rule the API applies when an enterprise's webhook URL is set holds
    for a reference file too."""
    data = yaml.safe_load(LANGSON.read_text(encoding="utf-8"))
    data["enterprises"][1]["webhook_url"] = "http://2130706433/hook"
    bad = tmp_path / "internal-webhook.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ReferenceFileError) as refused, db.write() as session:
        load_reference(session, bad, settings)
    [problem] = refused.value.problems
    assert problem.startswith("enterprises.1.webhook_url: ")
    assert "127.0.0.1" in problem
    assert db.count(Enterprise) == 0
