"""Server-Sent Events: a signal each time a gate's queue changes, for the officers'
and enterprises' pages and for the public wait page. Clients re-read the queue
through the ordinary API when told."""

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from cuakhau.accounts.deps import StaffOrEnterprise
from cuakhau.core.schemas import Id, InputSchema
from cuakhau.live.hub import Hub
from cuakhau.models.enums import Direction

router = APIRouter(tags=["live"])

# The browser's EventSource reconnects after this many milliseconds.
_RETRY_MS = 3000


class StreamQuery(InputSchema):
    gate_id: Id
    direction: Direction


class PublicStreamQuery(InputSchema):
    gate_id: Id | None = None
    direction: Direction | None = None


async def _events(
    request: Request, gate_id: int | None, direction: Direction | None
) -> AsyncIterator[str]:
    hub: Hub = request.app.state.hub
    heartbeat: float = request.app.state.settings.live_heartbeat_seconds
    subscription = hub.subscribe(gate_id, direction.value if direction else None)
    try:
        # Sent at once, so the client knows it is subscribed before anything changes.
        yield f"retry: {_RETRY_MS}\n: subscribed\n\n"
        while True:
            try:
                change = await asyncio.wait_for(subscription.queue.get(), timeout=heartbeat)
            except TimeoutError:
                if await request.is_disconnected():
                    return
                # A comment line keeps proxies from closing an idle stream.
                yield ": keepalive\n\n"
                continue
            yield f"event: queue_changed\ndata: {change.to_json()}\n\n"
    finally:
        hub.unsubscribe(subscription)


def _stream(
    request: Request, gate_id: int | None, direction: Direction | None
) -> StreamingResponse:
    return StreamingResponse(
        _events(request, gate_id, direction),
        media_type="text/event-stream",
        # No caching, and no buffering by nginx-style proxies.
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get("/queue/stream", response_class=StreamingResponse)
async def queue_stream(
    request: Request, _user: StaffOrEnterprise, query: Annotated[StreamQuery, Query()]
) -> StreamingResponse:
    """``event: queue_changed`` with ``{"gate_id", "direction"}`` whenever this gate's
    queue in this direction changes; ``: keepalive`` comments in between."""
    return _stream(request, query.gate_id, query.direction)


@router.get("/public/stream", response_class=StreamingResponse)
async def public_stream(
    request: Request, query: Annotated[PublicStreamQuery, Query()]
) -> StreamingResponse:
    """The same events without logging in, for the public wait page; all gates
    unless ``gate_id`` / ``direction`` narrow it."""
    return _stream(request, query.gate_id, query.direction)
