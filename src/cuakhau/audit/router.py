from typing import Annotated, Any

from fastapi import Query

from cuakhau.accounts.deps import AuditReader
from cuakhau.audit import service
from cuakhau.audit.schemas import AuditEntryRead, AuditFilters
from cuakhau.core.deps import DbSession, api_router
from cuakhau.core.schemas import Page

router = api_router(prefix="/audit", tags=["audit"])


@router.get("", response_model=Page[AuditEntryRead])
def list_audit_entries(
    session: DbSession,
    _reader: AuditReader,
    filters: Annotated[AuditFilters, Query()],
) -> Any:
    """The audit log, newest first."""
    return service.list_audit_entries(session=session, filters=filters)
