"""Taking in a camera's batch of plate reads.

Every read is stored as sent (append-only; ``(camera, read id)`` makes a repeat
change nothing). A read that matches a crossing moves it at most one step and
never backwards; a read that cannot be trusted or matched becomes an alert for an
officer, never an error for the batch (docs/architecture.md, "Plate reads").
A read that breaks a rule of its own (malformed, out of range, naming a gate or
yard that does not exist) is refused alone, stored nowhere, and the batch's
other reads are taken.

Lookups are made once per batch (existing read ids, crossings and vehicles by
plate), not once per read: a batch is up to a thousand reads.
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from cuakhau.core.errors import field_errors
from cuakhau.core.messages import LANGUAGES, translate
from cuakhau.crossings.booking import arrive
from cuakhau.crossings.reasons import Reason
from cuakhau.crossings.states import OPEN_STATES, can_move, move
from cuakhau.models import Crossing, Gate, PlateAlert, PlateRead, User, Vehicle, Yard
from cuakhau.models.enums import CrossingState, ReadPoint
from cuakhau.reads.schemas import (
    AlertKind,
    BatchResult,
    FieldProblem,
    MalformedRead,
    PlateReadIn,
    ReadOutcome,
    ReadRefusal,
    ReadResult,
)
from cuakhau.vehicles.plate import PlateError, normalise_plate

# Below this a read is a person's call, not the camera's.
MIN_CONFIDENCE = Decimal("0.800")

# The state a read at each point is evidence of; reads at other points are only kept.
TARGET: Mapping[ReadPoint, CrossingState] = {
    ReadPoint.yard_in: CrossingState.arrived,
    ReadPoint.border_out: CrossingState.crossed,
    ReadPoint.border_in: CrossingState.returned,
}

# How far along its trip a crossing is; a read never moves it backwards.
PROGRESS: Mapping[CrossingState, int] = {
    CrossingState.booked: 0,
    CrossingState.arrived: 1,
    CrossingState.declared: 2,
    CrossingState.held: 3,
    CrossingState.cleared: 3,
    CrossingState.called: 4,
    CrossingState.crossed: 5,
    CrossingState.returned: 6,
}

# When the crossing entered the state a move to the key starts from. A read taken
# earlier is not evidence of this step: it is late news of an earlier trip or step.
STEP_STARTED: Mapping[CrossingState, str] = {
    CrossingState.arrived: "queued_at",
    CrossingState.crossed: "called_at",
    CrossingState.returned: "crossed_at",
}

# What a read taken by this post may come to; the others are repeats or refusals.
STORED_OUTCOMES = (ReadOutcome.applied, ReadOutcome.no_change, ReadOutcome.alert)

# Crossings a read may be about: still on their trip, or across and not yet back.
TRACKED_STATES = OPEN_STATES | {CrossingState.crossed}


@dataclass
class Verdict:
    outcome: ReadOutcome
    crossing: Crossing | None = None
    alert: AlertKind | None = None
    params: dict[str, Any] = field(default_factory=dict)


def ingest(
    session: Session,
    *,
    camera: User,
    reads: Sequence[PlateReadIn | MalformedRead],
    now: datetime,
    language: str = LANGUAGES[0],
) -> BatchResult:
    """Store the batch's reads and act on them. A read that breaks a rule of its
    own (malformed, or naming a gate or yard that does not exist) is refused
    alone and stored nowhere; the rest are taken. ``language`` is the refusals'."""
    valid = {index: read for index, read in enumerate(reads) if isinstance(read, PlateReadIn)}
    gates, yard_gates = _references(session, valid.values())
    problems: dict[int, list[dict[str, Any]]] = {}
    for index, item in enumerate(reads):
        errors = (
            _unknown_references(item, gates, yard_gates)
            if isinstance(item, PlateReadIn)
            else item.errors
        )
        if errors:
            problems[index] = [{**e, "loc": ("reads", index, *e["loc"])} for e in errors]
    taken = {index: read for index, read in valid.items() if index not in problems}

    results = _take(session, camera, taken, yard_gates, now)
    for index in problems:
        results[index] = ReadResult(read_id=reads[index].read_id, outcome=ReadOutcome.refused)
    return _answer([results[index] for index in range(len(reads))], problems, language)


def _take(
    session: Session,
    camera: User,
    reads: Mapping[int, PlateReadIn],
    yard_gates: Mapping[int, int],
    now: datetime,
) -> dict[int, ReadResult]:
    """Store and act on the reads that break no rule; their results by index."""
    if not reads:
        return {}
    stored = _stored_reads(session, camera.id, {r.read_id for r in reads.values()})
    plates = {index: _normalise(r.plate) for index, r in reads.items()}
    known_plates = {p for p in plates.values() if p is not None}
    earliest = min(r.read_at for r in reads.values())
    candidates = _crossings_by_plate(session, known_plates, earliest)
    vehicles = set(session.scalars(select(Vehicle.plate).where(Vehicle.plate.in_(known_plates))))

    results: dict[int, ReadResult] = {}
    firsts: list[int] = []
    seen: set[str] = set()
    for index, read in reads.items():
        previous = stored.get(read.read_id)
        if previous is not None or read.read_id in seen:
            results[index] = ReadResult(
                read_id=read.read_id,
                outcome=ReadOutcome.duplicate,
                crossing_id=previous.crossing_id if previous else None,
            )
        else:
            seen.add(read.read_id)
            firsts.append(index)

    # Oldest first, so a batch that holds a whole trip is applied in the order it happened.
    firsts.sort(key=lambda i: reads[i].read_at)
    new_reads: list[tuple[int, PlateRead, Verdict]] = []
    for index in firsts:
        read = reads[index]
        gate_id = read.gate_id or yard_gates.get(read.yard_id)
        plate = plates[index]
        pool = [
            c
            for c in candidates.get(plate or "", [])
            if (gate_id is None or c.gate_id == gate_id)
            and (c.returned_at is None or c.returned_at >= read.read_at)
        ]
        verdict = _judge(session, read, plate, pool, plate in vehicles)
        row = PlateRead(
            camera_user_id=camera.id,
            read_id=read.read_id,
            plate_as_read=read.plate,
            plate=plate,
            point=read.point,
            gate_id=gate_id,
            yard_id=read.yard_id,
            read_at=read.read_at,
            received_at=now,
            confidence=_confidence(read.confidence),
            crossing_id=verdict.crossing.id if verdict.crossing else None,
            outcome=verdict.outcome.value,
        )
        new_reads.append((index, row, verdict))
    session.add_all(row for _, row, _ in new_reads)
    session.flush()

    alerts = [
        (index, row, verdict, _alert(row, verdict))
        for index, row, verdict in new_reads
        if verdict.alert is not None
    ]
    session.add_all(alert for *_, alert in alerts)
    session.flush()
    alert_of = {index: alert for index, _, _, alert in alerts}
    for index, row, verdict in new_reads:
        alert = alert_of.get(index)
        results[index] = ReadResult(
            read_id=row.read_id,
            outcome=verdict.outcome,
            crossing_id=row.crossing_id,
            alert_id=alert.id if alert else None,
            alert_kind=verdict.alert,
        )
    return results


def _answer(
    results: list[ReadResult], problems: Mapping[int, list[dict[str, Any]]], language: str
) -> BatchResult:
    counts = Counter(result.outcome for result in results)
    return BatchResult(
        taken=sum(counts[outcome] for outcome in STORED_OUTCOMES),
        already_known=counts[ReadOutcome.duplicate],
        refused=[
            ReadRefusal(
                index=index,
                read_id=results[index].read_id,
                errors=[FieldProblem(**e) for e in field_errors(errors, language)],
            )
            for index, errors in sorted(problems.items())
        ],
        counts={outcome: counts.get(outcome, 0) for outcome in ReadOutcome},
        results=results,
    )


def _judge(
    session: Session,
    read: PlateReadIn,
    plate: str | None,
    pool: list[Crossing],
    known_vehicle: bool,
) -> Verdict:
    if plate is None:
        return Verdict(ReadOutcome.alert, alert=AlertKind.unreadable)
    guess = pool[0] if pool else None
    if _confidence(read.confidence) < MIN_CONFIDENCE:
        return Verdict(ReadOutcome.alert, guess, AlertKind.low_confidence)
    if not pool:
        kind = AlertKind.no_open_crossing if known_vehicle else AlertKind.unknown_plate
        return Verdict(ReadOutcome.alert, alert=kind)
    target = TARGET.get(read.point)
    if target is None:
        return Verdict(ReadOutcome.no_change, guess)
    legal = [c for c in pool if can_move(c.state, target, c.handover_mode)]
    current = [c for c in legal if not _predates(c, target, read.read_at)]
    if current:
        crossing = current[0]
        _apply(session, crossing, target, read)
        return Verdict(ReadOutcome.applied, crossing)
    done = [c for c in pool if PROGRESS[c.state] >= PROGRESS[target]]
    if done:
        return Verdict(ReadOutcome.no_change, done[-1])
    if legal:
        return Verdict(ReadOutcome.alert, legal[0], AlertKind.out_of_order)
    return Verdict(
        ReadOutcome.alert,
        guess,
        AlertKind.illegal_move,
        {"from_state": guess.state.value if guess else "-", "to_state": target.value},
    )


def _apply(session: Session, crossing: Crossing, target: CrossingState, read: PlateReadIn) -> None:
    if target is CrossingState.arrived:
        # Lateness is judged by when the truck was seen, not when the read reached us.
        arrive(session, crossing, read.read_at, yard_id=read.yard_id)
    else:
        move(
            session,
            crossing,
            target,
            at=read.read_at,
            reason=Reason("plate_read", {"read": read.read_id, "point": read.point.value}),
        )


def _predates(crossing: Crossing, target: CrossingState, read_at: datetime) -> bool:
    started: datetime | None = getattr(crossing, STEP_STARTED[target])
    return started is not None and read_at < started


def _alert(row: PlateRead, verdict: Verdict) -> PlateAlert:
    assert verdict.alert is not None
    params = {
        "plate": row.plate or row.plate_as_read,
        "point": row.point.value,
        "confidence": str(row.confidence),
        "id": row.crossing_id,
        **verdict.params,
    }
    return PlateAlert(
        plate_read_id=row.id,
        kind=verdict.alert.value,
        detail=alert_text(verdict.alert.value, params, "vi")[:300],
        params=params,
    )


def alert_text(kind: str, params: dict[str, Any], language: str) -> str:
    return translate(f"plate_alert_{kind}", language, **params)


def _normalise(text: str) -> str | None:
    try:
        return normalise_plate(text)
    except PlateError:
        return None


def _confidence(value: float) -> Decimal:
    return Decimal(str(round(value, 3)))


def _references(session: Session, reads: Iterable[PlateReadIn]) -> tuple[set[int], dict[int, int]]:
    """The gates the reads name that exist, and each named yard's gate."""
    reads = list(reads)
    gate_ids = {r.gate_id for r in reads if r.gate_id is not None}
    yard_ids = {r.yard_id for r in reads if r.yard_id is not None}
    gates = set(session.scalars(select(Gate.id).where(Gate.id.in_(gate_ids))))
    yard_gates = dict(
        session.execute(select(Yard.id, Yard.gate_id).where(Yard.id.in_(yard_ids))).all()
    )
    return gates, yard_gates


def _unknown_references(
    read: PlateReadIn, gates: set[int], yard_gates: Mapping[int, int]
) -> list[dict[str, Any]]:
    """A gate or yard that does not exist is a camera set up wrongly: the read is
    refused, as Pydantic's errors are, ``loc`` within the read."""
    missing = [
        (name, entity, value)
        for name, entity, value, known in (
            ("gate_id", "gate", read.gate_id, gates),
            ("yard_id", "yard", read.yard_id, yard_gates),
        )
        if value is not None and value not in known
    ]
    return [
        {
            "type": "referenced_missing",
            "loc": (name,),
            "msg": "referenced_missing",
            "ctx": {"entity": entity, "id": value},
        }
        for name, entity, value in missing
    ]


def _stored_reads(
    session: Session, camera_id: int, read_ids: Iterable[str]
) -> dict[str, PlateRead]:
    rows = session.scalars(
        select(PlateRead).where(
            PlateRead.camera_user_id == camera_id, PlateRead.read_id.in_(list(read_ids))
        )
    )
    return {row.read_id: row for row in rows}


def _crossings_by_plate(
    session: Session, plates: set[str], earliest: datetime
) -> dict[str, list[Crossing]]:
    """Crossings the batch's reads may be about, oldest booking first. Trips that
    ended after the earliest read are included, so a late read of one is no news."""
    rows = session.scalars(
        select(Crossing)
        .where(
            Crossing.plate.in_(plates),
            or_(
                Crossing.state.in_(TRACKED_STATES),
                and_(
                    Crossing.state == CrossingState.returned,
                    Crossing.returned_at >= earliest,
                ),
            ),
        )
        .order_by(Crossing.queued_at, Crossing.id)
    )
    by_plate: dict[str, list[Crossing]] = {}
    for crossing in rows:
        by_plate.setdefault(crossing.plate, []).append(crossing)
    return by_plate
