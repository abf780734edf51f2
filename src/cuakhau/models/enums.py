"""Closed vocabularies of the domain (DESIGN.md, "Domain words")."""

from enum import StrEnum


class GateKind(StrEnum):
    international = "international"
    main = "main"
    secondary = "secondary"
    crossing_point = "crossing_point"


class GateMode(StrEnum):
    road = "road"
    rail = "rail"


class Direction(StrEnum):
    export = "export"
    import_ = "import"


class EnterpriseRole(StrEnum):
    exporter = "exporter"
    importer = "importer"
    logistics = "logistics"
    yard_operator = "yard_operator"


class VehicleKind(StrEnum):
    truck = "truck"
    refrigerated_truck = "refrigerated_truck"
    tractor_unit = "tractor_unit"
    tanker = "tanker"
    van = "van"


class VehicleClass(StrEnum):
    """Size class that yard spaces and fees are counted in."""

    small = "small"
    truck = "truck"
    container = "container"


VEHICLE_CLASS_OF_KIND: dict[VehicleKind, VehicleClass] = {
    VehicleKind.truck: VehicleClass.truck,
    VehicleKind.refrigerated_truck: VehicleClass.truck,
    VehicleKind.tanker: VehicleClass.truck,
    VehicleKind.tractor_unit: VehicleClass.container,
    VehicleKind.van: VehicleClass.small,
}


class Role(StrEnum):
    admin = "admin"
    board = "board"
    gate_officer = "gate_officer"
    yard_operator = "yard_operator"
    customs = "customs"
    enterprise = "enterprise"
    camera = "camera"


STAFF_ROLES = frozenset(
    {Role.admin, Role.board, Role.gate_officer, Role.yard_operator, Role.customs}
)
