"""Transshipment yards over HTTP: their set-up (administrator, the yard's
operator), transload slots (enterprises and operators book; operators move
them), customs' release of held cargo, and the board."""

from typing import Annotated

from fastapi import Query, status

from cuakhau.accounts.deps import require_roles
from cuakhau.core.deps import AppSettings, DbSession, Now, api_router
from cuakhau.core.rows import paginate
from cuakhau.core.schemas import Id, Page
from cuakhau.models import Transload, User
from cuakhau.models.enums import STAFF_ROLES, Role
from cuakhau.transload import service, setup
from cuakhau.transload.board import board
from cuakhau.transload.reconcile import Tolerance
from cuakhau.transload.schemas import (
    BayCreate,
    BayRead,
    BayUpdate,
    Board,
    LoadedOut,
    ShiftRead,
    Shifts,
    TransloadBooking,
    TransloadFilters,
    TransloadRead,
    Unloaded,
    WithReason,
    YardSetup,
)
from cuakhau.yards.schemas import YardRead
from cuakhau.yards.visits import visible_yard

router = api_router(prefix="/yards/{yard_id}", tags=["transload"])
moves = api_router(prefix="/transloads/{transload_id}", tags=["transload"])

Setter = Annotated[User, require_roles(*setup.SETUP_ROLES)]
Booker = Annotated[User, require_roles(*service.BOOKING_ROLES)]
Operator = Annotated[User, require_roles(*service.OPERATOR_ROLES)]
Releaser = Annotated[User, require_roles(*service.RELEASE_ROLES)]
Reader = Annotated[User, require_roles(*STAFF_ROLES, Role.enterprise)]


@router.put("/transshipment", response_model=YardRead)
def set_up(yard_id: Id, data: YardSetup, session: DbSession, user: Setter) -> YardRead:
    """Mark a yard as a transshipment yard (or no longer)."""
    yard = setup.set_up_yard(session, visible_yard(session, yard_id, user), data)
    return YardRead.model_validate(yard)


@router.get("/bays", response_model=list[BayRead])
def list_bays(yard_id: Id, session: DbSession, user: Reader) -> list[BayRead]:
    yard = setup.transshipment_yard(session, yard_id, user)
    return [BayRead.model_validate(bay) for bay in setup.bays_of(session, yard)]


@router.post("/bays", response_model=BayRead, status_code=status.HTTP_201_CREATED)
def add_bay(yard_id: Id, data: BayCreate, session: DbSession, user: Setter) -> BayRead:
    yard = setup.transshipment_yard(session, yard_id, user)
    return BayRead.model_validate(setup.add_bay(session, yard, data))


@router.patch("/bays/{bay_id}", response_model=BayRead)
def change_bay(
    yard_id: Id, bay_id: Id, data: BayUpdate, session: DbSession, user: Setter, now: Now
) -> BayRead:
    yard = setup.transshipment_yard(session, yard_id, user)
    bay = setup.yard_bay(session, yard, bay_id)
    return BayRead.model_validate(setup.change_bay(session, bay, data, now))


@router.get("/stevedore-shifts", response_model=list[ShiftRead])
def list_shifts(yard_id: Id, session: DbSession, user: Reader) -> list[ShiftRead]:
    yard = setup.transshipment_yard(session, yard_id, user)
    return [ShiftRead.model_validate(shift) for shift in setup.shifts_of(session, yard)]


@router.put("/stevedore-shifts", response_model=list[ShiftRead])
def set_shifts(
    yard_id: Id, data: Shifts, session: DbSession, user: Setter, now: Now
) -> list[ShiftRead]:
    yard = setup.transshipment_yard(session, yard_id, user)
    return [ShiftRead.model_validate(s) for s in setup.set_shifts(session, yard, data, now)]


@router.post("/transloads", response_model=TransloadRead, status_code=status.HTTP_201_CREATED)
def book(
    yard_id: Id, data: TransloadBooking, session: DbSession, user: Booker, now: Now
) -> TransloadRead:
    """Take a bay slot: the hours the bay's rate needs for the cargo, from
    ``starts_at``, and a stevedore team for each (409 ``bay_hour_full`` or
    ``stevedores_busy`` naming the first hour without room)."""
    yard = setup.transshipment_yard(session, yard_id, user)
    return _view(session, service.book(session, yard, data, user, now), now)


@router.get("/transloads", response_model=Page[TransloadRead])
def list_transloads(
    yard_id: Id,
    session: DbSession,
    user: Reader,
    filters: Annotated[TransloadFilters, Query()],
    now: Now,
) -> Page[TransloadRead]:
    yard = setup.transshipment_yard(session, yard_id, user)
    rows, total = paginate(session, service.transload_query(yard, filters, user), filters)
    items = service.transload_views(session, rows, now)
    return Page[TransloadRead](items=items, total=total, limit=filters.limit, offset=filters.offset)


@router.get("/transload-board", response_model=Board)
def transload_board(yard_id: Id, session: DbSession, user: Reader, now: Now) -> Board:
    yard = setup.transshipment_yard(session, yard_id, user)
    return board(session, yard, now)


def _view(session: DbSession, transload: Transload, now: Now) -> TransloadRead:
    return service.transload_views(session, [transload], now)[0]


@moves.post("/arrive", response_model=TransloadRead)
def arrive(transload_id: Id, session: DbSession, user: Operator, now: Now) -> TransloadRead:
    transload = service.arrive(session, service.get_transload(session, transload_id, user), now)
    return _view(session, transload, now)


@moves.post("/start", response_model=TransloadRead)
def start(transload_id: Id, session: DbSession, user: Operator, now: Now) -> TransloadRead:
    transload = service.start(service.get_transload(session, transload_id, user), now)
    return _view(session, transload, now)


@moves.post("/unloaded", response_model=TransloadRead)
def unloaded(
    transload_id: Id, data: Unloaded, session: DbSession, user: Operator, now: Now
) -> TransloadRead:
    """The inbound vehicle's cargo counted off: packages and weight."""
    transload = service.get_transload(session, transload_id, user)
    return _view(session, service.unloaded(session, transload, data, now), now)


@moves.post("/loaded-out", response_model=TransloadRead)
def loaded_out(
    transload_id: Id,
    data: LoadedOut,
    session: DbSession,
    user: Operator,
    now: Now,
    settings: AppSettings,
) -> TransloadRead:
    """Counted onto the outbound vehicle. A difference beyond the tolerance
    holds the cargo for customs (``held``), with both counts."""
    tolerance = Tolerance.of(settings)
    transload = service.get_transload(session, transload_id, user)
    return _view(session, service.loaded_out(session, transload, data, tolerance, now), now)


@moves.post("/cancel", response_model=TransloadRead)
def cancel(transload_id: Id, session: DbSession, user: Booker, now: Now) -> TransloadRead:
    transload = service.get_transload(session, transload_id, user)
    return _view(session, service.cancel(session, transload, now), now)


@moves.post("/no-show", response_model=TransloadRead)
def no_show(transload_id: Id, session: DbSession, user: Operator, now: Now) -> TransloadRead:
    transload = service.get_transload(session, transload_id, user)
    return _view(session, service.no_show(session, transload, now), now)


@moves.post("/release-hold", response_model=TransloadRead)
def release_hold(
    transload_id: Id, data: WithReason, session: DbSession, user: Releaser, now: Now
) -> TransloadRead:
    """Customs lets cargo held for a count difference go, saying why."""
    transload = service.get_transload(session, transload_id, user)
    return _view(session, service.release_hold(session, transload, data.reason, now), now)
