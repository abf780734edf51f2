"""The counterpart's signed messages: who sent them, in what order, and what they
change. Its acceptance becomes a ceiling per hour on the gate's windows, set
through the same override and re-plan as an officer's cut (docs/counterpart.md).

Order: each counterpart numbers its messages from 1. A message applies only
once every message before it has; one that comes early waits, and the answer
names the numbers missing, for the sender to send again. A repeated message id
and a number already applied are refused and change nothing."""

import hmac
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.capacity.planning import replan_for
from cuakhau.capacity.service import get_gate
from cuakhau.core.actor import Actor
from cuakhau.core.clock import local_date, local_datetime
from cuakhau.core.errors import Conflict, NotAuthenticated
from cuakhau.counterpart import signing
from cuakhau.counterpart.answers import apply_answers
from cuakhau.counterpart.schemas import (
    AnswerRefused,
    CounterpartStatus,
    HourAcceptance,
    MessageIn,
    MessageResult,
)
from cuakhau.models import CapacityOverride, Counterpart, CounterpartMessage
from cuakhau.models.enums import OverrideKind

log = logging.getLogger(__name__)

# How far ahead of the last applied message one may come and wait: the gap it
# leaves is listed back as missing, so it stays short.
MAX_AHEAD = 1000


@dataclass(frozen=True)
class SignedRequest:
    headers: Mapping[str, str]
    method: str
    path: str
    body: bytes


def add_counterpart(
    *, session: Session, gate_id: int, name: str, server_secret: str
) -> tuple[Counterpart, str]:
    """A new counterpart and its secret, shown this once."""
    get_gate(session=session, gate_id=gate_id)
    key_id, salt = signing.new_key()
    counterpart = Counterpart(gate_id=gate_id, name=name, key_id=key_id, key_salt=salt)
    session.add(counterpart)
    session.flush()
    return counterpart, signing.secret_for(server_secret, salt)


def authenticate(
    session: Session, request: SignedRequest, now: datetime, server_secret: str, max_skew: int
) -> Counterpart:
    """The counterpart that signed this request, or a refusal (401) that is logged."""
    key_id = request.headers.get(signing.KEY_HEADER, "")
    stamp = request.headers.get(signing.TIMESTAMP_HEADER, "")
    given = request.headers.get(signing.SIGNATURE_HEADER, "")

    def refuse(code: str) -> NotAuthenticated:
        # The key id only: it is public, and a refused body is not to be trusted.
        log.warning(
            "counterpart request refused: %s (key %r, %s %s)",
            code,
            key_id[:40],
            request.method,
            request.path[:200],
        )
        return NotAuthenticated(code)

    if not (key_id and stamp and given):
        raise refuse("counterpart_unsigned")
    counterpart = session.scalar(
        select(Counterpart).where(Counterpart.key_id == key_id, Counterpart.is_active.is_(True))
    )
    if counterpart is None:
        raise refuse("counterpart_unknown_key")
    if not stamp.isdigit() or abs(now.timestamp() - int(stamp)) > max_skew:
        raise refuse("counterpart_stale_timestamp")
    secret = signing.secret_for(server_secret, counterpart.key_salt)
    expected = signing.signature(secret, stamp, request.method, request.path, request.body)
    if not hmac.compare_digest(expected, given):
        raise refuse("counterpart_bad_signature")
    # What it changes is audited and explained as the other side's doing.
    session.info["actor"] = Actor(label=f"counterpart:{counterpart.name}"[:100])
    return counterpart


def receive(
    session: Session, counterpart: Counterpart, message: MessageIn, body: bytes, now: datetime
) -> MessageResult:
    """Keep the message, then apply every message whose turn has come."""
    # One message of a counterpart at a time: its numbering is one sequence.
    session.refresh(counterpart, with_for_update=True)
    digest = signing.body_digest(body)
    seen = session.scalar(
        select(CounterpartMessage).where(
            CounterpartMessage.counterpart_id == counterpart.id,
            CounterpartMessage.message_id == message.message_id,
        )
    )
    if seen is not None:
        code = "counterpart_repeated" if seen.body_digest == digest else "counterpart_id_reused"
        raise Conflict(code, message_id=message.message_id)
    if message.sequence <= counterpart.applied_through:
        raise Conflict(
            "counterpart_sequence_applied",
            sequence=message.sequence,
            applied_through=counterpart.applied_through,
        )
    if message.sequence > counterpart.applied_through + MAX_AHEAD:
        raise Conflict(
            "counterpart_sequence_too_far",
            sequence=message.sequence,
            applied_through=counterpart.applied_through,
            limit=MAX_AHEAD,
        )
    if _waiting(session, counterpart).get(message.sequence) is not None:
        raise Conflict("counterpart_sequence_taken", sequence=message.sequence)
    session.add(
        CounterpartMessage(
            counterpart_id=counterpart.id,
            message_id=message.message_id,
            sequence=message.sequence,
            kind=message.kind,
            body_digest=digest,
            body=body.decode(),
            received_at=now,
        )
    )
    counterpart.last_heard_at = now
    session.flush()
    applied, hours, moved, answered = _apply_in_turn(session, counterpart, now)
    waiting = _waiting(session, counterpart)
    return MessageResult(
        outcome="applied" if message.sequence in applied else "waiting",
        applied_through=counterpart.applied_through,
        applied=applied,
        missing=_missing(counterpart.applied_through, waiting),
        hours_set=hours,
        trucks_moved=moved,
        answers_applied=answered[0],
        answers_refused=answered[1],
    )


def _waiting(session: Session, counterpart: Counterpart) -> dict[int, CounterpartMessage]:
    rows = session.scalars(
        select(CounterpartMessage)
        .where(
            CounterpartMessage.counterpart_id == counterpart.id,
            CounterpartMessage.applied_at.is_(None),
        )
        .order_by(CounterpartMessage.sequence)
    )
    return {row.sequence: row for row in rows}


def _missing(applied_through: int, waiting: Iterable[int]) -> list[int]:
    numbers = set(waiting)
    if not numbers:
        return []
    return [n for n in range(applied_through + 1, max(numbers)) if n not in numbers]


def _apply_in_turn(
    session: Session, counterpart: Counterpart, now: datetime
) -> tuple[list[int], int, int, tuple[int, list[AnswerRefused]]]:
    waiting = _waiting(session, counterpart)
    applied: list[int] = []
    hours: list[HourAcceptance] = []
    answered, unanswered = 0, []
    while (row := waiting.get(counterpart.applied_through + 1)) is not None:
        message = MessageIn.model_validate_json(row.body)
        hours.extend(message.acceptance)
        # The trucks' answers move crossings in the messages' order.
        done, refused = apply_answers(session, counterpart, row.sequence, message.answers, now)
        answered, unanswered = answered + done, unanswered + refused
        row.applied_at = now
        counterpart.applied_through = row.sequence
        applied.append(row.sequence)
    if not hours:
        session.flush()
        return applied, 0, 0, (answered, unanswered)
    changed = _set_ceilings(session, counterpart, hours, now)
    moved = (
        len(replan_for(session, get_gate(session=session, gate_id=counterpart.gate_id), now).moves)
        if changed
        else 0
    )
    return applied, changed, moved, (answered, unanswered)


def _set_ceilings(
    session: Session, counterpart: Counterpart, hours: list[HourAcceptance], now: datetime
) -> int:
    """Each hour's acceptance replaces the counterpart's earlier one for that hour
    (a later message wins); hours already over are left as they were."""
    latest = {(a.day, a.hour, a.direction): a for a in hours}
    current = {
        (o.starts_on, o.from_time.hour if o.from_time else 0, o.direction): o
        for o in session.scalars(
            select(CapacityOverride).where(
                CapacityOverride.counterpart_id == counterpart.id,
                CapacityOverride.is_active.is_(True),
                CapacityOverride.ends_on >= local_date(now),
            )
        )
    }
    changed = 0
    for key, acceptance in sorted(latest.items()):
        hour_ends = local_datetime(acceptance.day, time(acceptance.hour)) + timedelta(hours=1)
        if hour_ends <= now:
            continue
        before = current.get(key)
        if before is not None:
            if before.value == acceptance.trucks:
                continue
            before.is_active = False
        session.add(
            CapacityOverride(
                gate_id=counterpart.gate_id,
                direction=acceptance.direction,
                kind=OverrideKind.ceiling,
                starts_on=acceptance.day,
                ends_on=acceptance.day,
                from_time=time(acceptance.hour),
                to_time=time(acceptance.hour + 1) if acceptance.hour < 23 else None,
                value=acceptance.trucks,
                reason=f"{counterpart.name}: {acceptance.trucks}",
                counterpart_id=counterpart.id,
            )
        )
        changed += 1
    session.flush()
    return changed


def status(
    session: Session, counterpart: Counterpart, now: datetime, silence: int
) -> CounterpartStatus:
    waiting = sorted(_waiting(session, counterpart))
    heard = counterpart.last_heard_at
    return CounterpartStatus(
        name=counterpart.name,
        gate_id=counterpart.gate_id,
        applied_through=counterpart.applied_through,
        waiting=waiting,
        missing=_missing(counterpart.applied_through, waiting),
        last_heard_at=heard,
        silent=heard is None or (now - heard).total_seconds() > silence,
    )


def gate_counterparts(*, session: Session, gate_id: int) -> list[Counterpart]:
    get_gate(session=session, gate_id=gate_id)
    return list(
        session.scalars(
            select(Counterpart)
            .where(Counterpart.gate_id == gate_id, Counterpart.is_active.is_(True))
            .order_by(Counterpart.id)
        )
    )


def silent(
    session: Session, now: datetime, silence: int, gate_id: int | None = None
) -> list[CounterpartStatus]:
    """The counterparts (of one gate, or of the zone) that have gone quiet: the
    gate officer and the board are warned, the public page calls the data stale."""
    query = select(Counterpart).where(Counterpart.is_active.is_(True)).order_by(Counterpart.id)
    if gate_id is not None:
        query = query.where(Counterpart.gate_id == gate_id)
    answers = (status(session, c, now, silence) for c in session.scalars(query))
    return [answer for answer in answers if answer.silent]
