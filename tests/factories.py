"""Test data made through the same service functions the API uses."""

from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from cuakhau.accounts.service import issue_token
from cuakhau.core.security import hash_password
from cuakhau.drivers.schemas import DriverCreate
from cuakhau.drivers.service import create_driver
from cuakhau.enterprises.schemas import EnterpriseCreate
from cuakhau.enterprises.service import create_enterprise
from cuakhau.enterprises.tax_code import check_digit
from cuakhau.gates.schemas import GateCreate
from cuakhau.gates.service import create_gate
from cuakhau.models import Driver, Enterprise, Gate, User, Vehicle, Yard
from cuakhau.models.enums import EnterpriseRole, Role
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
