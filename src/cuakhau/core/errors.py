"""Domain errors and their rendering as RFC 9457 problem+json.

Services raise these with a message key (see ``messages.py``); the handler
renders the message in the caller's language. Any error rolls the request's
transaction back, so nothing is half-written.
"""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from cuakhau.core.messages import pick_language, translate

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
# A restart or a failover of PostgreSQL takes seconds.
DATABASE_RETRY_SECONDS = 5


class DomainError(Exception):
    status_code = 400

    def __init__(self, code: str, /, headers: dict[str, str] | None = None, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params
        self.headers = headers or {}

    def detail(self, language: str) -> str:
        return translate(self.code, language, **self.params)

    def extra(self) -> dict[str, Any]:
        """Machine-readable fields added to the problem body."""
        return {}


class NotAuthenticated(DomainError):
    status_code = 401

    def __init__(self, code: str = "not_authenticated", /, **params: Any):
        super().__init__(code, headers={"WWW-Authenticate": "Bearer"}, **params)


class PermissionDenied(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404

    def __init__(self, entity: str, entity_id: object):
        super().__init__("not_found", entity=entity, id=entity_id)


class Conflict(DomainError):
    status_code = 409


class InvalidInput(DomainError):
    """A rule on the whole request failed; ``field`` names where, if one field."""

    status_code = 422

    def __init__(self, code: str, /, field: str | None = None, **params: Any):
        super().__init__(code, field=field, **params)
        self.field = field

    def extra(self) -> dict[str, Any]:
        if self.field is None:
            return {}
        return {"errors": [{"field": self.field, "code": self.code, "message": None}]}


class DatabaseUnavailable(DomainError):
    """The database did not answer, perhaps while committing: whether a change
    was saved is unknown, so the answer cannot say "nothing changed"."""

    status_code = 503

    def __init__(self) -> None:
        super().__init__(
            "database_unavailable", headers={"Retry-After": str(DATABASE_RETRY_SECONDS)}
        )


class TooManyAttempts(DomainError):
    status_code = 429

    def __init__(self, code: str, /, retry_after: int, **params: Any):
        super().__init__(code, headers={"Retry-After": str(retry_after)}, **params)


def problem(
    request: Request,
    status: int,
    code: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    language = pick_language(request)
    body = {
        "type": f"/problems/{code}",
        "title": translate(f"status_{status}", language),
        "status": status,
        "detail": detail,
        "code": code,
        "instance": request.url.path,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def field_errors(errors: list[dict[str, Any]], language: str) -> list[dict[str, Any]]:
    """Pydantic's errors as {field, code, message}, the message in the caller's language."""
    rendered = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body",)]
        code = error.get("type", "value_error")
        params = {**(error.get("ctx") or {})}
        message = translate(code, language, **params)
        if message == code:
            message = error.get("msg", code)
        rendered.append({"field": ".".join(location), "code": code, "message": message})
    return rendered


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        language = pick_language(request)
        extra = exc.extra()
        for entry in extra.get("errors", []):
            if entry.get("message") is None:
                entry["message"] = exc.detail(language)
        return problem(
            request, exc.status_code, exc.code, exc.detail(language), exc.headers, **extra
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        language = pick_language(request)
        errors = field_errors(list(exc.errors()), language)
        detail = translate("validation_failed", language, count=len(errors))
        return problem(request, 422, "validation_failed", detail, errors=errors)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        # Reached only by races the services' own checks could not see.
        log.info("integrity error: %s", exc.orig)
        language = pick_language(request)
        detail = translate("conflict_integrity", language)
        return problem(request, 409, "conflict_integrity", detail)

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, _exc: StaleDataError) -> JSONResponse:
        # Two writers raced for the same versioned row; the loser changed nothing.
        language = pick_language(request)
        return problem(request, 409, "changed_meanwhile", translate("changed_meanwhile", language))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        language = pick_language(request)
        code = "route_not_found" if exc.status_code == 404 else f"status_{exc.status_code}"
        detail = translate(code, language) if exc.status_code == 404 else str(exc.detail)
        return problem(request, exc.status_code, code, detail, getattr(exc, "headers", None))

    @app.exception_handler(OperationalError)
    async def _unavailable(request: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable on %s: %s", request.url.path, exc)
        return await _domain(request, DatabaseUnavailable())

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        language = pick_language(request)
        return problem(request, 500, "internal_error", translate("internal_error", language))
