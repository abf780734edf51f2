"""Closed vocabularies of the domain (docs/architecture.md, "Domain words")."""

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
    """Seen from Vietnam: export leaves, import enters."""

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


class Regime(StrEnum):
    export = "export"
    import_ = "import"
    re_export = "re_export"
    transit = "transit"
    # Trao đổi cư dân biên giới: the border residents' own trade, reported apart.
    border_resident = "border_resident"


class CrossingState(StrEnum):
    booked = "booked"
    arrived = "arrived"
    declared = "declared"
    cleared = "cleared"
    held = "held"
    called = "called"
    crossed = "crossed"
    returned = "returned"
    cancelled = "cancelled"
    no_show = "no_show"
    rejected = "rejected"
    # A trailer swap's steps (đổi đầu kéo): the trailer left in a yard, taken
    # across by a transfer driver, and after its return handed back to its owner.
    trailer_dropped = "trailer_dropped"
    trailer_taken = "trailer_taken"
    handed_back = "handed_back"
    # A transload's steps (sang tải): at a bay, unloaded, loaded onto the
    # outbound vehicle, released to cross.
    at_bay = "at_bay"
    unloaded = "unloaded"
    loaded = "loaded"
    released = "released"
    # Refused by the other side once a trailer swap's or a transload's step was
    # taken: its trailer or cargo back in our yard, to be handed back to its
    # owner (the crossing then ends ``rejected``).
    turned_back = "turned_back"


class HandoverMode(StrEnum):
    """How the cargo crosses: in the truck that brought it (drive-through), in
    its trailer behind a transfer driver's tractor (trailer swap, đổi đầu kéo),
    or moved truck to truck in a yard's bay (transload, sang tải)."""

    drive_through = "drive_through"
    trailer_swap = "trailer_swap"
    transload = "transload"


class LaneKind(StrEnum):
    """A kind of lane at a gate, each with its own capacity (docs/gate.md, "Lanes").
    Which truck may take which is the booking rule ``lane_allowed``."""

    ordinary = "ordinary"
    # A road for freight only (Hữu Nghị's dedicated route at markers 1119–1120).
    freight_road = "freight_road"
    # A fast lane for perishable cargo.
    perishable = "perishable"
    # Windows for vehicles registered as unmanned (the autonomous-truck pilot).
    unmanned = "unmanned"


class TrailerWait(StrEnum):
    """What a trailer standing in a yard waits for."""

    # To be taken across by a transfer driver.
    transfer_driver = "transfer_driver"
    # Back from across, to be handed back to its owner.
    hand_back = "hand_back"


class Side(StrEnum):
    """Whose staff: ours, or the counterpart's across the line."""

    ours = "ours"
    theirs = "theirs"


class CustomsChannel(StrEnum):
    green = "green"
    yellow = "yellow"
    red = "red"


class ReadPoint(StrEnum):
    yard_in = "yard_in"
    yard_out = "yard_out"
    gate_in = "gate_in"
    border_out = "border_out"
    border_in = "border_in"


class PriorityMatch(StrEnum):
    """Which crossings a priority class takes: the rule is data, the matching is here."""

    perishable = "perishable"
    empty = "empty"
    other = "other"


class OverrideKind(StrEnum):
    closure = "closure"
    factor = "factor"
    capacity = "capacity"
    # At most this many: what the other side accepts (docs/counterpart.md).
    ceiling = "ceiling"


class HistoryKind(StrEnum):
    """What an imported file of figures from before cuakhau holds."""

    trade = "trade"
    fees = "fees"


class FeeKind(StrEnum):
    infrastructure = "infrastructure"
    yard = "yard"
    # A transload's cargo moved in a bay (per tonne or container) and kept in
    # the yard between unloaded and loaded out (per day).
    transshipment = "transshipment"
    storage = "storage"


class BayKind(StrEnum):
    ordinary = "ordinary"
    cold = "cold"


class RateUnit(StrEnum):
    """What a bay's rate counts per hour."""

    tonne = "tonne"
    container = "container"


class TransloadState(StrEnum):
    booked = "booked"
    arrived = "arrived"
    started = "started"
    unloaded = "unloaded"
    finished = "finished"
    cancelled = "cancelled"
    no_show = "no_show"
    # Its crossing was refused by the other side: the cargo went back to the yard.
    turned_back = "turned_back"


class NotificationEvent(StrEnum):
    booking_confirmed = "booking_confirmed"
    moved_by_replan = "moved_by_replan"
    called = "called"
    held = "held"
    released = "released"
    crossed = "crossed"
    lost_window = "lost_window"
    cancelled = "cancelled"
    # Refused at the gate (customs, or the other side before its handover began).
    rejected = "rejected"
    # The other side refused a truck whose trailer or cargo had begun its handover:
    # it is back in our yard, waiting to be handed back.
    turned_back = "turned_back"
    # To the board, with no enterprise: a gate is forecast to reach orange.
    forecast_orange = "forecast_orange"
