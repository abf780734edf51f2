"""Load a zone's reference data file: validate all of it, then upsert it in one
transaction by natural keys (gate and yard codes, tax codes, plates, ID numbers),
so loading the same file again changes nothing."""

from collections import Counter
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cuakhau.core.errors import DomainError
from cuakhau.core.registry import apply_changes
from cuakhau.core.schemas import InputSchema, Name, TaxCode
from cuakhau.drivers.schemas import DriverBase, DriverCreate, DriverUpdate
from cuakhau.drivers.service import create_driver, update_driver
from cuakhau.enterprises.schemas import EnterpriseCreate, EnterpriseUpdate
from cuakhau.enterprises.service import create_enterprise, update_enterprise
from cuakhau.gates.schemas import GateCreate, GateUpdate
from cuakhau.gates.service import create_gate, update_gate
from cuakhau.models import AuditEntry, Driver, Enterprise, Gate, Vehicle, Yard, Zone
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


class YardEntry(YardBase):
    gate: str
    operator: TaxCode


class VehicleEntry(VehicleBase):
    enterprise: TaxCode


class DriverEntry(DriverBase):
    enterprise: TaxCode


class ReferenceFile(InputSchema):
    zone: ZoneEntry | None = None
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


SECTIONS = ("zone", "gates", "enterprises", "yards", "vehicles", "drivers")


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


def load_reference(session: Session, path: Path) -> LoadReport:
    data = read_reference_file(path)
    _check_references(session, path, data)
    report = LoadReport()
    try:
        _load(session, data, report)
    except DomainError as error:
        raise ReferenceFileError(path, [error.detail("en")]) from None
    return report


def _check_references(session: Session, path: Path, data: ReferenceFile) -> None:
    """Name every unknown gate or enterprise before anything is written."""
    gate_codes = {g.code for g in data.gates} | set(session.scalars(select(Gate.code)))
    tax_codes = {e.tax_code for e in data.enterprises} | set(
        session.scalars(select(Enterprise.tax_code))
    )
    problems = []
    for index, yard in enumerate(data.yards):
        if yard.gate not in gate_codes:
            problems.append(f"yards.{index}.gate: no gate with code {yard.gate}")
        if yard.operator not in tax_codes:
            problems.append(f"yards.{index}.operator: no enterprise with tax code {yard.operator}")
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

    gate_ids = dict(session.execute(select(Gate.code, Gate.id)).all())
    enterprise_ids = dict(session.execute(select(Enterprise.tax_code, Enterprise.id)).all())

    for yard_data in data.yards:
        mark = _last_audit_id(session)
        yard = session.scalar(select(Yard).where(Yard.code == yard_data.code))
        operator_id = enterprise_ids[yard_data.operator]
        if yard is None:
            values = _without(yard_data, "gate", "operator")
            create_yard(
                session,
                YardCreate(**values, gate_id=gate_ids[yard_data.gate], operator_id=operator_id),
            )
        else:
            values = _without(yard_data, "gate", "operator", "code", "is_illustrative")
            update_yard(session, yard, YardUpdate(**values, operator_id=operator_id))
        _tally(session, report, "yards", yard is not None, mark)

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


def _without(entry: InputSchema, *names: str) -> dict[str, Any]:
    return entry.model_dump(exclude=set(names))


def shipped_file(name: str) -> Path:
    """A data file shipped in the package, e.g. ``langson.yaml``."""
    return Path(str(files("cuakhau") / "reference" / "data" / name))
