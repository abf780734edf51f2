import re
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy import select

from cuakhau.accounts.deps import (
    bearer_token,
    current_user,
    enterprise_scope,
    require_roles,
    roles_guard,
)
from cuakhau.core.database import session_scope
from cuakhau.core.deps import ANONYMOUS, DbSession, Now, api_router
from cuakhau.core.errors import InvalidInput, NotAuthenticated
from cuakhau.core.rows import page_of, paginate
from cuakhau.core.schemas import Id, Page
from cuakhau.core.security import hash_token
from cuakhau.crossings import booking, cargo
from cuakhau.crossings.access import visible_crossing
from cuakhau.crossings.booking import Caller, Placed
from cuakhau.crossings.calls import place_now
from cuakhau.crossings.queue import estimate_accuracy, position_of, queue_with_estimates
from cuakhau.crossings.rules import BOOKING_ROLES, WALK_IN_ROLES, Kind
from cuakhau.crossings.schemas import (
    BookingRequest,
    CargoLineMend,
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
from cuakhau.crossings.views import crossing_detail, position_view, queue_entry
from cuakhau.handovers.service import record_step
from cuakhau.live.changes import queue_changed
from cuakhau.live.hub import QueueChange
from cuakhau.models import Crossing, User
from cuakhau.models.enums import STAFF_ROLES, CrossingState, Role

router = api_router(tags=["crossings"])

Booker = Annotated[User, require_roles(*BOOKING_ROLES)]
Reader = Annotated[User, require_roles(*STAFF_ROLES, Role.enterprise)]
Staff = Annotated[User, require_roles(*STAFF_ROLES)]
YardSide = Annotated[User, require_roles(*WALK_IN_ROLES)]
Officer = Annotated[User, require_roles(Role.admin, Role.gate_officer)]
Mender = Annotated[User, require_roles(Role.admin, Role.customs)]

KEY_LENGTH = 100
KEY_PATTERN = r"^[A-Za-z0-9._:-]{1,100}$"


def idempotency_key(request: Request) -> str | None:
    """The request's ``Idempotency-Key``, if it sent one that is well formed."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not re.fullmatch(KEY_PATTERN, key):
        raise InvalidInput("idempotency_key_invalid", field="Idempotency-Key", max=KEY_LENGTH)
    return key


def is_json(content_type: str) -> bool:
    """The content types FastAPI reads a JSON body from."""
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


# The booking's body, checked by the booking route itself (``book_crossing``).
_BOOKING_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": BookingRequest.model_json_schema(ref_template="#/components/schemas/{model}")
        }
    },
}
_IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Any unique string (a UUID) per booking. Sent again with the same request "
        f"within a day, it answers with the crossing the first one made (at most "
        f"{KEY_LENGTH} letters, digits or - _ . :)."
    ),
    "schema": {"type": "string", "maxLength": KEY_LENGTH, "pattern": KEY_PATTERN},
}


@router.post(
    "/crossings",
    response_model=CrossingDetail,
    status_code=status.HTTP_201_CREATED,
    openapi_extra={"requestBody": _BOOKING_BODY, "parameters": [_IDEMPOTENCY_HEADER]},
)
async def book_crossing(request: Request) -> Response:
    """Book one unit of a window (``window_id``) or the earliest free one.
    A full window answers 409 with the next free windows. The token is checked
    by the booking's rules, in the booking's own transaction (an enterprise
    books for itself; an officer names the enterprise)."""
    token = bearer_token(request)
    if not token:
        raise NotAuthenticated()
    key = idempotency_key(request)
    data = await _booking_request(request, token)
    caller = Caller(token_hash=hash_token(token))
    state = request.app.state
    now = state.clock()
    if state.calls is None:
        placed = await run_in_threadpool(_book, request, data, caller, key, now)
    else:
        placed = await place_now(
            state.calls,
            state.session_factory,
            Kind.booking,
            caller,
            data,
            now,
            idempotency_key=key,
        )
        if placed.detail is not None:
            state.announce([QueueChange(data.gate_id, data.direction.value)])
    if placed.detail is None:
        placed = await run_in_threadpool(_replayed, request, placed)
    return _created(placed)


async def _booking_request(request: Request, token: str) -> BookingRequest:
    """The body as ``BookingRequest``. A caller who may not book hears 401 or
    403 rather than what is wrong with the body."""
    body = await request.body()
    try:
        if is_json(request.headers.get("content-type", "")):
            return BookingRequest.model_validate_json(body)
        return BookingRequest.model_validate(body)
    except ValidationError as error:
        await run_in_threadpool(_may_book, request, token)
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors()]
        ) from None


def _may_book(request: Request, token: str) -> None:
    with session_scope(request.app.state.session_factory, ANONYMOUS) as session:
        roles_guard(*BOOKING_ROLES)(current_user(session, token))


def _book(
    request: Request, data: BookingRequest, caller: Caller, key: str | None, now: datetime
) -> Placed:
    with session_scope(request.app.state.session_factory, ANONYMOUS) as session:
        placed = booking.place(session, Kind.booking, caller, data, now, idempotency_key=key)
        if placed.detail is not None:
            queue_changed(session, data.gate_id, data.direction.value)
        return placed


def _replayed(request: Request, placed: Placed) -> Placed:
    """The crossing an idempotency key made, as it is now."""
    with session_scope(request.app.state.session_factory, ANONYMOUS) as session:
        crossing = session.get_one(Crossing, placed.crossing_id)
        return Placed(placed.crossing_id, crossing_detail(session, crossing), replayed=True)


def _created(placed: Placed) -> Response:
    assert placed.detail is not None
    headers = {"Idempotent-Replayed": "true"} if placed.replayed else None
    return Response(
        placed.detail.model_dump_json(),
        status_code=status.HTTP_201_CREATED,
        media_type="application/json",
        headers=headers,
    )


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
def read_crossing(crossing_id: Id, session: DbSession, user: Reader) -> Any:
    return crossing_detail(
        session, visible_crossing(session=session, user=user, crossing_id=crossing_id)
    )


@router.post("/crossings/{crossing_id}/cancel", response_model=CrossingDetail)
def cancel_crossing(crossing_id: Id, session: DbSession, user: Booker, now: Now) -> Any:
    crossing = booking.cancel(
        session, visible_crossing(session=session, user=user, crossing_id=crossing_id), now
    )
    return crossing_detail(session, crossing)


@router.get("/crossings/{crossing_id}/position", response_model=Position)
def crossing_position(crossing_id: Id, session: DbSession, user: Reader, now: Now) -> Any:
    """Where is my truck: its place in the queue and estimated crossing time.
    Each estimate given is kept, to publish how far estimates are from the truth."""
    entry = position_of(
        session, visible_crossing(session=session, user=user, crossing_id=crossing_id), now
    )
    return position_view(entry)


@router.post(
    "/crossings/walk-in",
    response_model=CrossingDetail,
    status_code=status.HTTP_201_CREATED,
    openapi_extra={"parameters": [_IDEMPOTENCY_HEADER]},
)
def register_walk_in(
    data: WalkInRequest, request: Request, session: DbSession, user: YardSide, now: Now
) -> Response:
    """A truck at a yard without a booking: queued into the next free window."""
    placed = booking.place(
        session,
        Kind.walk_in,
        Caller(user_id=user.id, label=user.username),
        data,
        now,
        idempotency_key=idempotency_key(request),
    )
    crossing = session.get_one(Crossing, placed.crossing_id)
    queue_changed(session, crossing.gate_id, crossing.direction.value)
    return _created(Placed(placed.crossing_id, crossing_detail(session, crossing), placed.replayed))


@router.post("/crossings/{crossing_id}/arrive", response_model=CrossingDetail)
def record_arrival(crossing_id: Id, session: DbSession, user: YardSide, now: Now) -> Any:
    """Record by hand that a booked truck has arrived (when a camera is down)."""
    crossing = booking.arrive(
        session, visible_crossing(session=session, user=user, crossing_id=crossing_id), now
    )
    return crossing_detail(session, crossing)


@router.post("/crossings/{crossing_id}/moves", response_model=CrossingDetail)
def record_move(
    crossing_id: Id, data: ManualMove, session: DbSession, user: Officer, now: Now
) -> Any:
    """Record any allowed move by hand, with the reason; illegal moves are refused."""
    crossing = visible_crossing(session=session, user=user, crossing_id=crossing_id)
    if data.to_state is CrossingState.arrived and crossing.state is CrossingState.booked:
        booking.arrive(session, crossing, now)
    else:
        # A handover's step in a yard needs its yard: refused here without one.
        record_step(session, crossing, data.to_state, at=now, reason=data.reason)
    return crossing_detail(session, crossing)


@router.patch("/crossings/{crossing_id}/cargo/{line_no}", response_model=CrossingDetail)
def mend_cargo_line(
    crossing_id: Id, line_no: Id, data: CargoLineMend, session: DbSession, user: Mender
) -> Any:
    """Mend a cargo line's figures (a customs correction), also after the crossing;
    ``line_no`` is the line's place in the crossing's ``cargo``, from 1."""
    crossing = visible_crossing(session=session, user=user, crossing_id=crossing_id)
    return crossing_detail(session, cargo.mend_line(session, crossing, line_no, data))


@router.get("/queue", response_model=list[QueueEntryRead])
def live_queue(
    session: DbSession, _user: Staff, query: Annotated[QueueQuery, Query()], now: Now
) -> Any:
    """A gate's queue in one direction: every open crossing in order, with estimates."""
    entries = queue_with_estimates(session, query.gate_id, query.direction, now)
    return [queue_entry(entry) for entry in entries]


@router.get("/gates/{gate_id}/estimate-accuracy", response_model=EstimateAccuracyRead)
def gate_estimate_accuracy(
    gate_id: Id,
    session: DbSession,
    _user: Staff,
    now: Now,
    days: Annotated[int, Query(ge=1, le=365)] = 30,
) -> Any:
    """How far the estimates given were from the real crossing times (minutes)."""
    accuracy = estimate_accuracy(session, gate_id, now - timedelta(days=days))
    return EstimateAccuracyRead.model_validate(accuracy)
