"""Writes an audit entry for every change to an ``Audited`` table, in the same
transaction as the change itself, so a change is never stored without its record."""

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.core.actor import SYSTEM, Actor
from cuakhau.core.clock import utcnow
from cuakhau.core.procedure import plain_value
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
    return entry_values(
        entity=mapper.local_table.name,
        entity_id="/".join(str(part) for part in identity),
        action=obj.audit_action(action),
        before=before,
        after=after,
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        at=at,
    )


def entry_values(
    *,
    entity: str,
    entity_id: Any,
    action: str,
    before: Any,
    after: Any,
    actor_user_id: Any,
    actor_label: Any,
    at: Any,
) -> dict[str, Any]:
    """An audit entry's row: here, and in the booking procedure, where the row's
    key and the actor are values of the procedure."""
    return {
        "at": at,
        "actor_user_id": actor_user_id,
        "actor_label": actor_label,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "before": before,
        "after": after,
    }


@cache
def audited_columns(model: type[Audited]) -> list[str]:
    """The columns whose values an audit entry keeps."""
    excluded = _ALWAYS_EXCLUDED | model.__audit_exclude__
    return [attr.key for attr in inspect(model).column_attrs if attr.key not in excluded]


def audit_image(model: type[Audited], values: Mapping[str, Any]) -> dict[str, Any]:
    """A row's values as an audit entry shows them; columns not given are null."""
    return {key: plain_value(values.get(key)) for key in audited_columns(model)}


def _values(obj: Audited) -> dict[str, Any]:
    return {key: plain_value(getattr(obj, key)) for key in audited_columns(type(obj))}


def _changes(obj: Audited) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in audited_columns(type(obj)):
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
