"""Announcing queue changes once their transaction has committed.

SQLite (one process): after commit, straight to this process's hub.
PostgreSQL (many processes): in a server, after commit to the process's
``Broadcaster``, which notifies every process's LISTEN connection
(``live.listener``), this one's included. Outside a server (a CLI command, a
job), ``pg_notify`` inside the transaction, which PostgreSQL delivers only on
commit. A rolled-back change is never announced, nor one made inside a savepoint
that was rolled back (a re-plan's preview).
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from cuakhau.live.broadcast import CHANNEL, Broadcaster
from cuakhau.live.changes import QUEUE_CHANGES_KEY
from cuakhau.live.hub import Hub, QueueChange

# The changes marked when each open savepoint began, to go back to on its rollback.
_AT_SAVEPOINT_KEY = "queue_changes_at_savepoint"


def _changes(session: Session) -> list[QueueChange]:
    marked: set[tuple[int, str]] = session.info.get(QUEUE_CHANGES_KEY, set())
    return [QueueChange(gate_id, direction) for gate_id, direction in sorted(marked)]


def install_announcer(
    factory: sessionmaker[Session], hub: Hub, broadcaster: Broadcaster, dialect: str
) -> Callable[[list[QueueChange]], None]:
    """Hooks the announcement on the factory's sessions; the same announcement
    for changes committed without a session (a booking function called from
    the event loop, ``crossings.calls``)."""
    across_processes = dialect == "postgresql"

    def announce(changes: list[QueueChange]) -> None:
        for change in changes:
            hub.forget(change)
        if not across_processes:
            for change in changes:
                hub.publish(change)
        elif broadcaster.running:
            broadcaster.announce(changes)

    @event.listens_for(factory, "before_commit")
    def _notify(session: Session) -> None:
        if across_processes and not broadcaster.running:
            for change in _changes(session):
                session.execute(
                    text("SELECT pg_notify(:channel, :payload)"),
                    {"channel": CHANNEL, "payload": change.to_json()},
                )

    @event.listens_for(factory, "after_commit")
    def _announce(session: Session) -> None:
        changes = _changes(session)
        session.info.pop(QUEUE_CHANGES_KEY, None)
        session.info.pop(_AT_SAVEPOINT_KEY, None)
        announce(changes)

    @event.listens_for(factory, "after_transaction_create")
    def _remember(session: Session, transaction: SessionTransaction) -> None:
        if transaction.nested:
            marked = set(session.info.get(QUEUE_CHANGES_KEY, ()))
            session.info.setdefault(_AT_SAVEPOINT_KEY, {})[transaction] = marked

    @event.listens_for(factory, "after_soft_rollback")
    def _forget(session: Session, previous: SessionTransaction, *_args: Any) -> None:
        if not previous.nested:
            session.info.pop(QUEUE_CHANGES_KEY, None)
            session.info.pop(_AT_SAVEPOINT_KEY, None)
            return
        # A savepoint's rollback leaves the outer transaction's changes standing.
        marked = session.info.get(_AT_SAVEPOINT_KEY, {}).pop(previous, None)
        if marked is not None:
            session.info[QUEUE_CHANGES_KEY] = marked

    return announce
