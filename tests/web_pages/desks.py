"""The declaration the page tests are generated from (tests/web_pages/test_pages.py):
each registry and desk, who opens it, how to make one more row of its list, its
detail page and its form. A new page is one more ``Desk`` here."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cuakhau.core.clock import utcnow
from cuakhau.crossings.booking import arrive
from cuakhau.investment.schemas import ProjectCreate
from cuakhau.investment.service import register_project
from cuakhau.models import (
    Crossing,
    Enterprise,
    Gate,
    InvestmentProject,
    Receipt,
    User,
    Vehicle,
    Yard,
    YardVisit,
)
from cuakhau.models.enums import STAFF_ROLES, CrossingState, Role
from cuakhau.yards.visits import CheckIn, check_in
from tests.factories import (
    advance,
    make_booking,
    make_driver,
    make_gate,
    make_user,
    make_vehicle,
)


@dataclass(frozen=True)
class World:
    """What every desk's rows stand on (made by the ``world`` fixture): an open
    gate, the enterprise and yard operator the logged-in accounts belong to, their
    yard, an investor and a tariff line."""

    gate_id: int
    enterprise_id: int
    operator_id: int
    yard_id: int
    investor_code: str
    users: dict[Role, int]


@dataclass(frozen=True)
class Row:
    """One row made for a list: its id (for its detail page) and a text the list shows."""

    id: int
    text: str | None


def _enterprise(session: Session, world: World) -> Enterprise:
    enterprise = session.get(Enterprise, world.enterprise_id)
    assert enterprise is not None
    return enterprise


def _gate(session: Session, world: World) -> Gate:
    gate = session.get(Gate, world.gate_id)
    assert gate is not None
    return gate


def _booking(session: Session, world: World) -> Crossing:
    return make_booking(session, _enterprise(session, world), _gate(session, world), now=utcnow())


def booked(session: Session, world: World) -> Row:
    crossing = _booking(session, world)
    return Row(crossing.id, crossing.plate)


def counted_booking(session: Session, world: World) -> Row:
    return Row(_booking(session, world).id, None)


def arrived(session: Session, world: World) -> Row:
    crossing = _booking(session, world)
    arrive(session, crossing, utcnow())
    return Row(crossing.id, crossing.plate)


def receipt(session: Session, world: World) -> Row:
    crossing = _booking(session, world)
    advance(session, crossing, CrossingState.crossed, at=utcnow())
    made = session.scalars(select(Receipt).where(Receipt.crossing_id == crossing.id)).one()
    return Row(made.id, made.number)


def vehicle_and_driver(session: Session, world: World) -> Row:
    enterprise = _enterprise(session, world)
    make_driver(session, enterprise)
    vehicle = make_vehicle(session, enterprise)
    return Row(vehicle.id, vehicle.plate)


def parked(session: Session, world: World) -> Row:
    vehicle = make_vehicle(session, _enterprise(session, world))
    yard = session.get(Yard, world.yard_id)
    assert yard is not None
    visit = check_in(session, yard, CheckIn(plate=vehicle.plate), utcnow() - timedelta(hours=2))
    return Row(visit.id, vehicle.plate)


def project(session: Session, world: World) -> Row:
    number = (session.scalar(select(func.count()).select_from(InvestmentProject)) or 0) + 1
    made = register_project(
        session,
        ProjectCreate(
            code=f"DA-{number:03d}",
            name_vi=f"Dự án thử {number}",
            foreign_invested=False,
            sector="yard",
            area="gate_area",
            land_area_ha=Decimal("2.5"),
            certificate_no=f"GCN-{number}",
            certificate_date=date(2020, 3, 15),
            capital_vnd=10**9,
            investors=[world.investor_code],
        ),
    )
    return Row(made.id, made.code)


def account(session: Session, world: World) -> Row:
    user = make_user(session, Role.customs)
    return Row(user.id, user.username)


def gate(session: Session, world: World) -> Row:
    made = make_gate(session, holiday_calendars=[])
    return Row(made.id, made.code)


def audited_change(session: Session, world: World) -> Row:
    made = make_gate(session, holiday_calendars=[])
    session.flush()
    return Row(made.id, None)


def _count(model: type) -> Callable[[Session], int]:
    return lambda session: session.scalar(select(func.count()).select_from(model)) or 0


@dataclass(frozen=True)
class Form:
    """A page's form: where it is shown, where it posts, a valid filling (given the
    world), the field that, left empty, must be refused, and how to count what it makes."""

    page: str
    action: str
    data: Callable[[World], dict[str, str]]
    required: str
    count: Callable[[Session], int]


@dataclass(frozen=True)
class Desk:
    """A list page, who may open it (``None``: anyone), how to add one row it lists,
    and optionally a row's detail page (``{id}``) and a form."""

    name: str
    path: str
    roles: tuple[Role | None, ...]
    add: Callable[[Session, World], Row]
    detail: str | None = None
    form: Form | None = None


PUBLIC = (None,)
# A registered truck the yard's form checks in (the world has it).
WALK_IN_PLATE = "98C-765.43"

DESKS = (
    # The home page, the wait times and the map count trucks per gate: the rows
    # that grow by the hour. Each gate still costs its own statements (its
    # windows made and read, about eight a gate and direction, shared by every
    # caller for two seconds): they grow with the zone's gates, a registry of
    # eight here, and are not guarded.
    Desk("home", "/", PUBLIC, counted_booking),
    Desk("wait_times", "/wait-times", PUBLIC, counted_booking),
    Desk("zone", "/zone", PUBLIC, counted_booking),
    Desk("invest", "/invest", PUBLIC, project),
    Desk(
        "crossings",
        "/crossings",
        (Role.enterprise,),
        booked,
        detail="/crossings/{id}",
    ),
    Desk(
        "fleet",
        "/fleet",
        (Role.enterprise,),
        vehicle_and_driver,
        form=Form(
            page="/fleet",
            action="/fleet/vehicles",
            data=lambda world: {
                "plate": "29C-123.45",
                "kind": "truck",
                "axles": "3",
                "payload_kg": "30000",
                "is_unmanned": "on",
            },
            required="plate",
            count=_count(Vehicle),
        ),
    ),
    Desk("fees", "/fees", (Role.enterprise,), receipt, detail="/fees/receipts/{id}"),
    Desk("gate", "/gate", (Role.gate_officer, Role.admin), booked),
    Desk(
        "yard",
        "/yard",
        (Role.yard_operator, Role.gate_officer, Role.admin),
        parked,
        form=Form(
            page="/yard",
            action="/yard/{yard_id}/visits",
            data=lambda world: {"plate": WALK_IN_PLATE, "action": "check_in"},
            required="plate",
            count=_count(YardVisit),
        ),
    ),
    Desk(
        "customs",
        "/customs",
        (Role.customs, Role.admin),
        arrived,
        detail="/customs/crossings/{id}",
    ),
    # The board counts trucks rather than listing them.
    Desk("board", "/board", (Role.board, Role.admin), counted_booking),
    Desk(
        "investment",
        "/investment",
        tuple(sorted(STAFF_ROLES)),
        project,
        detail="/investment/projects/{id}",
        form=Form(
            page="/investment/projects/new",
            action="/investment/projects",
            data=lambda world: {
                "code": "BB-01",
                "name_vi": "Bến bãi thử nghiệm",
                "foreign_invested": "no",
                "sector": "yard",
                "area": "gate_area",
                "land_area_ha": "3,5",
                "certificate_no": "GCN-01",
                "certificate_date": "15/03/2020",
                "capital_vnd": "1000000000",
                "investors": world.investor_code,
            },
            required="certificate_date",
            count=_count(InvestmentProject),
        ),
    ),
    Desk(
        "users",
        "/admin/users",
        (Role.admin,),
        account,
        detail="/admin/users/{id}",
        form=Form(
            page="/admin/users",
            action="/admin/users",
            data=lambda world: {
                "username": "haiquan.moi",
                "full_name": "Cán bộ hải quan mới",
                "role": "customs",
                "password": "mat-khau-rat-dai-123",
            },
            required="username",
            count=_count(User),
        ),
    ),
    Desk("reference", "/admin/reference", (Role.admin,), gate),
    Desk("audit", "/admin/audit", (Role.admin,), audited_change),
)
