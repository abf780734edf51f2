"""HTTP for the counterpart gate: the other side's signed machine API, and our
staff's view of each counterpart (docs/counterpart.md)."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Depends, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy.orm import Session

from cuakhau.accounts.deps import Admin, Staff
from cuakhau.core.config import Settings
from cuakhau.core.deps import AppSettings, DbSession, Now, api_router
from cuakhau.core.schemas import Id, InputSchema, Name, OutputSchema
from cuakhau.counterpart import feed, service
from cuakhau.counterpart.schemas import (
    CounterpartStatus,
    ExpectedCrossings,
    MessageIn,
    MessageResult,
)
from cuakhau.models import Counterpart

router = api_router(tags=["counterpart gate"])


async def _signed(request: Request) -> service.SignedRequest:
    """The request as signed: read here, on the event loop, so the handler's
    thread gets the bytes."""
    query = request.url.query
    return service.SignedRequest(
        headers=request.headers,
        method=request.method,
        path=request.url.path + (f"?{query}" if query else ""),
        body=await request.body(),
    )


Signed = Annotated[service.SignedRequest, Depends(_signed)]


def _sender(
    session: Session, signed: service.SignedRequest, now: datetime, settings: Settings
) -> Counterpart:
    return service.authenticate(
        session, signed, now, settings.resolved_secret_key, settings.counterpart_max_skew_seconds
    )


@router.post(
    "/counterpart/messages",
    response_model=MessageResult,
    responses={202: {"model": MessageResult, "description": "Kept until the gap is filled"}},
)
def post_message(
    signed: Signed, response: Response, session: DbSession, now: Now, settings: AppSettings
) -> MessageResult:
    """One signed message of the other side's (its acceptance per hour and
    direction, or a heartbeat). 401: unsigned, unknown key, wrong signature or a
    timestamp outside the allowed skew; 409: a message id or sequence number
    already received. Nothing is written on a refusal."""
    counterpart = _sender(session, signed, now, settings)
    try:
        message = MessageIn.model_validate_json(signed.body)
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors()]
        ) from None
    result = service.receive(session, counterpart, message, signed.body, now)
    if result.outcome == "waiting":
        response.status_code = status.HTTP_202_ACCEPTED
    return result


@router.get("/counterpart/status", response_model=CounterpartStatus)
def counterpart_status(
    signed: Signed, session: DbSession, now: Now, settings: AppSettings
) -> CounterpartStatus:
    """Where our side stands in the caller's numbering: the last applied, those
    waiting, those missing (to send again)."""
    counterpart = _sender(session, signed, now, settings)
    return service.status(session, counterpart, now, settings.counterpart_silence_seconds)


@router.get("/counterpart/expected-crossings", response_model=ExpectedCrossings)
def expected_crossings(
    signed: Signed,
    session: DbSession,
    now: Now,
    settings: AppSettings,
    hours: Annotated[int, Query(ge=1, le=feed.MAX_HOURS_AHEAD)] = 6,
    lang: Literal["vi", "en", "zh"] = "vi",
) -> ExpectedCrossings:
    """Our open crossings at the caller's gate whose window starts within ``hours``."""
    counterpart = _sender(session, signed, now, settings)
    return feed.expected_crossings(session, counterpart, now, hours, lang)


class CounterpartCreate(InputSchema):
    name: Name


class CounterpartCreated(OutputSchema):
    """The secret is shown this once; it is derived, never stored."""

    id: int
    gate_id: int
    name: str
    key_id: str
    secret: str


@router.post(
    "/gates/{gate_id}/counterparts",
    response_model=CounterpartCreated,
    status_code=status.HTTP_201_CREATED,
)
def add_counterpart(
    gate_id: Id, data: CounterpartCreate, session: DbSession, _user: Admin, settings: AppSettings
) -> CounterpartCreated:
    counterpart, secret = service.add_counterpart(
        session=session, gate_id=gate_id, name=data.name, server_secret=settings.resolved_secret_key
    )
    return CounterpartCreated(
        id=counterpart.id,
        gate_id=gate_id,
        name=counterpart.name,
        key_id=counterpart.key_id,
        secret=secret,
    )


@router.get("/gates/{gate_id}/counterparts", response_model=list[CounterpartStatus])
def gate_counterparts(
    gate_id: Id, session: DbSession, _user: Staff, now: Now, settings: AppSettings
) -> list[CounterpartStatus]:
    """Each counterpart of the gate: its numbering and whether it has gone silent."""
    return [
        service.status(session, c, now, settings.counterpart_silence_seconds)
        for c in service.gate_counterparts(session=session, gate_id=gate_id)
    ]
