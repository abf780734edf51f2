"""Demo accounts, one per role, for trying cuakhau on the demo data."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.accounts.schemas import UserCreate
from cuakhau.accounts.service import create_user, issue_token
from cuakhau.core.security import new_password
from cuakhau.crossings.booking import arrive, book
from cuakhau.crossings.schemas import BookingRequest, CargoLineIn
from cuakhau.models import Crossing, Enterprise, Gate, User, Vehicle, Yard
from cuakhau.models.enums import Direction, Regime, Role, VehicleKind
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
    """Book every demo vehicle at Hữu Nghị, so the queue, the public wait times and
    the estimates have something to show; every other truck has already checked in
    at the demo yard operator's yard (a cold space for fruit), so the yards are not empty
    either. Only on a database with no crossings."""
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
    booked = 0
    for vehicle in session.scalars(select(Vehicle).order_by(Vehicle.id)):
        direction = Direction.import_ if vehicle.plate_country == "CN" else Direction.export
        perishable = vehicle.kind is VehicleKind.refrigerated_truck
        request = BookingRequest(
            vehicle_id=vehicle.id,
            gate_id=gate.id,
            direction=direction,
            regime=Regime.import_ if direction is Direction.import_ else Regime.export,
            cargo=[DEMO_CARGO[perishable]],
        )
        crossing = book(session, enterprise_id=vehicle.enterprise_id, request=request, now=now)
        booked += 1
        if booked % 2 == 0 and yard is not None:
            check_in(session, yard, CheckIn(plate=vehicle.plate, cold=perishable), now)
        elif booked % 2 == 0:
            arrive(session, crossing, now)
    return booked


DEMO_GATE = "HUU-NGHI"
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
