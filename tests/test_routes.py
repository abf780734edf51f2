"""The API's routes are tried in the order the app lists them, and the first that
fits a request's path and method takes it: routers are ordered for speed
(``app.create_app``), so no route may take another's requests. And no handler
that runs on the event loop touches the database."""

import inspect
import re
from collections.abc import Iterator
from typing import get_args

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import compile_path

from cuakhau.app import create_app
from cuakhau.core.config import Settings
from cuakhau.core.deps import DbSession
from cuakhau.web.pages import PageRoute

METHODS = ("get", "post", "put", "patch", "delete")


def _example(path: str) -> str:
    """A request path for a route's path: each parameter a plain value."""
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_route_takes_its_own_requests() -> None:
    app = create_app(Settings(database_url="sqlite://", secret_key="k" * 40))
    routes = [
        (method, path, compile_path(path)[0])
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if method in METHODS
    ]
    assert len(routes) > 100
    for method, path, _ in routes:
        request = _example(path)
        taken_by = next(
            (route_path for m, route_path, regex in routes if m == method and regex.match(request)),
            None,
        )
        assert taken_by == path, f"{method.upper()} {request} goes to {taken_by}, not {path}"


def _calls(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _calls(sub)


def test_no_async_handler_takes_a_session() -> None:
    """An ``async def`` handler or dependency runs on the event loop, so a database
    call in it stalls every other request. Those that take the session are plain
    ``def``s, run in the thread pool (pages get their form as ``SubmittedForm``)."""
    app = create_app(Settings(database_url="sqlite://", secret_key="k" * 40))
    open_session = get_args(DbSession)[1].dependency
    included = (context.original_route for context in iter_route_contexts(app.routes))
    routes = [route for route in included if isinstance(route, APIRoute)]
    assert sum(isinstance(route, PageRoute) for route in routes) > 50
    on_the_loop = sorted(
        f"{route.path} {dependant.call.__name__}"
        for route in routes
        for dependant in _calls(route.dependant)
        if inspect.iscoroutinefunction(dependant.call)
        and (
            any(sub.call is open_session for sub in dependant.dependencies)
            or "session" in inspect.signature(dependant.call).parameters
        )
    )
    assert on_the_loop == []
