"""Writes an audit entry for every change to an ``Audited`` table, in the same
transaction as the change itself, so a change is never stored without its record."""

import enum
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.core.actor import SYSTEM, Actor
from cuakhau.core.clock import utcnow
from cuakhau.models.audit_entry import AuditEntry
from cuakhau.models.base import Audited

# Kept by the entry itself.
_ALWAYS_EXCLUDED = frozenset({"created_at", "updated_at"})


def install_audit_recorder(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "after_flush", _record_flush)


def _record_flush(session: Session, _context: object) -> None:
    actor: Actor = session.info.get("actor", SYSTEM)
    at = utcnow()
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        if isinstance(obj, Audited):
            rows.append(_entry(obj, "create", None, _values(obj), actor, at))
    for obj in session.dirty:
        if isinstance(obj, Audited):
            before, after = _changes(obj)
            if after:
                rows.append(_entry(obj, "update", before, after, actor, at))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            rows.append(_entry(obj, "delete", _values(obj), None, actor, at))
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


def _entry(
    obj: Audited,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    actor: Actor,
    at: datetime,
) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    # New rows have their key only after the flush ends; read it off the columns.
    identity = mapper.primary_key_from_instance(obj)
    return {
        "at": at,
        "actor_user_id": actor.user_id,
        "actor_label": actor.label,
        "action": action,
        "entity": mapper.local_table.name,
        "entity_id": "/".join(str(part) for part in identity),
        "before": before,
        "after": after,
    }


def _audited_columns(obj: Audited) -> list[str]:
    excluded = _ALWAYS_EXCLUDED | obj.__audit_exclude__
    return [attr.key for attr in inspect(obj).mapper.column_attrs if attr.key not in excluded]


def _values(obj: Audited) -> dict[str, Any]:
    return {key: plain_value(getattr(obj, key)) for key in _audited_columns(obj)}


def _changes(obj: Audited) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in _audited_columns(obj):
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        before[key] = plain_value(old)
        after[key] = plain_value(new)
    return before, after


def plain_value(value: Any) -> Any:
    """A JSON-ready form of a column value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
