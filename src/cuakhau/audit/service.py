"""Reading the audit log (the recorder writes it: ``audit.recorder``)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.audit.schemas import AuditEntryRead, AuditFilters
from cuakhau.core.rows import page_of, paginate
from cuakhau.core.schemas import Page
from cuakhau.models import AuditEntry


def list_audit_entries(*, session: Session, filters: AuditFilters) -> Page[AuditEntryRead]:
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
