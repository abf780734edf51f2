"""Demo accounts, one per role, for trying cuakhau on the demo data."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.accounts.schemas import UserCreate
from cuakhau.accounts.service import create_user, issue_token
from cuakhau.clearance.schemas import Declaration
from cuakhau.clearance.service import decide, declare
from cuakhau.core.clock import local_date
from cuakhau.core.config import Settings
from cuakhau.core.security import new_password
from cuakhau.counterpart.demo import create_demo_counterpart, demo_credentials
from cuakhau.crossings.booking import arrive, book
from cuakhau.crossings.schemas import BookingRequest, CargoLineIn
from cuakhau.fees.tariffs import load_tariffs, shipped_tariffs
from cuakhau.gateops.service import call_next, record_by_hand
from cuakhau.handovers.service import record_step
from cuakhau.investment.demo import load_demo_portfolio
from cuakhau.models import Crossing, Enterprise, Gate, User, Vehicle, Yard
from cuakhau.models.enums import (
    CrossingState,
    CustomsChannel,
    Direction,
    HandoverMode,
    LaneKind,
    ReadPoint,
    Regime,
    Role,
    VehicleKind,
)
from cuakhau.reads.schemas import PlateReadIn
from cuakhau.reads.service import ingest
from cuakhau.reference.loader import load_reference, shipped_file
from cuakhau.statistics.demo import load_synthetic_history
from cuakhau.transload.demo import create_demo_transloads
from cuakhau.transload.reconcile import Tolerance
from cuakhau.yards.visits import CheckIn, check_in

DEMO_YARD_OPERATOR = "4900526018"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    full_name: str
    enterprise_tax_code: str | None = None


DEMO_ACCOUNTS = (
    DemoAccount("admin", Role.admin, "Quản trị hệ thống"),
    DemoAccount("banquanly", Role.board, "Ban Quản lý Khu kinh tế"),
    DemoAccount("canbo.cuakhau", Role.gate_officer, "Cán bộ cửa khẩu Hữu Nghị"),
    DemoAccount("benbai", Role.yard_operator, "Điều hành bến bãi", DEMO_YARD_OPERATOR),
    DemoAccount("haiquan", Role.customs, "Cán bộ hải quan"),
    DemoAccount("doanhnghiep", Role.enterprise, "Nông sản Xứ Lạng", "4900909966"),
    DemoAccount("camera.huunghi", Role.camera, "Camera biển số Hữu Nghị"),
)


@dataclass(frozen=True)
class IssuedCredential:
    username: str
    role: Role
    # A password, or for a camera its API token.
    secret: str


def load_demo(session: Session, now: datetime, settings: Settings) -> list[IssuedCredential]:
    """Everything ``cuakhau demo`` puts in a migrated database: the Lạng Sơn
    reference data, tariffs, the board's portfolio, an account per role, the
    day's traffic and a transshipment yard's transloads as of ``now``, and two
    years of synthetic statistics before it. Loading it again adds nothing; the
    secrets of the accounts it made."""
    load_reference(session, shipped_file("langson.yaml"), settings)
    load_reference(session, shipped_file("demo.yaml"), settings)
    load_tariffs(session, shipped_tariffs())
    load_demo_portfolio(session)
    issued = create_demo_accounts(session)
    create_demo_traffic(session, now)
    load_synthetic_history(session, local_date(now))
    create_demo_transloads(session, now, Tolerance.of(settings))
    gate_id = session.scalar(select(Gate.id).where(Gate.code == DEMO_GATE))
    if gate_id is not None:
        create_demo_counterpart(session, gate_id, now, settings.resolved_secret_key)
    return issued


def demo_counterpart(session: Session, settings: Settings) -> tuple[str, str] | None:
    """The key and secret of the other side's system at the demo gate."""
    gate_id = session.scalar(select(Gate.id).where(Gate.code == DEMO_GATE))
    if gate_id is None:
        return None
    return demo_credentials(session, gate_id, settings.resolved_secret_key)


def create_demo_accounts(session: Session) -> list[IssuedCredential]:
    """Create the demo accounts that do not exist yet; return their new secrets."""
    issued = []
    for account in DEMO_ACCOUNTS:
        if session.scalar(select(User.id).where(User.username == account.username)):
            continue
        enterprise_id = None
        if account.enterprise_tax_code is not None:
            enterprise_id = session.scalar(
                select(Enterprise.id).where(Enterprise.tax_code == account.enterprise_tax_code)
            )
        password = None if account.role is Role.camera else new_password()
        user = create_user(
            session=session,
            data=UserCreate(
                username=account.username,
                full_name=account.full_name,
                role=account.role,
                enterprise_id=enterprise_id,
                password=password,
            ),
        )
        if password is None:
            password, _ = issue_token(session=session, user=user, label="demo", lifetime=None)
        issued.append(IssuedCredential(account.username, account.role, password))
    return issued


def create_demo_traffic(session: Session, now: datetime) -> int:
    """Book every demo vehicle at Hữu Nghị but one truck of the demo enterprise
    (``_left_free``), so the queue, the public wait times and the estimates have
    something to show and the enterprise can book; every other truck has already
    checked in at the demo yard operator's yard (a cold space for fruit), so the
    yards are not empty either; an unmanned truck is booked into Tân Thanh's
    unmanned window. Before that, two export trucks make a whole trip and cross.
    Only on a database with no crossings; the number booked into the queue."""
    if session.scalar(select(Crossing.id).limit(1)) is not None:
        return 0
    gate = session.scalar(select(Gate).where(Gate.code == DEMO_GATE))
    if gate is None:
        return 0
    # The demo yard operator's own yard at the gate, so `benbai` sees the trucks.
    yard = session.scalar(
        select(Yard)
        .join(Enterprise, Enterprise.id == Yard.operator_id)
        .where(
            Yard.gate_id == gate.id,
            Yard.is_active.is_(True),
            Enterprise.tax_code == DEMO_YARD_OPERATOR,
        )
        # The one /yard opens first (visible_yards' order).
        .order_by(Yard.code)
    )
    vehicles = list(session.scalars(select(Vehicle).order_by(Vehicle.id)))
    exporting = [v for v in vehicles if _direction(v) is Direction.export]
    for n, vehicle in enumerate(exporting[:DEMO_TRIPS_DONE]):
        _whole_trip(session, gate, vehicle, n, now)
    if yard is not None:
        swapping = exporting[DEMO_TRIPS_DONE : DEMO_TRIPS_DONE + len(DEMO_SWAPS)]
        for n, (vehicle, reached) in enumerate(zip(swapping, DEMO_SWAPS, strict=False)):
            _trailer_swap(session, gate, yard, vehicle, DEMO_TRIPS_DONE + n, reached, now)
    free = _left_free(session, vehicles)
    booked = piloted = 0
    pilot = session.scalar(select(Gate).where(Gate.code == DEMO_UNMANNED_GATE))
    for vehicle in vehicles:
        if vehicle.id in free:
            continue
        if vehicle.is_unmanned and pilot is not None:
            # The autonomous-truck pilot's window tonight (or the next night's).
            _book(session, pilot, vehicle, now, lane=LaneKind.unmanned)
            piloted += 1
            continue
        crossing = _book(session, gate, vehicle, now)
        booked += 1
        if booked % 2 == 0 and yard is not None:
            cold = vehicle.kind is VehicleKind.refrigerated_truck
            check_in(session, yard, CheckIn(plate=vehicle.plate, cold=cold), now)
        elif booked % 2 == 0:
            arrive(session, crossing, now)
    return booked + piloted


def _left_free(session: Session, vehicles: list[Vehicle]) -> set[int]:
    """The last truck of each enterprise a demo account signs in for: left
    without a booking, so its first try at the booking form can book."""
    tax_codes = {a.enterprise_tax_code for a in DEMO_ACCOUNTS if a.role is Role.enterprise}
    signed_in = set(
        session.scalars(select(Enterprise.id).where(Enterprise.tax_code.in_(tax_codes)))
    )
    last = {v.enterprise_id: v.id for v in vehicles if v.enterprise_id in signed_in}
    return set(last.values())


def _direction(vehicle: Vehicle) -> Direction:
    return Direction.import_ if vehicle.plate_country == "CN" else Direction.export


def _book(
    session: Session,
    gate: Gate,
    vehicle: Vehicle,
    now: datetime,
    mode: HandoverMode = HandoverMode.drive_through,
    lane: LaneKind | None = None,
) -> Crossing:
    """The earliest window with room; without ``lane``, in the lane the booking
    rules give (at Hữu Nghị, the freight road's before the ordinary's)."""
    direction = _direction(vehicle)
    request = BookingRequest(
        vehicle_id=vehicle.id,
        gate_id=gate.id,
        direction=direction,
        regime=Regime.import_ if direction is Direction.import_ else Regime.export,
        cargo=[DEMO_CARGO[vehicle.kind is VehicleKind.refrigerated_truck]],
        handover_mode=mode,
        lane=lane,
    )
    return book(session, enterprise_id=vehicle.enterprise_id, request=request, now=now)


def _called(
    session: Session,
    gate: Gate,
    vehicle: Vehicle,
    n: int,
    now: datetime,
    mode: HandoverMode = HandoverMode.drive_through,
) -> Crossing:
    """Booked, arrived, declared on the green channel, cleared and called, as
    the services would have moved it."""
    crossing = _book(session, gate, vehicle, now, mode)
    arrive(session, crossing, now)
    declare(
        session,
        crossing,
        Declaration(declaration_no=f"{n + 1:05d}/XK-MINHHOA", channel=CustomsChannel.green),
        at=now,
    )
    decide(session, crossing, at=now)
    call_next(session, gate.id, crossing.direction, 1, at=now)
    return crossing


def _trailer_swap(
    session: Session,
    gate: Gate,
    yard: Yard,
    vehicle: Vehicle,
    n: int,
    reached: CrossingState,
    now: datetime,
) -> None:
    """A trailer swap under way at the demo gate, whose yard offers it: the
    trailer left in the yard for a transfer driver, or back from across and
    waiting to be handed back. So the trailer list is not empty."""
    for place in (gate, yard):
        place.offers_trailer_swap = True
    crossing = _called(session, gate, vehicle, n, now, HandoverMode.trailer_swap)
    steps = SWAP_STEPS[: SWAP_STEPS.index(reached) + 1]
    for step in steps:
        record_step(session, crossing, step, at=now, reason="demo", yard_id=yard.id)


def _whole_trip(session: Session, gate: Gate, vehicle: Vehicle, n: int, now: datetime) -> None:
    """A truck that has already crossed today: called (``_called``) and seen
    leaving by the border camera (which charges its fees). So the board's
    throughput, the fees and the estimate record are not empty on the first look."""
    crossing = _called(session, gate, vehicle, n, now)
    camera = session.scalar(select(User).where(User.role == Role.camera).order_by(User.id))
    if camera is None:
        record_by_hand(session, crossing, CrossingState.crossed, "demo", at=now)
        return
    # Seen leaving once called: a read from before the call would be an alert.
    left_at = crossing.called_at or now
    read = PlateReadIn(
        read_id=f"demo-border-out-{n + 1}",
        plate=vehicle.plate,
        point=ReadPoint.border_out,
        read_at=left_at,
        confidence=0.97,
        gate_id=gate.id,
    )
    ingest(session, camera=camera, reads=[read], now=left_at)


DEMO_GATE = "HUU-NGHI"
# The gate of the autonomous-truck pilot's unmanned windows.
DEMO_UNMANNED_GATE = "TAN-THANH"
# Trucks that have crossed before the demo opens.
DEMO_TRIPS_DONE = 2
# A trailer swap's steps after the call, and where the demo's swaps have got to.
SWAP_STEPS = (
    CrossingState.trailer_dropped,
    CrossingState.trailer_taken,
    CrossingState.crossed,
    CrossingState.returned,
)
DEMO_SWAPS = (CrossingState.trailer_dropped, CrossingState.returned)
DEMO_CARGO = {
    True: CargoLineIn(
        hs_code="08109010",
        description="Thanh long tươi (minh họa)",
        packages=1200,
        weight_kg=18000,
        value_usd=Decimal("14400"),
        perishable=True,
    ),
    False: CargoLineIn(
        hs_code="44071100",
        description="Gỗ xẻ (minh họa)",
        packages=40,
        weight_kg=25000,
        value_usd=Decimal("9000"),
    ),
}
