"""The demo's transshipment yard: in Hữu Nghị's transshipment yard (its cold
bays and stevedore shifts from the reference data), dragon fruit being moved in
a cold bay now, the next slots, and timber held for customs after a count
difference."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.models import Crossing, Enterprise, Transload, Vehicle, Yard
from cuakhau.models.enums import CrossingState, VehicleKind
from cuakhau.transload import service
from cuakhau.transload.hours import HOUR
from cuakhau.transload.reconcile import Tolerance
from cuakhau.transload.schemas import LoadedOut, TransloadBooking, Unloaded
from cuakhau.transload.setup import bays_of

DEMO_TRANSSHIPMENT_YARD = "HN-TRUNG-CHUYEN"
DEMO_ENTERPRISE = "4900909966"
# Its bays the demo's cargo is moved in (langson.yaml).
COLD_BAY, ORDINARY_BAY = "L1", "T1"


def create_demo_transloads(session: Session, now: datetime, tolerance: Tolerance) -> int:
    """In the yard the reference data set up (its bays and stevedore shifts),
    only where it has no transloads yet; how many transloads were made."""
    yard = session.scalar(select(Yard).where(Yard.code == DEMO_TRANSSHIPMENT_YARD))
    firm = session.scalar(select(Enterprise.id).where(Enterprise.tax_code == DEMO_ENTERPRISE))
    if yard is None or firm is None or not yard.is_transshipment:
        return 0
    if session.scalar(select(Transload.id).where(Transload.yard_id == yard.id).limit(1)):
        return 0
    bays = {bay.code: bay for bay in bays_of(session, yard)}
    cold, ordinary = bays[COLD_BAY], bays[ORDINARY_BAY]
    this_hour = now.replace(minute=0, second=0, microsecond=0)

    def booking(bay_id: int, starts_at: datetime, **values: object) -> TransloadBooking:
        return TransloadBooking.model_validate(
            {"bay_id": bay_id, "starts_at": starts_at, "enterprise_id": firm, **values}
        )

    # Dragon fruit from a refrigerated truck of ours, at the cold bay now.
    fruit_truck = session.scalar(
        select(Crossing)
        .join(Vehicle, Vehicle.id == Crossing.vehicle_id)
        .where(
            Crossing.enterprise_id == firm,
            Crossing.state == CrossingState.arrived,
            Vehicle.kind == VehicleKind.refrigerated_truck,
        )
        .order_by(Crossing.id)
    )
    slot = this_hour - HOUR
    fruit = service.book(
        session,
        yard,
        booking(
            cold.id,
            slot,
            crossing_id=fruit_truck.id if fruit_truck else None,
            inbound_plate=fruit_truck.plate if fruit_truck else "12C-456.78",
            outbound_plate="桂F12345",
            cargo="Thanh long tươi (minh họa)",
            perishable=True,
            weight_kg=18000,
        ),
        None,
        slot - HOUR,
    )
    service.arrive(session, fruit, slot - timedelta(minutes=5))
    service.start(fruit, slot + timedelta(minutes=5))
    service.unloaded(
        session, fruit, Unloaded(packages=1200, weight_kg=18000), slot + timedelta(minutes=40)
    )
    # What comes next at the cold bay and the ordinary one.
    service.book(
        session,
        yard,
        booking(
            cold.id,
            this_hour + HOUR,
            inbound_plate="12C-111.22",
            cargo="Vải thiều tươi (minh họa)",
            perishable=True,
            weight_kg=9000,
        ),
        None,
        now - HOUR,
    )
    # Timber counted out short of what came in: held for customs.
    earlier = this_hour - 3 * HOUR
    timber = service.book(
        session,
        yard,
        booking(
            ordinary.id,
            earlier,
            inbound_plate="12C-333.44",
            outbound_plate="桂F67890",
            cargo="Gỗ xẻ (minh họa)",
            weight_kg=15000,
        ),
        None,
        earlier - HOUR,
    )
    service.arrive(session, timber, earlier)
    service.start(timber, earlier + timedelta(minutes=5))
    service.unloaded(
        session, timber, Unloaded(packages=40, weight_kg=15000), earlier + timedelta(minutes=30)
    )
    service.loaded_out(
        session,
        timber,
        LoadedOut(packages=38, weight_kg=14250),
        tolerance,
        earlier + timedelta(minutes=55),
    )
    session.flush()
    return 3
