from typing import Annotated, Any

from fastapi import Query
from sqlalchemy import select

from cuakhau.accounts.deps import AuditReader
from cuakhau.audit.schemas import AuditEntryRead, AuditFilters
from cuakhau.core.deps import DbSession, api_router
from cuakhau.core.rows import page_of, paginate
from cuakhau.core.schemas import Page
from cuakhau.models import AuditEntry

router = api_router(prefix="/audit", tags=["audit"])


@router.get("", response_model=Page[AuditEntryRead])
def list_audit_entries(
    session: DbSession,
    _reader: AuditReader,
    filters: Annotated[AuditFilters, Query()],
) -> Any:
    """The audit log, newest first."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc())
    if filters.entity is not None:
        stmt = stmt.where(AuditEntry.entity == filters.entity)
    if filters.entity_id is not None:
        stmt = stmt.where(AuditEntry.entity_id == filters.entity_id)
    if filters.actor_user_id is not None:
        stmt = stmt.where(AuditEntry.actor_user_id == filters.actor_user_id)
    if filters.action is not None:
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.since is not None:
        stmt = stmt.where(AuditEntry.at >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(AuditEntry.at < filters.until)
    items, total = paginate(session, stmt, filters)
    return page_of(AuditEntryRead, items, total, filters)
