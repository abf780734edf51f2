"""Trucks walked to the gate for the statistics' tests."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from cuakhau.crossings.booking import arrive, book
from cuakhau.crossings.schemas import BookingRequest, CargoLineIn
from cuakhau.crossings.states import move
from cuakhau.models import Crossing, Enterprise, Gate
from cuakhau.models.enums import CrossingState as S
from cuakhau.models.enums import Direction, HandoverMode, Regime, VehicleKind
from tests.factories import make_open_gate, make_pattern, make_vehicle

BOOKED_AT = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)

DURIAN = {"hs_code": "08109010", "description": "Sầu riêng", "packages": 100}
WOOD = {"hs_code": "940360", "description": "Đồ gỗ", "packages": 10, "weight_kg": 500}


def at(day: str, hour: int = 3) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


# The steps from the one before crossing to crossing, by handover mode.
TO_CROSS: dict[HandoverMode, tuple[S, ...]] = {
    HandoverMode.drive_through: (S.crossed,),
    HandoverMode.trailer_swap: (S.trailer_dropped, S.trailer_taken, S.crossed),
    HandoverMode.transload: (S.at_bay, S.unloaded, S.loaded, S.released, S.crossed),
}


def two_way_gate(session: Session) -> Gate:
    """A gate open both ways round the clock, offering every handover mode."""
    gate = make_open_gate(session)
    make_pattern(session, gate, direction=Direction.import_, capacity=50, hours=range(24))
    gate.offers_trailer_swap = gate.offers_transload = True
    return gate


def cross(session: Session, crossing: Crossing, at: datetime) -> None:
    """The crossing's remaining steps of its mode, from where it is, to crossing at ``at``."""
    steps = TO_CROSS[crossing.handover_mode]
    if crossing.state in steps:
        steps = steps[steps.index(crossing.state) + 1 :]
    for state in steps:
        move(session, crossing, state, at=at, reason="test")


def called(
    session: Session,
    gate: Gate,
    firm: Enterprise,
    cargo: list[dict[str, Any]],
    *,
    direction: Direction = Direction.export,
    regime: Regime = Regime.export,
    kind: VehicleKind = VehicleKind.truck,
    mode: HandoverMode = HandoverMode.drive_through,
) -> Crossing:
    """A booked truck walked to ``called``: its next move is to cross."""
    vehicle = make_vehicle(session, firm, kind=kind.value)
    request = BookingRequest(
        vehicle_id=vehicle.id,
        gate_id=gate.id,
        direction=direction,
        regime=regime,
        handover_mode=mode,
        cargo=[CargoLineIn(**line) for line in cargo],
    )
    crossing = book(session, enterprise_id=firm.id, request=request, now=BOOKED_AT)
    arrive(session, crossing, BOOKED_AT)
    for state in (S.declared, S.cleared, S.called):
        move(session, crossing, state, at=BOOKED_AT, reason="test")
    return crossing


def crossed(session: Session, gate: Gate, firm: Enterprise, at: datetime, **kw: Any) -> Crossing:
    crossing = called(session, gate, firm, **kw)
    cross(session, crossing, at)
    return crossing
