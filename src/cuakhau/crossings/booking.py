"""The booking core: every way a truck asks for a place in a gate's queue, on
one path (docs/architecture.md, "Booking").

A booking (a named window, or the earliest one with room) and a walk-in (a
truck already in a yard) are each one procedure (``core.procedure``) built from
the booking rules (``crossings.rules``): lock the truck, read the caller's
rules, choose and lock the window, read the window's rules, and, when every
rule holds, take the window's unit and write the crossing, its cargo, its
first move, its notice, its audit entries and the idempotency key. On
PostgreSQL the procedure is one call of a function that ``cuakhau db upgrade``
installs; elsewhere it runs step by step in the caller's transaction. Every
caller (the API for enterprises and officers, the pages, a yard's check-in,
the CLI, the demo, the benchmark) comes through ``place``.

Also here: cancelling, arriving (on time, late), and the no-show sweep.
Services flush; the caller's transaction commits.
"""

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import (
    JSON,
    Integer,
    String,
    and_,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.audit.recorder import audit_image, entry_values
from cuakhau.capacity.service import ensure_windows
from cuakhau.core.actor import SYSTEM, Actor
from cuakhau.core.clock import local_date, utcnow
from cuakhau.core.database import session_scope, upsert_unless_newer
from cuakhau.core.errors import Conflict, DomainError
from cuakhau.core.procedure import (
    Execute,
    Fetch,
    ForEach,
    JsonObject,
    Lock,
    Procedure,
    Step,
    Stop,
    Value,
)
from cuakhau.crossings import metrics
from cuakhau.crossings.reasons import Reason, told
from cuakhau.crossings.rules import (
    INPUTS,
    KEY_KEPT,
    CallerStage,
    Kind,
    NotReady,
    RuleRefused,
    WindowFull,
    WindowStage,
    caller_facts,
    caller_rules,
    cargo_match,
    first_refusal,
    held,
    lane_open_to_truck,
    policy,
    reckon_no_show_standings,
    value,
    window_facts,
    window_rules,
)
from cuakhau.crossings.schemas import (
    BookingRequest,
    CargoLineIn,
    CrossingDetail,
    MoveRead,
    WalkInRequest,
    WindowChangeRead,
)
from cuakhau.crossings.states import OPEN_STATES, move, move_values, recorded_reason
from cuakhau.crossings.windows import (
    at_gate_from,
    has_room,
    in_lane,
    lane_preference,
    not_started,
    open_to_arrivals,
    release_unit,
    take_unit,
)
from cuakhau.live.changes import queue_changed
from cuakhau.models import (
    AuditEntry,
    BookingPolicy,
    CargoLine,
    Crossing,
    CrossingMove,
    CrossingWindow,
    Gate,
    IdempotencyKey,
    Notification,
    Vehicle,
    WindowChange,
    WindowsMade,
)
from cuakhau.models.enums import CrossingState, Direction, LaneKind, NotificationEvent, Regime
from cuakhau.notifications.outbox import enqueue, notice_payload, notification_values

# Why a truck changed window without a re-plan; why it entered the queue.
_LATE = Reason("late")
_WALK_IN = Reason("walk_in")
_BOOKED = Reason("booked")

# How many free windows a refusal suggests.
SUGGESTIONS = 5
# A place asked for again when what the rules need had to be made first, or
# when the window chosen filled before it could be locked: each attempt takes
# the next window, so this bounds the windows tried, not a wait.
ATTEMPTS = 200
NO_SHOW_SWEEPER = Actor(label="no-show sweep")


@dataclass(frozen=True)
class Caller:
    """Who asks: an API token's bearer (checked by the booking's rules, in its
    own transaction), a signed-in account, or the system itself (the CLI, the
    demo), named for the record."""

    token_hash: str | None = None
    user_id: int | None = None
    label: str = "system"

    @classmethod
    def of(cls, actor: Actor) -> "Caller":
        return cls(user_id=actor.user_id, label=actor.label)


@dataclass(frozen=True)
class Placed:
    """A crossing the procedure made (or, ``replayed``, had made for the same
    idempotency key), with its answer."""

    crossing_id: int
    detail: CrossingDetail | None
    replayed: bool = False


# ---- the procedure -------------------------------------------------------------

_crossing = Crossing.__table__
_window = CrossingWindow.__table__
_line = CargoLine.__table__
_CARGO_FIELDS = (
    "hs_code",
    "description",
    "packages",
    "weight_kg",
    "value_usd",
    "perishable",
    "origin_country",
    "destination_country",
)
# The crossing's columns whose values the procedure finds: the rest the
# request gives, or are the same for every booking (``crossing_values``).
_FOUND = {
    "id": "crossing_id",
    "enterprise_id": "owner_id",
    "vehicle_id": "truck_id",
    "plate": "truck_plate",
    "trailer_plate": "trailer_plate",
    "priority_class_id": "priority_class_id",
    "window_id": "chosen_window_id",
    "lane": "lane_taken",
}
# The crossing's columns whose values are the request's own, by the name of the
# value: the audit entry takes them, with those found, from the procedure's
# values; the rest of it is the same for every request alike (``_audit_base``).
_GIVEN = {
    "driver_id": "driver_id",
    "gate_id": "gate_id",
    "yard_id": "yard_id",
    "queued_at": "now",
    "handover_mode": "handover_mode",
}
# The audit entries' and the notice's values the caller gives, as JSON (``dumps``).
_JSON_INPUTS = {
    "cargo": JSON(),
    "crossing_audit": JSON(),
    "notice": JSON(),
    "reason_params": JSON(),
}


def _first_state(kind: Kind) -> CrossingState:
    return CrossingState.booked if kind is Kind.booking else CrossingState.arrived


def _reason(kind: Kind) -> Reason:
    return _BOOKED if kind is Kind.booking else _WALK_IN


def crossing_values(kind: Kind, of: Mapping[str, Any]) -> dict[str, Any]:
    """A new crossing's row, from the request's values and what the procedure
    found (``of``: by name, Python values or the procedure's ``Value``s)."""
    walk_in = kind is Kind.walk_in
    return {
        **{column: of[name] for column, name in _FOUND.items() if column != "id"},
        "driver_id": of["driver_id"],
        "gate_id": of["gate_id"],
        "direction": of["direction"],
        "regime": of["regime"],
        "handover_mode": of["handover_mode"],
        "state": _first_state(kind),
        "queued_at": of["now"],
        "is_walk_in": walk_in,
        "yard_id": of["yard_id"],
        "needs_quarantine": False,
        "arrived_at": of["now"] if walk_in else None,
        "version": 1,
        "created_at": of["now"],
        "updated_at": of["now"],
    }


def window_change_values(
    *, crossing_id: Any, from_window_id: Any, to_window_id: Any, at: Any, reason: Reason
) -> dict[str, Any]:
    recorded = recorded_reason(reason)
    return {
        "crossing_id": crossing_id,
        "from_window_id": from_window_id,
        "to_window_id": to_window_id,
        "at": at,
        "reason": recorded["reason"],
        "reason_code": recorded["reason_code"],
        "reason_params": recorded["reason_params"],
    }


def _choose(kind: Kind) -> Fetch:
    """The window to lock: the one named; the earliest every window rule lets
    through, across the lanes the truck may take, a lane set apart before the
    ordinary at the same start (else the earliest with room, whose rule then
    explains); a walk-in's first window with room, the one under way included.
    ``chosen_passed``: chosen because every rule let it through, so a rule that
    refuses it once it is locked lost a race."""
    candidate = _window.alias("candidate")
    # A walk-in is here already: the window under way takes it while it has room.
    from_now = open_to_arrivals if kind is Kind.walk_in else at_gate_from
    after = and_(
        from_now(candidate, value("gate_id"), value("direction"), value("now")),
        in_lane(candidate, value("lane")),
    )
    lane_open = lane_open_to_truck(candidate)
    # A lane asked for that the truck may not take is then the window's refusal.
    named_lane = or_(value("lane").is_not(None), lane_open)

    def first(*conditions: Any) -> Any:
        return (
            select(candidate.c.id)
            .where(after, *conditions)
            .order_by(candidate.c.starts_at, *lane_preference(candidate))
            .limit(1)
            .scalar_subquery()
        )

    if kind is Kind.walk_in:
        passing = first(has_room(candidate), lane_open)
        chosen = func.coalesce(passing, first(has_room(candidate), named_lane))
    else:
        stage = WindowStage(candidate)
        rules = {rule.name: held(rule.holds(stage)) for rule in window_rules(kind)}
        not_before = candidate.c.starts_at >= func.coalesce(value("not_before"), value("now"))
        passing = first(not_before, *rules.values())
        with_room = first(not_before, rules["window_bookable"], rules["window_room"], named_lane)
        chosen = func.coalesce(value("window_id"), passing, with_room)
    return Fetch(
        select(
            cast(chosen, Integer).label("chosen_window_id"),
            and_(value("window_id").is_(None), passing.is_not(None)).label("chosen_passed"),
        )
    )


@cache
def procedure(kind: Kind) -> Procedure:
    """The booking (or walk-in) procedure; built once per kind."""
    stage = CallerStage(kind)
    flags = {f"ok_{rule.name}": held(rule.holds(stage)) for rule in caller_rules(kind)}
    facts = caller_facts(stage)
    reading = Fetch(
        stage.statement(
            [*(e.label(n) for n, e in flags.items()), *(e.label(n) for n, e in facts.items())]
        )
    )
    types = {**INPUTS, **_JSON_INPUTS}
    types |= {c.key: c.type for c in reading.statement.selected_columns}
    choosing = _choose(kind)
    types |= {c.key: c.type for c in choosing.statement.selected_columns}
    chosen = Value("chosen_window_id", Integer())

    window = _window.alias("chosen")
    wstage = WindowStage(window)
    window_flags = {f"ok_{rule.name}": held(rule.holds(wstage)) for rule in window_rules(kind)}
    one = select(literal(1).label("one")).subquery("one")
    checking = Fetch(
        select(
            *(e.label(n) for n, e in window_flags.items()),
            *(e.label(n) for n, e in window_facts(wstage).items()),
        )
        .select_from(one)
        .outerjoin(window, window.c.id == chosen)
    )
    types |= {c.key: c.type for c in checking.statement.selected_columns}
    types["crossing_id"] = Integer()
    types["line_id"] = Integer()

    def v(name: str) -> Value:
        return Value(name, types[name])

    names = {name: v(name) for name in types}
    json_objects = [
        JsonObject("crossing_image", "crossing_audit", {**_FOUND, **_given(kind)}),
        JsonObject("line_image", "line_audit", {"id": "line_id", "crossing_id": "crossing_id"}),
    ]
    audit = {"action": "create", "before": None, "actor_user_id": v("caller_id")}
    audit |= {"actor_label": v("actor_label"), "at": v("now")}
    line_fields = {name: _line.c[name].type for name in _CARGO_FIELDS} | {"audit": JSON()}
    types |= {f"line_{name}": type_ for name, type_ in line_fields.items()}
    steps: list[Step] = [
        Lock(
            select(stage.truck.c.id)
            .select_from(stage.truck)
            .where(
                stage.truck.c.plate == value("plate")
                if kind is Kind.walk_in
                else stage.truck.c.id == value("vehicle_id")
            )
            .with_for_update(key_share=True)
        ),
        reading,
        Stop(all_true=tuple(flags), all_null=("remembered_crossing_id",)),
        choosing,
        Lock(select(_window.c.id).where(_window.c.id == chosen).with_for_update(key_share=True)),
        checking,
        Stop(all_true=tuple(window_flags)),
        Execute(
            update(_window)
            .where(_window.c.id == chosen, has_room(_window))
            .values(booked=_window.c.booked + 1),
            when="chosen_window_id",
        ),
        Execute(
            insert(_crossing)
            .values(crossing_values(kind, names))
            .returning(_crossing.c.id.label("crossing_id"))
        ),
        ForEach(
            "cargo",
            "line",
            line_fields,
            [
                Execute(
                    insert(_line)
                    .values(
                        crossing_id=v("crossing_id"),
                        **{name: v(f"line_{name}") for name in _CARGO_FIELDS},
                    )
                    .returning(_line.c.id.label("line_id"))
                ),
                Execute(
                    insert(AuditEntry.__table__).values(
                        entry_values(
                            entity="cargo_line",
                            entity_id=cast(v("line_id"), String),
                            after=json_objects[1].placeholder(),
                            **audit,
                        )
                    )
                ),
            ],
        ),
        Execute(
            insert(CrossingMove.__table__).values(
                move_values(
                    crossing_id=v("crossing_id"),
                    from_state=None,
                    to_state=_first_state(kind),
                    at=v("now"),
                    actor_user_id=v("caller_id"),
                    actor_label=v("actor_label"),
                    reason=_reason(kind),
                    yard_id=v("yard_id"),
                )
            )
        ),
    ]
    if kind is Kind.walk_in:
        steps.append(
            Execute(
                insert(WindowChange.__table__).values(
                    window_change_values(
                        crossing_id=v("crossing_id"),
                        from_window_id=None,
                        to_window_id=chosen,
                        at=v("now"),
                        reason=_WALK_IN,
                    )
                )
            )
        )
    else:
        json_objects.append(
            JsonObject(
                "notice_payload",
                "notice",
                {
                    "crossing_id": "crossing_id",
                    "plate": "truck_plate",
                    "gate_id": "gate_id",
                    "window_starts_at": "window_starts_at",
                    "window_ends_at": "window_ends_at",
                },
            )
        )
        steps.append(
            Execute(
                insert(Notification.__table__).values(
                    notification_values(
                        enterprise_id=v("owner_id"),
                        crossing_id=v("crossing_id"),
                        event=NotificationEvent.booking_confirmed,
                        payload=json_objects[2].placeholder(),
                        at=v("now"),
                    )
                )
            )
        )
    keys = IdempotencyKey.__table__
    steps += [
        Execute(
            insert(AuditEntry.__table__).values(
                entry_values(
                    entity="crossing",
                    entity_id=cast(v("crossing_id"), String),
                    after=json_objects[0].placeholder(),
                    **audit,
                )
            )
        ),
        # A key older than a day no longer answers: its row gives way to the new one.
        Execute(
            delete(keys).where(
                keys.c.user_id == v("caller_id"),
                keys.c.key == value("idempotency_key"),
                keys.c.created_at <= v("key_expired_before"),
            ),
            when="idempotency_key",
        ),
        Execute(
            insert(keys).values(
                user_id=v("caller_id"),
                key=value("idempotency_key"),
                request_digest=value("request_digest"),
                crossing_id=v("crossing_id"),
                created_at=v("now"),
            ),
            when="idempotency_key",
        ),
    ]
    outputs = [
        *flags,
        *facts,
        "chosen_window_id",
        "chosen_passed",
        *window_flags,
        *window_facts(wstage),
        "crossing_id",
    ]
    return Procedure(
        name=f"cuakhau_{kind.value}",
        inputs={**INPUTS, **_JSON_INPUTS},
        steps=steps,
        outputs=outputs,
        json_objects=json_objects,
    )


def procedures() -> list[Procedure]:
    """Every procedure the database holds as a function on PostgreSQL."""
    return [procedure(kind) for kind in Kind]


# ---- asking for a place --------------------------------------------------------


def request_digest(kind: Kind, request: BookingRequest | WalkInRequest) -> str:
    """What an idempotency key is checked against: the request as understood,
    so the same request sent with other spacing or key order is the same."""
    return hashlib.sha256(f"{kind.value}:{request.model_dump_json()}".encode()).hexdigest()


def inputs_for(
    kind: Kind,
    caller: Caller,
    request: BookingRequest | WalkInRequest,
    now: datetime,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    """The procedure's inputs for one request."""
    booking = request if isinstance(request, BookingRequest) else None
    walk_in = request if isinstance(request, WalkInRequest) else None
    given = {
        "token_hash": caller.token_hash,
        "user_id": caller.user_id,
        "caller_label": caller.label,
        "enterprise_id": booking.enterprise_id if booking else None,
        "vehicle_id": booking.vehicle_id if booking else None,
        "plate": walk_in.plate if walk_in else None,
        "driver_id": request.driver_id,
        "gate_id": request.gate_id,
        "direction": request.direction,
        "regime": request.regime,
        "handover_mode": request.handover_mode,
        "lane": request.lane,
        "window_id": booking.window_id if booking else None,
        "not_before": booking.not_before if booking else None,
        "yard_id": walk_in.yard_id if walk_in else None,
        "wanted": cargo_match([line.perishable for line in request.cargo]),
        "now": now,
        "today": local_date(now),
        "idempotency_key": idempotency_key,
        "request_digest": request_digest(kind, request) if idempotency_key else None,
        "key_expired_before": now - KEY_KEPT,
    }
    crossing_audit, notice = _alike(kind, request.direction, request.regime)
    given["crossing_audit"], given["notice"] = crossing_audit, notice
    given["reason_params"] = dict(_reason(kind).params)
    given["cargo"] = [_line_item(line) for line in request.cargo]
    return given


def _given(kind: Kind) -> dict[str, str]:
    return {**_GIVEN, "arrived_at": "now"} if kind is Kind.walk_in else _GIVEN


@cache
def _alike(
    kind: Kind, direction: Direction, regime: Regime
) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the crossing's audit entry and its notice say alike for every
    request of this kind, direction and regime (the rest the procedure fills)."""
    blank = dict.fromkeys({*_FOUND.values(), *_GIVEN.values()})
    row = crossing_values(kind, {**blank, "direction": direction, "regime": regime})
    filled = {*_FOUND, *_given(kind)}
    image = {k: v for k, v in audit_image(Crossing, row).items() if k not in filled}
    told = notice_payload({**row, "id": None}, NotificationEvent.booking_confirmed, {})
    return image, {k: v for k, v in told.items() if k not in ("crossing_id", "plate", "gate_id")}


def _line_item(line: CargoLineIn) -> dict[str, Any]:
    """A cargo line as the procedure takes it: its values, and as its audit
    entry shows them (JSON's forms: the value as text)."""
    audit = line.model_dump(mode="json") | {"id": None, "crossing_id": None}
    return {**line.model_dump(), "audit": audit}


def place(
    session: Session,
    kind: Kind,
    caller: Caller,
    request: BookingRequest | WalkInRequest,
    now: datetime,
    *,
    idempotency_key: str | None = None,
) -> Placed:
    """Book (or queue a walk-in) in the session's transaction, or raise the
    refusal of the first rule that does not hold; the caller commits."""
    inputs = inputs_for(kind, caller, request, now, idempotency_key)
    run = _runner(session)
    try:
        for _attempt in range(ATTEMPTS):
            outputs = run(procedure(kind), inputs)
            try:
                return metrics.placed(kind.value, outcome(kind, request, inputs, outputs))
            except NotReady as missing:
                prepare(session, missing, request, now)
            except WindowFull as full:
                raise _with_free_windows(session, full, request, now) from None
        raise Conflict("no_free_window", days=policy(session).booking_horizon_days)
    except DomainError as refusal:
        metrics.refused(kind.value, refusal)
        raise


def _runner(session: Session) -> Callable[[Procedure, Mapping[str, Any]], dict[str, Any]]:
    if session.get_bind().dialect.name == "postgresql":
        return lambda p, inputs: p.run_function(session, inputs)
    return lambda p, inputs: p.run(session, inputs)


def outcome(
    kind: Kind,
    request: BookingRequest | WalkInRequest,
    inputs: Mapping[str, Any],
    outputs: Mapping[str, Any],
) -> Placed:
    """What the procedure's answer means: the crossing made, the one an
    idempotency key made before, or the refusal it gives (raised)."""
    if outputs["crossing_id"] is not None:
        return Placed(outputs["crossing_id"], answer(kind, request, {**inputs, **outputs}))
    remembered = outputs["remembered_crossing_id"]
    if remembered is not None:
        if outputs["remembered_digest"] != inputs["request_digest"]:
            raise Conflict("idempotency_key_reused")
        return Placed(remembered, None, replayed=True)
    refusal = first_refusal(kind, {**inputs, "kind": kind, **outputs})
    assert refusal is not None  # the procedure stops only at a rule that does not hold
    if outputs["chosen_passed"] and outputs["ok_windows_made"]:
        # Every rule let the window through when it was chosen; before it was
        # locked, another booking took what this one needed: choose again.
        raise NotReady("window")
    raise refusal


def prepare(
    session: Session, missing: NotReady, request: BookingRequest | WalkInRequest, now: datetime
) -> None:
    """Make what the rules found missing, before asking again."""
    if missing.missing == "policy":
        policy(session)
    elif missing.missing == "windows":
        gate = session.get(Gate, request.gate_id)
        assert gate is not None  # the rules found it active
        horizon_windows(session, gate, request.direction, now, policy(session))


def _with_free_windows(
    session: Session, full: WindowFull, request: BookingRequest | WalkInRequest, now: datetime
) -> WindowFull:
    gate = session.get_one(Gate, request.gate_id)
    later = free_windows(
        session,
        gate,
        request.direction,
        full.starts_at,
        now,
        limit=SUGGESTIONS,
        make_missing=False,
        lane=full.lane,
    )
    return WindowFull(full.starts_at, full.lane, later)


def answer(
    kind: Kind, request: BookingRequest | WalkInRequest, of: Mapping[str, Any]
) -> CrossingDetail:
    """The crossing as the procedure wrote it, without reading it back."""
    row = crossing_values(kind, of)
    first_move = move_values(
        crossing_id=of["crossing_id"],
        from_state=None,
        to_state=_first_state(kind),
        at=of["now"],
        actor_user_id=of["caller_id"],
        actor_label=of["actor_label"],
        reason=_reason(kind),
        yard_id=of["yard_id"],
    )
    changes = []
    if kind is Kind.walk_in:
        changes.append(
            WindowChangeRead(
                at=of["now"],
                from_window_starts_at=None,
                to_window_starts_at=of["window_starts_at"],
                **recorded_reason(_WALK_IN),
            )
        )
    return CrossingDetail(
        **row,
        id=of["crossing_id"],
        channel=None,
        declaration_no=None,
        hold_reason=None,
        called_at=None,
        crossed_at=None,
        returned_at=None,
        cargo=[line.model_dump() for line in request.cargo],
        window_starts_at=of["window_starts_at"],
        window_ends_at=of["window_ends_at"],
        moves=[MoveRead(**first_move)],
        window_changes=changes,
    )


def book(
    session: Session, *, request: BookingRequest, now: datetime, enterprise_id: int | None = None
) -> Crossing:
    """A booking by the session's actor (a signed-in account, or the system: the
    CLI, the demo), for ``enterprise_id`` when the actor is not an enterprise's.
    The crossing as stored."""
    if enterprise_id is not None:
        request = request.model_copy(update={"enterprise_id": enterprise_id})
    return _stored(session, place(session, Kind.booking, _actor(session), request, now))


def walk_in(session: Session, *, request: WalkInRequest, now: datetime) -> Crossing:
    """A truck in a yard without a booking, queued by the session's actor into
    the next free window, or waiting for one. The crossing as stored."""
    return _stored(session, place(session, Kind.walk_in, _actor(session), request, now))


def _actor(session: Session) -> Caller:
    return Caller.of(session.info.get("actor", SYSTEM))


def _stored(session: Session, placed: Placed) -> Crossing:
    crossing = session.get_one(Crossing, placed.crossing_id)
    queue_changed(session, crossing.gate_id, crossing.direction.value)
    return crossing


# ---- windows -------------------------------------------------------------------


def horizon_windows(
    session: Session, gate: Gate, direction: Direction, now: datetime, rules: BookingPolicy
) -> None:
    """Make the windows from today to the booking horizon where missing.

    Checked against how far they have been made without a gap (``WindowsMade``),
    so a booking does not rebuild two weeks of windows each time, nor skip the
    days before a later day someone asked to see."""
    today = local_date(now)
    last_day = today + timedelta(days=rules.booking_horizon_days)
    made = session.get(WindowsMade, (gate.id, direction), populate_existing=True)
    if made is not None and made.through >= last_day:
        return
    first_day = today if made is None else max(today, made.through + timedelta(days=1))
    ensure_windows(session, gate, direction, first_day, last_day)
    made_through = {"gate_id": gate.id, "direction": direction, "through": last_day}
    upsert_unless_newer(session, WindowsMade, [made_through], ["gate_id", "direction"], "through")


def free_windows(
    session: Session,
    gate: Gate,
    direction: Direction,
    after: datetime,
    now: datetime,
    limit: int | None = None,
    *,
    make_missing: bool = True,
    ending_from: datetime | None = None,
    lane: LaneKind | None = None,
) -> list[CrossingWindow]:
    """Windows from ``after`` with room left, earliest first, ending at
    ``ending_from`` or later when given, of one lane or (None) of every lane.
    ``make_missing`` first makes the windows up to the booking horizon; a
    refusal does not, as what it made would be rolled back with it."""
    if make_missing:
        horizon_windows(session, gate, direction, now, policy(session))
    window = CrossingWindow.__table__
    stmt = (
        select(CrossingWindow)
        .where(
            at_gate_from(window, gate.id, direction, after),
            in_lane(window, lane),
            has_room(window),
        )
        .order_by(window.c.starts_at, *lane_preference(window))
        .execution_options(populate_existing=True)
    )
    if ending_from is not None:
        stmt = stmt.where(window.c.ends_at >= ending_from)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


class WindowStatus(StrEnum):
    """Whether a booking may choose a window, or why not."""

    open = "open"
    passed = "passed"  # under way or over: a booking is for a window still to come
    full = "full"
    closed = "closed"  # no capacity in it


@dataclass(frozen=True)
class WindowChoice:
    window: CrossingWindow
    status: WindowStatus


def window_choices(
    session: Session, gate: Gate, direction: Direction, day: date, now: datetime
) -> list[WindowChoice]:
    """A day's windows as the booking form offers them, each open or why not, by
    the booking's own window rules (``not_started``, ``has_room``)."""
    windows = ensure_windows(session, gate, direction, day, day)
    table = CrossingWindow.__table__
    flags = {
        row.id: (row.to_come, row.room)
        for row in session.execute(
            select(
                table.c.id,
                not_started(table, now).label("to_come"),
                has_room(table).label("room"),
            ).where(table.c.id.in_([w.id for w in windows]))
        )
    }
    choices = []
    for window in windows:
        to_come, room = flags[window.id]
        if window.capacity == 0:
            status = WindowStatus.closed
        elif not to_come:
            status = WindowStatus.passed
        elif not room:
            status = WindowStatus.full
        else:
            status = WindowStatus.open
        choices.append(WindowChoice(window, status))
    return choices


def open_bookings_by_vehicle(
    session: Session, enterprise_id: int
) -> dict[int, list[tuple[Crossing, CrossingWindow | None]]]:
    """The open crossings of an enterprise's trucks (what the ``open_bookings``
    rule counts), by truck, each with its window, earliest first."""
    trucks = select(Vehicle.id).where(Vehicle.enterprise_id == enterprise_id)
    rows = session.execute(
        select(Crossing, CrossingWindow)
        .outerjoin(CrossingWindow, CrossingWindow.id == Crossing.window_id)
        .where(Crossing.vehicle_id.in_(trucks), Crossing.state.in_(sorted(OPEN_STATES)))
        .order_by(CrossingWindow.starts_at, Crossing.id)
    ).all()
    found: dict[int, list[tuple[Crossing, CrossingWindow | None]]] = {}
    for crossing, window in rows:
        found.setdefault(crossing.vehicle_id, []).append((crossing, window))
    return found


def arrival_window(
    session: Session, gate: Gate, direction: Direction, now: datetime, lane: LaneKind
) -> CrossingWindow | None:
    """The window of a lane a truck arriving at ``now`` without a booking is
    queued into (a walk-in's choice): the first with room, the one under way
    included, up to the booking horizon."""
    horizon_windows(session, gate, direction, now, policy(session))
    window = CrossingWindow.__table__
    return session.scalar(
        select(CrossingWindow)
        .where(
            open_to_arrivals(window, gate.id, direction, now),
            in_lane(window, lane),
            has_room(window),
        )
        .order_by(CrossingWindow.starts_at)
        .limit(1)
        .execution_options(populate_existing=True)
    )


def take_next_free(
    session: Session,
    gate_id: int,
    direction: Direction,
    after: datetime,
    now: datetime,
    *,
    ending_from: datetime | None = None,
    lane: LaneKind,
) -> CrossingWindow | None:
    """One unit of the first window of a lane from ``after`` with room (ending
    at ``ending_from`` or later when given), or None within the horizon."""
    gate = session.get_one(Gate, gate_id)
    free = free_windows(session, gate, direction, after, now, ending_from=ending_from, lane=lane)
    for window in free:
        taken = take_unit(session, window.id)
        if taken is not None:
            return taken
    return None


def change_window(
    session: Session,
    crossing: Crossing,
    new: CrossingWindow | None,
    now: datetime,
    reason: Reason,
) -> None:
    session.add(
        WindowChange(
            **window_change_values(
                crossing_id=crossing.id,
                from_window_id=crossing.window_id,
                to_window_id=new.id if new else None,
                at=now,
                reason=reason,
            )
        )
    )
    crossing.window_id = new.id if new else None


def assign_next_free(
    session: Session, crossing: Crossing, now: datetime, reason: Reason
) -> CrossingWindow | None:
    """Queue the crossing into the next free window of its lane from now, or into
    no window at all (waiting for capacity) when the horizon is full."""
    window = take_next_free(
        session, crossing.gate_id, crossing.direction, now, now, lane=crossing.lane
    )
    change_window(session, crossing, window, now, reason)
    return window


# ---- after booking -------------------------------------------------------------


def cancel_deadline(session: Session, crossing: Crossing) -> datetime | None:
    """The last moment ``cancel`` accepts: the cut-off before a booked crossing's
    window. None when no cut-off applies (no window, or not booked)."""
    if crossing.state is not CrossingState.booked or crossing.window_id is None:
        return None
    window = session.get_one(CrossingWindow, crossing.window_id)
    return window.starts_at - timedelta(minutes=policy(session).cancel_cutoff_minutes)


def cancel(session: Session, crossing: Crossing, now: datetime) -> Crossing:
    deadline = cancel_deadline(session, crossing)
    if deadline is not None and now > deadline:
        raise RuleRefused("cancel_cutoff", minutes=policy(session).cancel_cutoff_minutes)
    move(session, crossing, CrossingState.cancelled, at=now, reason=Reason("cancelled"))
    return crossing


def arrive(
    session: Session, crossing: Crossing, now: datetime, yard_id: int | None = None
) -> Crossing:
    """A booked truck reaches the zone at ``now``. Later than its window plus the
    grace period, it loses the window and rejoins the queue at the next free one."""
    rules = policy(session)
    move(session, crossing, CrossingState.arrived, at=now, reason=Reason("arrived"))
    if yard_id is not None:
        crossing.yard_id = yard_id
    window = session.get(CrossingWindow, crossing.window_id) if crossing.window_id else None
    if window is not None and now > window.ends_at + timedelta(minutes=rules.late_grace_minutes):
        release_unit(session, window.id)
        new = assign_next_free(session, crossing, now, reason=_LATE)
        enqueue(
            session,
            crossing,
            NotificationEvent.lost_window,
            at=now,
            window_starts_at=new.starts_at.isoformat() if new else None,
            **told(_LATE),
        )
    session.flush()
    return crossing


def sweep_no_shows(session: Session, now: datetime) -> list[Crossing]:
    """Booked trucks that never came: their windows' capacity goes back to others,
    every enterprise's no-show standing is reckoned again, and idempotency keys
    older than a day are forgotten."""
    rules = policy(session)
    late = timedelta(minutes=rules.no_show_after_minutes)
    missed = list(
        session.scalars(
            select(Crossing)
            .join(CrossingWindow, CrossingWindow.id == Crossing.window_id)
            .where(
                and_(
                    Crossing.state == CrossingState.booked,
                    CrossingWindow.ends_at < now - late,
                )
            )
            .order_by(Crossing.id)
        )
    )
    for crossing in missed:
        move(session, crossing, CrossingState.no_show, at=now, reason=Reason("no_show"))
    reckon_no_show_standings(session, now)
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at <= now - KEY_KEPT))
    return missed


def sweep_job(factory: sessionmaker[Session]) -> Callable[[], object]:
    """The periodic no-show sweep, for ``core.periodic.every``."""

    def run() -> None:
        with session_scope(factory, NO_SHOW_SWEEPER) as session:
            sweep_no_shows(session, utcnow())

    return run
