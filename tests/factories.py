"""Test data made through the same service functions the API uses."""

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from cuakhau.accounts.service import issue_token
from cuakhau.core.clock import utcnow
from cuakhau.core.security import hash_password
from cuakhau.crossings.booking import book
from cuakhau.crossings.schemas import BookingRequest
from cuakhau.drivers.schemas import DriverCreate
from cuakhau.drivers.service import create_driver
from cuakhau.enterprises.schemas import EnterpriseCreate
from cuakhau.enterprises.service import create_enterprise
from cuakhau.enterprises.tax_code import check_digit
from cuakhau.gates.schemas import GateCreate
from cuakhau.gates.service import create_gate
from cuakhau.models import (
    CapacityPattern,
    Crossing,
    Driver,
    Enterprise,
    Gate,
    PriorityClass,
    User,
    Vehicle,
    Yard,
)
from cuakhau.models.enums import Direction, EnterpriseRole, LaneKind, Role
from cuakhau.vehicles.schemas import VehicleCreate
from cuakhau.vehicles.service import create_vehicle
from cuakhau.yards.schemas import YardCreate
from cuakhau.yards.service import create_yard

_sequence = count(1)


def valid_tax_code(n: int) -> str:
    """The n-th well-formed tax code with a correct check digit."""
    while True:
        first_nine = f"01{n:07d}"
        digit = check_digit(first_nine)
        if digit is not None:
            return f"{first_nine}{digit}"
        n += 1_000_000


def gate_data(**overrides: Any) -> dict[str, Any]:
    n = next(_sequence)
    return {
        "code": f"GATE-{n}",
        "name_vi": f"Cửa khẩu thử {n}",
        "name_en": f"Test gate {n}",
        "kind": "main",
        "mode": "road",
        "province": "Lạng Sơn",
        "district": "Cao Lộc",
        "opens_at": "07:00",
        "closes_at": "19:00",
        **overrides,
    }


def make_gate(session: Session, **overrides: Any) -> Gate:
    return create_gate(session, GateCreate(**gate_data(**overrides)))


def enterprise_data(**overrides: Any) -> dict[str, Any]:
    n = next(_sequence)
    return {
        "tax_code": valid_tax_code(n),
        "name_vi": f"Công ty thử {n}",
        "roles": ["exporter"],
        **overrides,
    }


def make_enterprise(session: Session, **overrides: Any) -> Enterprise:
    return create_enterprise(session, EnterpriseCreate(**enterprise_data(**overrides)))


def make_yard(session: Session, gate: Gate, operator: Enterprise, **overrides: Any) -> Yard:
    n = next(_sequence)
    data = {
        "code": f"YARD-{n}",
        "name_vi": f"Bãi thử {n}",
        "gate_id": gate.id,
        "operator_id": operator.id,
        "spaces": {"truck": 100, "container": 20},
        **overrides,
    }
    return create_yard(session, YardCreate(**data))


def vehicle_plate(n: int) -> str:
    return f"12C-{n % 1000:03d}.{n // 1000 % 100:02d}"


def make_vehicle(session: Session, enterprise: Enterprise, **overrides: Any) -> Vehicle:
    n = next(_sequence)
    data = {
        "enterprise_id": enterprise.id,
        "plate": vehicle_plate(n),
        "kind": "truck",
        "axles": 3,
        "payload_kg": 15000,
        **overrides,
    }
    return create_vehicle(session, VehicleCreate(**data), None)


def make_driver(session: Session, enterprise: Enterprise, **overrides: Any) -> Driver:
    n = next(_sequence)
    data = {
        "enterprise_id": enterprise.id,
        "full_name": f"Lái xe {n}",
        "id_number": f"{n:012d}",
        "nationality": "VN",
        "phone": "0912345678",
        **overrides,
    }
    return create_driver(session, DriverCreate(**data), None)


def make_priority_classes(session: Session) -> dict[str, PriorityClass]:
    """Perishables first, then ordinary cargo, then empty returns (at most half a window)."""
    classes = {
        "perishable": PriorityClass(
            code="perishable",
            name_vi="Nông sản tươi",
            name_en="Perishable",
            rank=1,
            match="perishable",
        ),
        "ordinary": PriorityClass(
            code="ordinary", name_vi="Hàng thường", name_en="Ordinary", rank=2, match="other"
        ),
        "empty": PriorityClass(
            code="empty_return",
            name_vi="Xe rỗng",
            name_en="Empty return",
            rank=3,
            match="empty",
            window_share=Decimal("0.5"),
        ),
    }
    session.add_all(classes.values())
    session.flush()
    return classes


def make_pattern(
    session: Session,
    gate: Gate,
    *,
    direction: Direction = Direction.export,
    capacity: int = 10,
    hours: range = range(7, 19),
    lane: LaneKind = LaneKind.ordinary,
) -> None:
    """Every day, one-hour windows of a lane over ``hours`` with ``capacity`` trucks each."""
    session.add_all(
        CapacityPattern(
            gate_id=gate.id,
            direction=direction,
            lane=lane,
            weekday=weekday,
            starts_at=time(hour),
            ends_at=time(hour + 1) if hour < 23 else time(23, 59),
            capacity=capacity,
        )
        for weekday in range(7)
        for hour in hours
    )
    session.flush()


def cargo(perishable: bool = False) -> list[dict[str, Any]]:
    return [
        {
            "hs_code": "081090" if perishable else "940360",
            "description": "Thanh long" if perishable else "Đồ gỗ",
            "packages": 800,
            "weight_kg": 16000,
            "value_usd": "12000.00",
            "perishable": perishable,
        }
    ]


def make_booking(
    session: Session,
    enterprise: Enterprise,
    gate: Gate,
    *,
    now: datetime,
    perishable: bool = False,
    empty: bool = False,
    window_id: int | None = None,
    direction: Direction = Direction.export,
) -> Crossing:
    vehicle = make_vehicle(session, enterprise)
    request = BookingRequest(
        vehicle_id=vehicle.id,
        gate_id=gate.id,
        direction=direction,
        regime="export" if direction is Direction.export else "import",
        cargo=[] if empty else cargo(perishable),
        window_id=window_id,
    )
    return book(session, enterprise_id=enterprise.id, request=request, now=now)


def make_user(
    session: Session,
    role: Role,
    *,
    enterprise: Enterprise | None = None,
    password: str | None = None,
    username: str | None = None,
) -> User:
    """A user row; hashing a password is slow, so only login tests ask for one."""
    n = next(_sequence)
    if role is Role.enterprise and enterprise is None:
        enterprise = make_enterprise(session, roles=[EnterpriseRole.exporter])
    user = User(
        username=username or f"{role.value}.{n}",
        full_name=f"{role.value} {n}",
        role=role,
        enterprise_id=enterprise.id if enterprise else None,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    return user


def bearer(session: Session, user: User) -> dict[str, str]:
    token, _ = issue_token(session=session, user=user, label="test", lifetime=None)
    return {"Authorization": f"Bearer {token}"}


def make_tariff(session: Session, **overrides: Any) -> Any:
    from cuakhau.fees.schemas import TariffCreate
    from cuakhau.fees.tariffs import create_tariff

    n = next(_sequence)
    data = {
        "code": f"TARIFF-{n}",
        "kind": "infrastructure",
        "description": f"Biểu phí thử {n}",
        "amount_vnd": 500_000,
        "effective_from": "2020-01-01",
        **overrides,
    }
    return create_tariff(session, TariffCreate(**data))


def make_investor(session: Session, **overrides: Any) -> Any:
    """A Vietnamese investor, ``NDT-VN`` unless told otherwise."""
    from cuakhau.investment.schemas import InvestorCreate
    from cuakhau.investment.service import create_investor

    data = {
        "code": "NDT-VN",
        "name_vi": "Công ty Thử nghiệm",
        "country": "VN",
        "tax_code": valid_tax_code(7001),
        **overrides,
    }
    return create_investor(session, InvestorCreate(**data))


def make_called_crossing(
    session: Session, enterprise: Enterprise, gate: Gate, *, now: datetime
) -> Crossing:
    """A booked crossing walked to ``called``: the next move is ``crossed``."""
    from cuakhau.crossings.booking import arrive
    from cuakhau.crossings.states import move
    from cuakhau.models.enums import CrossingState

    crossing = make_booking(session, enterprise, gate, now=now)
    arrive(session, crossing, now)
    for state in (CrossingState.declared, CrossingState.cleared, CrossingState.called):
        move(session, crossing, state, at=now)
    return crossing


def advance(session: Session, crossing: Crossing, to: Any, *, at: datetime) -> Crossing:
    """Move a crossing along its usual trip (arrived … returned) until it reaches
    ``to``, each move at ``at``."""
    from cuakhau.crossings.states import move
    from cuakhau.models.enums import CrossingState as S

    trip = (S.arrived, S.declared, S.cleared, S.called, S.crossed, S.returned)
    start = trip.index(crossing.state) + 1 if crossing.state in trip else 0
    for state in trip[start:]:
        move(session, crossing, state, at=at, reason="test")
        if state is to:
            break
    return crossing


def make_open_gate(session: Session) -> Gate:
    """A gate open round the clock with room to spare, priority classes in place."""
    from sqlalchemy import select

    if session.scalar(select(PriorityClass.id).limit(1)) is None:
        make_priority_classes(session)
    gate = make_gate(session, holiday_calendars=[])
    make_pattern(session, gate, capacity=50, hours=range(24))
    return gate


def make_trailer_swap(
    session: Session, enterprise: Enterprise, gate: Gate, yard: Yard, to: Any, *, now: datetime
) -> Crossing:
    """A trailer swap booked at ``gate`` and walked, each step at ``now``, to
    ``to`` (called … returned), its trailer left in ``yard``."""
    from cuakhau.crossings.booking import arrive
    from cuakhau.handovers.service import record_step
    from cuakhau.models.enums import CrossingState as S
    from cuakhau.models.enums import HandoverMode

    crossing = make_booking(session, enterprise, gate, now=now)
    crossing.handover_mode = HandoverMode.trailer_swap
    arrive(session, crossing, now)
    trip = (
        S.declared,
        S.cleared,
        S.called,
        S.trailer_dropped,
        S.trailer_taken,
        S.crossed,
        S.returned,
    )
    for state in trip[: trip.index(to) + 1]:
        record_step(session, crossing, state, at=now, reason="test", yard_id=yard.id)
    return crossing


def make_transload_yard(
    session: Session,
    gate: Gate,
    operator: Enterprise,
    *,
    bays: Sequence[dict[str, Any]] = ({"code": "L1", "kind": "cold", "capacity": 2, "rate": 10},),
    teams: int = 10,
) -> tuple[Yard, list[Any]]:
    """A transshipment yard with these bays (rate in tonnes an hour unless said)
    and ``teams`` stevedore teams round the clock."""
    from cuakhau.transload.schemas import BayCreate, ShiftIn, Shifts, YardSetup
    from cuakhau.transload.setup import add_bay, set_shifts, set_up_yard

    yard = make_yard(session, gate, operator)
    set_up_yard(session, yard, YardSetup(is_transshipment=True))
    made = [add_bay(session, yard, BayCreate(**{"rate_unit": "tonne", **bay})) for bay in bays]
    day = Shifts(shifts=[ShiftIn(starts_at=time(0), ends_at=time(0), teams=teams)])
    set_shifts(session, yard, day, utcnow())
    return yard, made


def next_hours(count: int = 1, days_ahead: int = 1) -> list[datetime]:
    """Whole hours from the same hour ``days_ahead`` days from now: still to come
    whatever the hour the test runs at."""
    start = utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(days=days_ahead)
    return [start + timedelta(hours=n) for n in range(count)]
