"""Load a zone's reference data file: validate all of it, then upsert it in one
transaction by natural keys (gate and yard codes, tax codes, plates, ID numbers),
so loading the same file again changes nothing."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import Field, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cuakhau.core.clock import utcnow
from cuakhau.core.config import Settings
from cuakhau.core.errors import DomainError
from cuakhau.core.rows import apply_changes
from cuakhau.core.schemas import InputSchema, Name
from cuakhau.crossings.replan import replan_gate
from cuakhau.crossings.rules import policy
from cuakhau.crossings.schemas import PolicyUpdate, PriorityClassIn
from cuakhau.drivers.schemas import DriverBase, DriverCreate, DriverUpdate, PhoneNumber
from cuakhau.drivers.service import create_driver, update_driver
from cuakhau.enterprises.schemas import EnterpriseCreate, EnterpriseUpdate, TaxCode
from cuakhau.enterprises.service import check_enterprise, create_enterprise, update_enterprise
from cuakhau.gates.schemas import GateCreate, GateUpdate
from cuakhau.gates.service import create_gate, update_gate
from cuakhau.models import (
    AuditEntry,
    BookingPolicy,
    CapacityPattern,
    Driver,
    Enterprise,
    Gate,
    PriorityClass,
    Vehicle,
    Yard,
    Zone,
)
from cuakhau.models.enums import Direction, LaneKind
from cuakhau.transload.schemas import BayCreate, BayUpdate, ShiftIn, Shifts, YardSetup
from cuakhau.transload.setup import (
    add_bay,
    bays_of,
    change_bay,
    check_no_overlap,
    set_shifts,
    set_up_yard,
    shifts_of,
)
from cuakhau.vehicles.schemas import VehicleBase, VehicleCreate, VehicleUpdate
from cuakhau.vehicles.service import create_vehicle, update_vehicle
from cuakhau.yards.schemas import YardBase, YardCreate, YardUpdate
from cuakhau.yards.service import create_yard, update_yard


class ZoneEntry(InputSchema):
    code: str
    name_vi: Name
    name_en: Name
    province: Name
    timezone: str = "Asia/Ho_Chi_Minh"
    office_address: str | None = Field(default=None, max_length=300)
    phone: PhoneNumber | None = None
    email: str | None = Field(default=None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    website: str | None = Field(default=None, max_length=200, pattern=r"^https?://\S+$")


class YardEntry(YardBase):
    gate: str
    operator: TaxCode
    # A transshipment yard's bays (by code) and stevedore shifts (the whole
    # pattern): either makes the yard a transshipment yard.
    bays: list[BayCreate] = Field(default_factory=list)
    stevedore_shifts: list[ShiftIn] = Field(default_factory=list)


class VehicleEntry(VehicleBase):
    enterprise: TaxCode


class DriverEntry(DriverBase):
    enterprise: TaxCode


class CapacityEntry(InputSchema):
    """Windows of ``window_minutes`` from ``from`` to ``to`` on ``weekdays`` (0 =
    Monday), in one lane of the gate (the ordinary unless named)."""

    gate: str
    direction: Direction
    lane: LaneKind = LaneKind.ordinary
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(min_length=1)
    start: time = Field(alias="from")
    end: time = Field(alias="to")
    window_minutes: Annotated[int, Field(ge=15, le=720)] = 60
    trucks_per_window: Annotated[int, Field(ge=0, le=10_000)]

    def pattern_rows(self) -> set[tuple[LaneKind, int, time, time, int]]:
        rows = set()
        step = timedelta(minutes=self.window_minutes)
        for weekday in self.weekdays:
            at = datetime.combine(date.min, self.start)
            end = datetime.combine(date.min, self.end)
            while at + step <= end:
                rows.add(
                    (self.lane, weekday, at.time(), (at + step).time(), self.trucks_per_window)
                )
                at += step
        return rows


class ReferenceFile(InputSchema):
    zone: ZoneEntry | None = None
    priority_classes: list[PriorityClassIn] = Field(default_factory=list)
    booking_policy: PolicyUpdate | None = None
    capacity: list[CapacityEntry] = Field(default_factory=list)
    gates: list[GateCreate] = Field(default_factory=list)
    enterprises: list[EnterpriseCreate] = Field(default_factory=list)
    yards: list[YardEntry] = Field(default_factory=list)
    vehicles: list[VehicleEntry] = Field(default_factory=list)
    drivers: list[DriverEntry] = Field(default_factory=list)


class ReferenceFileError(Exception):
    """The file cannot be loaded; ``problems`` lists every reason, each with its place."""

    def __init__(self, path: Path, problems: list[str]):
        super().__init__(f"{path}: {len(problems)} problem(s)")
        self.path = path
        self.problems = problems


@dataclass
class LoadReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)


SECTIONS = (
    "zone",
    "priority_classes",
    "booking_policy",
    "gates",
    "capacity",
    "enterprises",
    "yards",
    "bays",
    "stevedore_shifts",
    "vehicles",
    "drivers",
)


def read_reference_file(path: Path) -> ReferenceFile:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ReferenceFileError(path, [f"cannot read the file: {error.strerror}"]) from None
    except yaml.YAMLError as error:
        raise ReferenceFileError(path, [f"not valid YAML: {error}"]) from None
    if not isinstance(raw, dict):
        raise ReferenceFileError(path, ["the file must be a mapping with sections such as gates:"])
    try:
        return ReferenceFile.model_validate(raw)
    except ValidationError as error:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()]
        raise ReferenceFileError(path, problems) from None


def load_reference(session: Session, path: Path, settings: Settings) -> LoadReport:
    data = read_reference_file(path)
    _check_references(session, path, data, settings)
    report = LoadReport()
    try:
        _load(session, data, report)
    except DomainError as error:
        raise ReferenceFileError(path, [error.detail("en")]) from None
    return report


def _check_references(
    session: Session, path: Path, data: ReferenceFile, settings: Settings
) -> None:
    """Name every unknown gate or enterprise, and every webhook URL the API
    would refuse, before anything is written."""
    gate_codes = {g.code for g in data.gates} | set(session.scalars(select(Gate.code)))
    tax_codes = {e.tax_code for e in data.enterprises} | set(
        session.scalars(select(Enterprise.tax_code))
    )
    problems = []
    for index, enterprise in enumerate(data.enterprises):
        try:
            check_enterprise(enterprise, settings)
        except DomainError as refused:
            problems.append(f"enterprises.{index}.webhook_url: {refused.detail('en')}")
    for index, entry in enumerate(data.capacity):
        if entry.gate not in gate_codes:
            problems.append(f"capacity.{index}.gate: no gate with code {entry.gate}")
    for index, yard in enumerate(data.yards):
        if yard.gate not in gate_codes:
            problems.append(f"yards.{index}.gate: no gate with code {yard.gate}")
        if yard.operator not in tax_codes:
            problems.append(f"yards.{index}.operator: no enterprise with tax code {yard.operator}")
        codes = [bay.code for bay in yard.bays]
        for code in sorted({code for code in codes if codes.count(code) > 1}):
            problems.append(f"yards.{index}.bays: the code {code} is given twice")
        try:
            check_no_overlap(Shifts(shifts=yard.stevedore_shifts))
        except DomainError as refused:
            problems.append(f"yards.{index}.stevedore_shifts: {refused.detail('en')}")
    for section, entries in (("vehicles", data.vehicles), ("drivers", data.drivers)):
        for index, entry in enumerate(entries):
            if entry.enterprise not in tax_codes:
                problems.append(
                    f"{section}.{index}.enterprise: no enterprise with tax code {entry.enterprise}"
                )
    if problems:
        raise ReferenceFileError(path, problems)


def _last_audit_id(session: Session) -> int:
    return session.scalar(select(func.max(AuditEntry.id))) or 0


def _tally(session: Session, report: LoadReport, section: str, existed: bool, mark: int) -> None:
    session.flush()
    if not existed:
        report.created[section] += 1
    elif _last_audit_id(session) > mark:
        report.updated[section] += 1
    else:
        report.unchanged[section] += 1


def _load(session: Session, data: ReferenceFile, report: LoadReport) -> None:
    if data.zone is not None:
        mark = _last_audit_id(session)
        zone = session.scalar(select(Zone).where(Zone.code == data.zone.code))
        if zone is None:
            session.add(Zone(**data.zone.model_dump()))
        else:
            apply_changes(zone, data.zone.model_dump())
        _tally(session, report, "zone", zone is not None, mark)

    for class_data in data.priority_classes:
        mark = _last_audit_id(session)
        priority = session.scalar(
            select(PriorityClass).where(PriorityClass.code == class_data.code)
        )
        if priority is None:
            session.add(PriorityClass(**class_data.model_dump()))
        else:
            apply_changes(priority, class_data.model_dump())
        _tally(session, report, "priority_classes", priority is not None, mark)

    if data.booking_policy is not None:
        mark = _last_audit_id(session)
        existed = session.scalar(select(func.count(BookingPolicy.id))) or 0
        apply_changes(policy(session), data.booking_policy.model_dump(exclude_unset=True))
        _tally(session, report, "booking_policy", existed > 0, mark)

    for gate_data in data.gates:
        mark = _last_audit_id(session)
        gate = session.scalar(select(Gate).where(Gate.code == gate_data.code))
        if gate is None:
            create_gate(session, gate_data)
        else:
            update_gate(session, gate, GateUpdate(**_without(gate_data, "code")))
        _tally(session, report, "gates", gate is not None, mark)

    for enterprise_data in data.enterprises:
        mark = _last_audit_id(session)
        enterprise = session.scalar(
            select(Enterprise).where(Enterprise.tax_code == enterprise_data.tax_code)
        )
        if enterprise is None:
            create_enterprise(session, enterprise_data)
        else:
            values = _without(enterprise_data, "tax_code", "country", "is_illustrative")
            update_enterprise(session, enterprise, EnterpriseUpdate(**values), None)
            apply_changes(enterprise, {"is_illustrative": enterprise_data.is_illustrative})
        _tally(session, report, "enterprises", enterprise is not None, mark)

    _load_capacity(session, data.capacity, report)
    gate_ids = dict(session.execute(select(Gate.code, Gate.id)).all())
    enterprise_ids = dict(session.execute(select(Enterprise.tax_code, Enterprise.id)).all())

    for yard_data in data.yards:
        mark = _last_audit_id(session)
        yard = session.scalar(select(Yard).where(Yard.code == yard_data.code))
        operator_id = enterprise_ids[yard_data.operator]
        setup_fields = ("bays", "stevedore_shifts")
        if yard is None:
            values = _without(yard_data, "gate", "operator", *setup_fields)
            loaded = create_yard(
                session,
                YardCreate(**values, gate_id=gate_ids[yard_data.gate], operator_id=operator_id),
            )
        else:
            values = _without(
                yard_data, "gate", "operator", "code", "is_illustrative", *setup_fields
            )
            loaded = update_yard(session, yard, YardUpdate(**values, operator_id=operator_id))
        _tally(session, report, "yards", yard is not None, mark)
        if yard_data.bays or yard_data.stevedore_shifts:
            _load_transshipment(session, loaded, yard_data, report)

    for vehicle_data in data.vehicles:
        mark = _last_audit_id(session)
        vehicle = session.scalar(select(Vehicle).where(Vehicle.plate == vehicle_data.plate))
        if vehicle is None:
            values = _without(vehicle_data, "enterprise")
            owner = enterprise_ids[vehicle_data.enterprise]
            create_vehicle(session, VehicleCreate(**values, enterprise_id=owner), None)
        else:
            values = _without(vehicle_data, "enterprise", "plate")
            update_vehicle(session, vehicle, VehicleUpdate(**values), None)
        _tally(session, report, "vehicles", vehicle is not None, mark)

    for driver_data in data.drivers:
        mark = _last_audit_id(session)
        driver = session.scalar(
            select(Driver).where(
                Driver.nationality == driver_data.nationality,
                Driver.id_number == driver_data.id_number,
            )
        )
        if driver is None:
            values = _without(driver_data, "enterprise")
            owner = enterprise_ids[driver_data.enterprise]
            create_driver(session, DriverCreate(**values, enterprise_id=owner), None)
        else:
            values = {"full_name": driver_data.full_name, "phone": driver_data.phone}
            update_driver(session, driver, DriverUpdate(**values), None)
        _tally(session, report, "drivers", driver is not None, mark)


def _load_transshipment(session: Session, yard: Yard, entry: YardEntry, report: LoadReport) -> None:
    """The yard's bays, each by its code, and its stevedore shifts, through the
    set-up's own rules, as the yard's operator sets them through the API."""
    now = utcnow()
    set_up_yard(session, yard, YardSetup(is_transshipment=True))
    current = {bay.code: bay for bay in bays_of(session, yard)}
    for bay_data in entry.bays:
        mark = _last_audit_id(session)
        bay = current.get(bay_data.code)
        if bay is None:
            add_bay(session, yard, bay_data)
        else:
            change_bay(session, bay, BayUpdate(**_without(bay_data, "code")), now)
        _tally(session, report, "bays", bay is not None, mark)
    if entry.stevedore_shifts:
        mark = _last_audit_id(session)
        existed = bool(shifts_of(session, yard))
        set_shifts(session, yard, Shifts(shifts=entry.stevedore_shifts), now)
        _tally(session, report, "stevedore_shifts", existed, mark)


def _load_capacity(session: Session, entries: list[CapacityEntry], report: LoadReport) -> None:
    """Each gate and direction named in the file gets exactly the file's pattern,
    every lane's; an unchanged pattern is left alone, a changed one re-plans the
    gate's queue."""
    wanted: dict[tuple[str, Direction], set[tuple[LaneKind, int, time, time, int]]]
    wanted = defaultdict(set)
    for entry in entries:
        wanted[(entry.gate, entry.direction)] |= entry.pattern_rows()
    for (code, direction), rows in wanted.items():
        gate = session.scalar(select(Gate).where(Gate.code == code))
        assert gate is not None  # checked before loading
        existing = list(
            session.scalars(
                select(CapacityPattern).where(
                    CapacityPattern.gate_id == gate.id, CapacityPattern.direction == direction
                )
            )
        )
        current = {(p.lane, p.weekday, p.starts_at, p.ends_at, p.capacity) for p in existing}
        if current == rows:
            report.unchanged["capacity"] += 1
            continue
        for pattern in existing:
            session.delete(pattern)
        session.flush()
        session.add_all(
            CapacityPattern(
                gate_id=gate.id,
                direction=direction,
                lane=lane,
                weekday=weekday,
                starts_at=start,
                ends_at=end,
                capacity=capacity,
            )
            for lane, weekday, start, end, capacity in sorted(rows)
        )
        session.flush()
        replan_gate(session, gate, utcnow())
        (report.updated if existing else report.created)["capacity"] += 1


def _without(entry: InputSchema, *names: str) -> dict[str, Any]:
    return entry.model_dump(exclude=set(names))


def shipped_file(name: str) -> Path:
    """A data file shipped in the package, e.g. ``langson.yaml``."""
    return Path(str(files("cuakhau") / "reference" / "data" / name))
