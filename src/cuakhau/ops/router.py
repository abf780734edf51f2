"""/healthz, /readyz and /metrics: for load balancers, orchestrators and
Prometheus, outside the API (no login, not in the OpenAPI description)."""

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy.exc import SQLAlchemyError

from cuakhau.core.deps import AppSettings, Now
from cuakhau.core.errors import PermissionDenied
from cuakhau.core.schema_version import SchemaOutdated, ensure_schema_current
from cuakhau.crossings.booking import procedures
from cuakhau.ops.metrics import exposition, may_read

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process lives and answers; it asks nothing of the database."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """The database answers and its schema (with this code's booking functions
    on PostgreSQL) is at the migrations' head; else 503 and why."""
    try:
        ensure_schema_current(request.app.state.engine, procedures())
    except SchemaOutdated as error:
        return _not_ready(str(error))
    except (SQLAlchemyError, OSError) as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return _not_ready(f"The database does not answer: {reason}")
    return JSONResponse({"status": "ready"})


def _not_ready(reason: str) -> JSONResponse:
    return JSONResponse({"status": "not ready", "reason": reason}, status_code=503)


@router.get("/metrics")
def metrics(request: Request, settings: AppSettings, now: Now) -> Response:
    if not may_read(request, settings):
        raise PermissionDenied("metrics_forbidden")
    with request.app.state.session_factory() as session:
        body = exposition(session, now)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
