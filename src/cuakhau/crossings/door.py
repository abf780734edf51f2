"""The express lane's door: an enterprise's booking of a named window, taken in
front of FastAPI's routing and dependencies.

At the rush nearly every request is such a booking. For each, FastAPI's own
machinery (its middleware, routing, dependency solving, body handling) cost the
server about a fifth of its CPU (py-spy on a worker under the booking
benchmark). The door is an ASGI middleware: for a booking by an enterprise
caller the lane knows (``ExpressBooking.caller``), it reads the body, checks it
against ``BookingRequest`` as the route would (parsing and checking in one pass,
pydantic's JSON mode), and asks the lane (``crossings.express``) to book.

The door answers only what the lane books (201, the crossing), and a failure
the lane itself reports (the database, mid-booking), in the app's own words.
Everything else goes on to the app unchanged, the body replayed: another
caller, a body that does not parse or check, a booking the lane declines. There
``crossings.router.book_crossing`` decides and explains on the general path.
"""

from fastapi.security.utils import get_authorization_scheme_param
from pydantic import ValidationError
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cuakhau.core.errors import DomainError
from cuakhau.crossings.express import ExpressBooking
from cuakhau.crossings.schemas import BookingRequest
from cuakhau.live.hub import QueueChange
from cuakhau.models.base import utcnow
from cuakhau.models.enums import Role

BOOKINGS_PATH = "/api/v1/crossings"


def _is_json(headers: Headers) -> bool:
    """The content types FastAPI reads a JSON body from."""
    media_type = headers.get("content-type", "").partition(";")[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


async def _whole_body(receive: Receive) -> tuple[bytes, bool]:
    """The request's body, and whether it all arrived (not cut by a disconnect)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _replaying(body: bytes, receive: Receive) -> Receive:
    """``receive`` for the app behind the door: the body read already, then the
    connection's own messages (a disconnect)."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class ExpressDoor:
    """ASGI middleware in front of the app's routes (``app.add_middleware``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != BOOKINGS_PATH:
            await self.app(scope, receive, send)
            return
        lane: ExpressBooking | None = scope["app"].state.express
        headers = Headers(scope=scope)
        scheme, token = get_authorization_scheme_param(headers.get("authorization"))
        if lane is None or scheme.lower() != "bearer" or not token or not _is_json(headers):
            await self.app(scope, receive, send)
            return
        now = utcnow()
        caller = await lane.caller(token, now)
        # Anyone else, and an unknown token, the app answers: 401 or 403 before
        # the body is read, as the route's dependency does.
        if caller is None or caller.role is not Role.enterprise:
            await self.app(scope, receive, send)
            return
        body, whole = await _whole_body(receive)
        receive = _replaying(body, receive)
        try:
            request = BookingRequest.model_validate_json(body) if whole else None
        except ValidationError:
            request = None
        if request is None:
            await self.app(scope, receive, send)
            return
        try:
            detail = await lane.book(caller, request, now)
        except DomainError as error:
            handler = scope["app"].exception_handlers[DomainError]
            response = await handler(Request(scope, receive), error)
            await response(scope, receive, send)
            return
        if detail is None:
            await self.app(scope, receive, send)
            return
        scope["app"].state.announce([QueueChange(detail.gate_id, detail.direction.value)])
        answer = detail.model_dump_json().encode()
        await send(
            {
                "type": "http.response.start",
                "status": 201,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(answer)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": answer})
