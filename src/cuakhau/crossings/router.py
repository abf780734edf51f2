from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select

from cuakhau.accounts.deps import (
    BearerToken,
    current_user,
    enterprise_scope,
    require_roles,
    roles_guard,
)
from cuakhau.accounts.service import resolve_token_hash
from cuakhau.core.actor import Actor
from cuakhau.core.clock import utcnow
from cuakhau.core.database import session_scope
from cuakhau.core.deps import ANONYMOUS, DbSession, Now, api_router
from cuakhau.core.errors import InvalidInput, NotAuthenticated
from cuakhau.core.rows import page_of, paginate
from cuakhau.core.schemas import Page
from cuakhau.core.security import hash_token
from cuakhau.crossings import booking
from cuakhau.crossings.access import visible_crossing
from cuakhau.crossings.express import Caller, ExpressBooking
from cuakhau.crossings.queue import estimate_accuracy, position_of, queue_with_estimates
from cuakhau.crossings.schemas import (
    BookingRequest,
    CrossingDetail,
    CrossingFilters,
    CrossingRead,
    EstimateAccuracyRead,
    ManualMove,
    Position,
    QueueEntryRead,
    QueueQuery,
    WalkInRequest,
)
from cuakhau.crossings.states import move
from cuakhau.crossings.views import crossing_detail, position_view, queue_entry
from cuakhau.enterprises.service import resolve_owner
from cuakhau.models import Crossing, User, Vehicle
from cuakhau.models.enums import STAFF_ROLES, CrossingState, Role

router = api_router(tags=["crossings"])

BOOKING_ROLES = (Role.enterprise, Role.admin, Role.gate_officer)
Booker = Annotated[User, require_roles(*BOOKING_ROLES)]
Reader = Annotated[User, require_roles(*STAFF_ROLES, Role.enterprise)]
Staff = Annotated[User, require_roles(*STAFF_ROLES)]
YardSide = Annotated[User, require_roles(Role.admin, Role.gate_officer, Role.yard_operator)]
Officer = Annotated[User, require_roles(Role.admin, Role.gate_officer)]


_may_book = roles_guard(*BOOKING_ROLES)


async def booking_caller(request: Request, token: BearerToken) -> Caller:
    """Who books, known before the request's body is read (so a caller who may
    not book hears 401 or 403, whatever they sent). On PostgreSQL one read on
    the express lane's connections, or none for a caller it remembers;
    otherwise, or for a token it does not accept, the same check as every other
    handler's, which names what is wrong."""
    if not token:
        raise NotAuthenticated()
    express: ExpressBooking | None = request.app.state.express
    caller = await express.caller(token, utcnow()) if express is not None else None
    if caller is None:
        caller = await run_in_threadpool(_authenticated, request, token)
    _may_book(caller)
    return caller


def _authenticated(request: Request, token: str) -> Caller:
    with session_scope(request.app.state.session_factory, ANONYMOUS) as session:
        user = current_user(session, token)
        return Caller(user.role, user.enterprise_id, hash_token(token))


@router.post("/crossings", response_model=CrossingDetail, status_code=status.HTTP_201_CREATED)
async def book_crossing(
    data: BookingRequest, request: Request, caller: Annotated[Caller, Depends(booking_caller)]
) -> Any:
    """Book one unit of a window (``window_id``) or the earliest free one.
    A full window answers 409 with the next free windows.

    On PostgreSQL an enterprise's booking of a named window is taken at the
    door by the express lane (``crossings.door``); what the lane leaves, and
    everything else, reaches here: the general path."""
    return await run_in_threadpool(_book_generally, request, data, caller.token_hash, utcnow())


def _book_generally(
    request: Request, data: BookingRequest, token_hash: str, now: datetime
) -> CrossingDetail:
    """The booking as the other handlers work: one session, one thread, committed
    before the answer leaves. The token is checked again in the booking's own
    transaction: the caller let in may be one remembered from seconds ago
    (``ExpressBooking.caller``)."""
    with session_scope(request.app.state.session_factory, ANONYMOUS) as session:
        user = resolve_token_hash(session=session, token_hash=token_hash)
        _may_book(user)
        session.info["actor"] = Actor(label=user.username, user_id=user.id)
        owner = resolve_owner(session, user, data.enterprise_id)
        crossing = booking.book(session, enterprise_id=owner, request=data, now=now)
        return crossing_detail(session, crossing)


@router.get("/crossings", response_model=Page[CrossingRead])
def list_crossings(
    session: DbSession, user: Reader, filters: Annotated[CrossingFilters, Query()]
) -> Any:
    stmt = select(Crossing).order_by(Crossing.id.desc())
    scope = enterprise_scope(user)
    if scope is not None:
        stmt = stmt.where(Crossing.enterprise_id == scope)
    for column, value in (
        (Crossing.state, filters.state),
        (Crossing.gate_id, filters.gate_id),
        (Crossing.direction, filters.direction),
        (Crossing.enterprise_id, filters.enterprise_id),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if filters.plate:
        stmt = stmt.where(Crossing.plate.contains(filters.plate.upper(), autoescape=True))
    items, total = paginate(session, stmt, filters)
    return page_of(CrossingRead, items, total, filters)


@router.get("/crossings/{crossing_id}", response_model=CrossingDetail)
def read_crossing(crossing_id: int, session: DbSession, user: Reader) -> Any:
    return crossing_detail(
        session, visible_crossing(session=session, user=user, crossing_id=crossing_id)
    )


@router.post("/crossings/{crossing_id}/cancel", response_model=CrossingDetail)
def cancel_crossing(crossing_id: int, session: DbSession, user: Booker, now: Now) -> Any:
    crossing = booking.cancel(
        session, visible_crossing(session=session, user=user, crossing_id=crossing_id), now
    )
    return crossing_detail(session, crossing)


@router.get("/crossings/{crossing_id}/position", response_model=Position)
def crossing_position(crossing_id: int, session: DbSession, user: Reader, now: Now) -> Any:
    """Where is my truck: its place in the queue and estimated crossing time.
    Each estimate given is kept, to publish how far estimates are from the truth."""
    entry = position_of(
        session, visible_crossing(session=session, user=user, crossing_id=crossing_id), now
    )
    return position_view(entry)


@router.post(
    "/crossings/walk-in", response_model=CrossingDetail, status_code=status.HTTP_201_CREATED
)
def register_walk_in(data: WalkInRequest, session: DbSession, _user: YardSide) -> Any:
    """A truck at a yard without a booking: queued into the next free window."""
    vehicle = session.scalar(select(Vehicle).where(Vehicle.plate == data.plate))
    if vehicle is None or not vehicle.is_active:
        raise InvalidInput("unknown_plate", field="plate", plate=data.plate)
    crossing = booking.walk_in(
        session,
        vehicle=vehicle,
        gate_id=data.gate_id,
        direction=data.direction,
        regime=data.regime,
        cargo=data.cargo,
        driver_id=data.driver_id,
        yard_id=data.yard_id,
        now=utcnow(),
    )
    return crossing_detail(session, crossing)


@router.post("/crossings/{crossing_id}/arrive", response_model=CrossingDetail)
def record_arrival(crossing_id: int, session: DbSession, user: YardSide, now: Now) -> Any:
    """Record by hand that a booked truck has arrived (when a camera is down)."""
    crossing = booking.arrive(
        session, visible_crossing(session=session, user=user, crossing_id=crossing_id), now
    )
    return crossing_detail(session, crossing)


@router.post("/crossings/{crossing_id}/moves", response_model=CrossingDetail)
def record_move(
    crossing_id: int, data: ManualMove, session: DbSession, user: Officer, now: Now
) -> Any:
    """Record any allowed move by hand, with the reason; illegal moves are refused."""
    crossing = visible_crossing(session=session, user=user, crossing_id=crossing_id)
    if data.to_state is CrossingState.arrived and crossing.state is CrossingState.booked:
        booking.arrive(session, crossing, now)
    else:
        move(session, crossing, data.to_state, reason=data.reason)
    return crossing_detail(session, crossing)


@router.get("/queue", response_model=list[QueueEntryRead])
def live_queue(
    session: DbSession, _user: Staff, query: Annotated[QueueQuery, Query()], now: Now
) -> Any:
    """A gate's queue in one direction: every open crossing in order, with estimates."""
    entries = queue_with_estimates(session, query.gate_id, query.direction, now)
    return [queue_entry(entry) for entry in entries]


@router.get("/gates/{gate_id}/estimate-accuracy", response_model=EstimateAccuracyRead)
def gate_estimate_accuracy(
    gate_id: int,
    session: DbSession,
    _user: Staff,
    now: Now,
    days: Annotated[int, Query(ge=1, le=365)] = 30,
) -> Any:
    """How far the estimates given were from the real crossing times (minutes)."""
    accuracy = estimate_accuracy(session, gate_id, now - timedelta(days=days))
    return EstimateAccuracyRead.model_validate(accuracy)
