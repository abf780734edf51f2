"""The API's routes are tried in the order the app lists them, and the first that
fits a request's path and method takes it: routers are ordered for speed
(``app.create_app``), so no route may take another's requests."""

import re

from starlette.routing import compile_path

from cuakhau.app import create_app
from cuakhau.core.config import Settings

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
