"""Request-scoped dependencies: the session that owns the transaction, the
settings, and the moment the request is answered at."""

import functools
import inspect
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from cuakhau.core.actor import Actor
from cuakhau.core.clock import Clock
from cuakhau.core.config import Settings
from cuakhau.core.database import session_scope

ANONYMOUS = Actor(label="anonymous")


def _session(request: Request) -> Iterator[Session]:
    """One transaction per request, committed before the response is sent
    (by the handler itself when it runs on a ``TransactionalRoute``). The
    caller's identity replaces the anonymous actor once it is known."""
    with session_scope(request.app.state.session_factory, ANONYMOUS) as session:
        yield session


def _settings(request: Request) -> Settings:
    return request.app.state.settings


async def _now(request: Request) -> datetime:
    """The app's clock, read once per request (FastAPI caches a dependency's value
    within a request). Async: reading it costs no hop to the thread pool."""
    clock: Clock = request.app.state.clock
    return clock()


# scope="function": the commit happens before the response leaves, so a client is
# never told "created" about a transaction that then failed to commit.
DbSession = Annotated[Session, Depends(_session, scope="function")]
AppSettings = Annotated[Settings, Depends(_settings)]
# The moment a handler works at, from the app's clock (``create_app(clock=...)``).
Now = Annotated[datetime, Depends(_now)]


class TransactionalRoute(APIRoute):
    """Ends the request's transaction in the handler's own thread.

    A sync handler, the response check and the session dependency's exit each
    run on a hop to the thread pool. Holding the transaction (its connection,
    its row locks, SQLite's write lock) while waiting for the next hop lets
    requests that hold locks wait for threads taken by requests waiting for
    those locks: under a burst, nothing moves until the pool times out. So the
    handler's hop commits (or rolls back) before it returns.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if (
            not inspect.iscoroutinefunction(endpoint)
            and "session" in inspect.signature(endpoint).parameters
        ):
            endpoint = _ending_transaction(endpoint)
        super().__init__(path, endpoint, **kwargs)


def _ending_transaction(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(endpoint)
    def handler(*args: Any, **kwargs: Any) -> Any:
        session: Session = kwargs["session"]
        try:
            result = endpoint(*args, **kwargs)
        except BaseException:
            session.rollback()
            raise
        session.commit()
        return result

    return handler


def api_router(**kwargs: Any) -> APIRouter:
    """An APIRouter whose handlers end their transaction themselves."""
    return APIRouter(route_class=TransactionalRoute, **kwargs)
