"""Every booking rule, each written once (docs/architecture.md, "Booking").

A rule is a SQLAlchemy Core condition that is true when the rule lets the
booking through, and the refusal it gives when it is not. The booking
procedure (``crossings.booking``) evaluates them all in the database, in the
transaction that takes the window's unit, after the truck's and the window's
rows are locked: on PostgreSQL inside one function, on SQLite step by step.
The first rule that does not hold names the refusal; the order below is that
order.

Rules read the request's values (``Value``s: the caller's token or account,
the truck, the window…) and the zone's policy and priority classes, which are
data (``booking_policy``, ``priority_class``). They come in two stages:

- the caller's (``CallerStage``): who asks, for which enterprise, which truck,
  driver and gate, and what the truck already holds; read once the truck is
  locked;
- the window's (``WindowStage``): whether the window chosen is bookable, has
  room, and has room for this class and this enterprise; read once the window
  is locked, and also used to choose the earliest window that would pass.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    Time,
    and_,
    case,
    cast,
    delete,
    false,
    func,
    literal,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.orm import Session

from cuakhau.accounts.service import token_checks
from cuakhau.core.clock import ZONE_TZ
from cuakhau.core.database import insert_ignoring_duplicates, upsert_unless_newer
from cuakhau.core.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from cuakhau.core.procedure import Value
from cuakhau.core.sqltime import add_days, time_of_day_in
from cuakhau.crossings.states import OPEN_STATES
from cuakhau.crossings.windows import has_room, in_lane, not_started
from cuakhau.models import (
    ApiToken,
    BookingPolicy,
    Crossing,
    CrossingWindow,
    Driver,
    Enterprise,
    Gate,
    IdempotencyKey,
    NoShowStanding,
    PriorityClass,
    User,
    Vehicle,
    WindowsMade,
    Yard,
)
from cuakhau.models.base import UtcDateTime
from cuakhau.models.enums import (
    CrossingState,
    Direction,
    HandoverMode,
    LaneKind,
    PriorityMatch,
    Role,
)


class RuleRefused(Conflict):
    """A booking rule said no. ``rule`` names it, for people and for programs."""

    def __init__(self, rule: str, **params: Any):
        super().__init__(f"rule_{rule}", **params)
        self.rule = rule

    def extra(self) -> dict[str, Any]:
        return {"rule": self.rule}


class WindowFull(Conflict):
    """The window named has no room; ``free`` the next windows that have."""

    def __init__(self, starts_at: datetime, lane: LaneKind, free: Sequence[CrossingWindow] = ()):
        super().__init__("window_full", starts_at=starts_at.isoformat())
        self.starts_at = starts_at
        self.lane = lane
        # Copied now: the session is rolled back before the answer is written.
        self.free = [
            {
                "id": w.id,
                "starts_at": w.starts_at.isoformat(),
                "ends_at": w.ends_at.isoformat(),
                "lane": w.lane.value,
                "free": w.capacity - w.booked,
            }
            for w in free
        ]

    def extra(self) -> dict[str, object]:
        return {"next_free_windows": self.free}


class NotReady(Exception):
    """What the rules need is not in the database yet: the policy's row, or the
    windows up to the horizon. ``booking`` makes it and asks again."""

    def __init__(self, missing: str):
        super().__init__(missing)
        self.missing = missing


class Kind(StrEnum):
    """How a truck asks for a place: a booking of a window (named, or the
    earliest with room), or a walk-in already in a yard."""

    booking = "booking"
    walk_in = "walk_in"


POLICY_ID = 1
# Sorted: a set's order changes from process to process, and the booking's
# functions are named after their text.
_OPEN = sorted(OPEN_STATES)
# How long an idempotency key answers with its first booking.
KEY_KEPT = timedelta(days=1)
# Thousandths: shares and rates are NUMERIC(4, 3), compared exactly as integers.
_MILLE = 1000

BOOKING_ROLES = frozenset({Role.enterprise, Role.admin, Role.gate_officer})
WALK_IN_ROLES = frozenset({Role.admin, Role.gate_officer, Role.yard_operator})
MAY_ASK: Mapping[Kind, frozenset[Role]] = {Kind.booking: BOOKING_ROLES, Kind.walk_in: WALK_IN_ROLES}


def policy(session: Session) -> BookingPolicy:
    """The zone's policy (one row); made with the defaults on first use, once even
    when several requests ask at the same moment."""
    current = session.get(BookingPolicy, POLICY_ID)
    if current is None:
        insert_ignoring_duplicates(session, BookingPolicy, [{"id": POLICY_ID}], ["id"])
        current = session.get(BookingPolicy, POLICY_ID)
        assert current is not None
    return current


def cargo_match(cargo_perishable: Sequence[bool]) -> PriorityMatch:
    """What a crossing's cargo makes it: empty, perishable or other."""
    if not cargo_perishable:
        return PriorityMatch.empty
    if any(cargo_perishable):
        return PriorityMatch.perishable
    return PriorityMatch.other


# ---- the request's values ------------------------------------------------------

_c = Crossing.__table__.c

# What every way of asking gives the procedure, named and typed as stored.
INPUTS: dict[str, Any] = {
    "token_hash": ApiToken.__table__.c.token_hash.type,
    "user_id": Integer(),
    "caller_label": String(100),
    "enterprise_id": Integer(),
    "vehicle_id": Integer(),
    "plate": Vehicle.__table__.c.plate.type,
    "driver_id": Integer(),
    "gate_id": Integer(),
    "direction": _c.direction.type,
    "regime": _c.regime.type,
    "handover_mode": _c.handover_mode.type,
    "lane": _c.lane.type,
    "window_id": Integer(),
    "not_before": UtcDateTime(),
    "yard_id": Integer(),
    "wanted": PriorityClass.__table__.c.match.type,
    "now": UtcDateTime(),
    "today": Date(),
    "idempotency_key": IdempotencyKey.__table__.c.key.type,
    "request_digest": IdempotencyKey.__table__.c.request_digest.type,
    # ``now`` less a day (``KEY_KEPT``): older keys no longer answer.
    "key_expired_before": UtcDateTime(),
}


def value(name: str) -> Value:
    """An input of the booking procedure, in a statement."""
    return Value(name, INPUTS[name])


# ---- the caller's stage --------------------------------------------------------


class CallerStage:
    """The rows the caller's rules read, joined into one row (any may be missing)."""

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self.token = ApiToken.__table__.alias("token")
        self.me = User.__table__.alias("me")
        self.rules = BookingPolicy.__table__.alias("rules")
        self.truck = Vehicle.__table__.alias("truck")
        self.owner_row = Enterprise.__table__.alias("owner")
        self.driver = Driver.__table__.alias("driver")
        self.gate = Gate.__table__.alias("gate")
        self.yard = Yard.__table__.alias("yard")
        self.priority = PriorityClass.__table__.alias("priority")
        self.standing = NoShowStanding.__table__.alias("standing")
        self.made = WindowsMade.__table__.alias("made")
        self.remembered = IdempotencyKey.__table__.alias("remembered")

    @property
    def system(self) -> ColumnElement[bool]:
        """Asked by the system itself (the CLI, the demo): no account to check."""
        return and_(value("token_hash").is_(None), value("user_id").is_(None))

    @property
    def enterprise_caller(self) -> ColumnElement[bool]:
        return func.coalesce(self.me.c.role == Role.enterprise.name, false())

    @property
    def owner(self) -> ColumnElement[int]:
        """The enterprise the crossing will be for."""
        if self.kind is Kind.walk_in:
            return self.truck.c.enterprise_id
        return case((self.enterprise_caller, self.me.c.enterprise_id), else_=value("enterprise_id"))

    def open_bookings(self) -> ColumnElement[int]:
        return (
            select(func.count())
            .select_from(Crossing)
            .where(Crossing.vehicle_id == self.truck.c.id, Crossing.state.in_(_OPEN))
            .scalar_subquery()
        )

    def statement(self, columns: Sequence[ColumnElement[Any]]) -> Select[Any]:
        one = select(literal(1).label("one")).subquery("one")
        truck_found = (
            self.truck.c.plate == value("plate")
            if self.kind is Kind.walk_in
            else self.truck.c.id == value("vehicle_id")
        )
        class_wanted = (
            select(PriorityClass.id)
            .where(PriorityClass.match.in_([value("wanted"), literal(PriorityMatch.other.name)]))
            .order_by((PriorityClass.match == value("wanted")).desc())
            .limit(1)
            .scalar_subquery()
        )
        return (
            select(*columns)
            .select_from(one)
            .outerjoin(self.rules, self.rules.c.id == POLICY_ID)
            .outerjoin(self.token, self.token.c.token_hash == value("token_hash"))
            .outerjoin(
                self.me, self.me.c.id == func.coalesce(self.token.c.user_id, value("user_id"))
            )
            .outerjoin(self.truck, truck_found)
            .outerjoin(self.owner_row, self.owner_row.c.id == self.owner)
            .outerjoin(self.driver, self.driver.c.id == value("driver_id"))
            .outerjoin(self.gate, self.gate.c.id == value("gate_id"))
            .outerjoin(self.yard, self.yard.c.id == value("yard_id"))
            .outerjoin(self.priority, self.priority.c.id == class_wanted)
            .outerjoin(self.standing, self.standing.c.enterprise_id == self.owner)
            .outerjoin(
                self.made,
                and_(
                    self.made.c.gate_id == value("gate_id"),
                    self.made.c.direction == value("direction"),
                ),
            )
            .outerjoin(
                self.remembered,
                and_(
                    self.remembered.c.user_id == self.me.c.id,
                    self.remembered.c.key == value("idempotency_key"),
                    self.remembered.c.created_at > value("key_expired_before"),
                ),
            )
        )


# ---- the window's stage --------------------------------------------------------

# What the caller's stage tells the window's, named as the procedure keeps them.
CALLER_FACTS = {
    "owner_id": Integer(),
    "priority_class_id": Integer(),
    "class_share_mille": Integer(),
    "peak_capped": Boolean(),
    "peak_starts_at": Time(),
    "peak_ends_at": Time(),
    "peak_share_mille": Integer(),
    "horizon_days": Integer(),
    "truck_unmanned": Boolean(),
    "chosen_window_id": Integer(),
}


def fact(name: str) -> Value:
    return Value(name, CALLER_FACTS[name])


def _share(capacity: ColumnElement[int], mille: ColumnElement[int]) -> ColumnElement[int]:
    """The whole trucks a share of a window's capacity allows (rounded down)."""
    return (capacity * mille) // _MILLE


@dataclass(frozen=True)
class WindowStage:
    """A window, and what the caller's stage found: the rules on that window."""

    window: Any

    def holding(self, column: Any, holder: ColumnElement[int]) -> ColumnElement[int]:
        """Open crossings in this window sharing one value (a class, an enterprise)."""
        return (
            select(func.count())
            .select_from(Crossing)
            .where(
                Crossing.window_id == self.window.c.id,
                column == holder,
                Crossing.state.in_(_OPEN),
            )
            .scalar_subquery()
        )

    def class_limit(self) -> ColumnElement[int]:
        return _share(self.window.c.capacity, fact("class_share_mille"))

    def peak_limit(self) -> ColumnElement[int]:
        return _share(self.window.c.capacity, fact("peak_share_mille"))

    def is_peak(self) -> ColumnElement[bool]:
        local = time_of_day_in(self.window.c.starts_at, ZONE_TZ)
        return and_(local >= fact("peak_starts_at"), local < fact("peak_ends_at"))


# ---- the rules -----------------------------------------------------------------


def offers(place: Any, mode: Any) -> ColumnElement[bool]:
    """Whether a gate or a yard (a table or its alias) offers a handover mode:
    here for bookings, and for the yard operator's change of mode."""
    columns = place.c if hasattr(place, "c") else place.__table__.c
    return case(
        (mode == HandoverMode.trailer_swap.name, columns.offers_trailer_swap),
        (mode == HandoverMode.transload.name, columns.offers_transload),
        else_=columns.offers_drive_through,
    )


def _not_offered(facts: Mapping[str, Any]) -> Exception:
    return InvalidInput(
        "handover_not_offered",
        field="handover_mode",
        mode=HandoverMode(facts["handover_mode"]).value,
    )


Facts = Mapping[str, Any]


@dataclass(frozen=True)
class CallerRule:
    name: str
    kinds: frozenset[Kind]
    holds: Callable[[CallerStage], ColumnElement[bool]]
    refusal: Callable[[Facts], Exception]


@dataclass(frozen=True)
class WindowRule:
    name: str
    holds: Callable[[WindowStage], ColumnElement[bool]]
    refusal: Callable[[Facts], Exception]


BOTH = frozenset(Kind)
BOOKING = frozenset({Kind.booking})
WALK_IN = frozenset({Kind.walk_in})


def _token_rules() -> list[CallerRule]:
    """A token's checks (``accounts.service.token_checks``) bind a token's
    bearer; whether the account is active binds a signed-in account too."""
    stage = CallerStage(Kind.booking)
    codes = [code for code, _ in token_checks(stage.token, stage.me, value("now"))]

    def rule(index: int, code: str) -> CallerRule:
        def holds(s: CallerStage) -> ColumnElement[bool]:
            condition = token_checks(s.token, s.me, value("now"))[index][1]
            exempt = s.system if code == "account_disabled" else value("token_hash").is_(None)
            return or_(exempt, condition)

        return CallerRule(f"token_{code}", BOTH, holds, lambda _facts: NotAuthenticated(code))

    return [rule(index, code) for index, code in enumerate(codes)]


def _enterprise_refusal(facts: Facts) -> Exception:
    if facts["kind"] is Kind.walk_in:
        return InvalidInput("referenced_missing", entity="enterprise", id=facts["owner_id"])
    if facts["role"] == Role.enterprise.name:
        return PermissionDenied("enterprise_inactive")
    return InvalidInput(
        "referenced_missing",
        field="enterprise_id",
        entity="enterprise",
        id=facts["enterprise_id"],
    )


def _referenced(field: str, entity: str) -> Callable[[Facts], Exception]:
    return lambda facts: InvalidInput(
        "referenced_missing", field=field, entity=entity, id=facts[field]
    )


CALLER_RULES: Sequence[CallerRule] = [
    CallerRule("policy", BOTH, lambda s: s.rules.c.id.is_not(None), lambda _f: NotReady("policy")),
    *_token_rules(),
    CallerRule(
        "may_ask",
        BOTH,
        lambda s: or_(s.system, s.me.c.role.in_(sorted(role.name for role in MAY_ASK[s.kind]))),
        lambda f: PermissionDenied("role_forbidden", role=Role[f["role"]].value),
    ),
    # An enterprise books for itself: naming another is naming one it cannot see.
    CallerRule(
        "own_enterprise",
        BOOKING,
        lambda s: or_(
            ~s.enterprise_caller,
            value("enterprise_id").is_(None),
            value("enterprise_id") == s.me.c.enterprise_id,
        ),
        _referenced("enterprise_id", "enterprise"),
    ),
    CallerRule(
        "enterprise_named",
        BOOKING,
        lambda s: or_(s.enterprise_caller, value("enterprise_id").is_not(None)),
        lambda _f: InvalidInput("missing", field="enterprise_id"),
    ),
    CallerRule(
        "vehicle_known",
        WALK_IN,
        lambda s: s.truck.c.is_active,
        lambda f: InvalidInput("unknown_plate", field="plate", plate=f["plate"]),
    ),
    CallerRule("enterprise_active", BOTH, lambda s: s.owner_row.c.is_active, _enterprise_refusal),
    CallerRule(
        "vehicle_owned",
        BOOKING,
        lambda s: s.truck.c.enterprise_id == s.owner,
        lambda f: NotFound("vehicle", f["vehicle_id"]),
    ),
    CallerRule(
        "vehicle_active",
        BOOKING,
        lambda s: s.truck.c.is_active,
        _referenced("vehicle_id", "vehicle"),
    ),
    CallerRule(
        "driver",
        BOTH,
        lambda s: or_(
            value("driver_id").is_(None),
            and_(s.driver.c.enterprise_id == s.owner, s.driver.c.is_active),
        ),
        _referenced("driver_id", "driver"),
    ),
    CallerRule("gate_active", BOTH, lambda s: s.gate.c.is_active, _referenced("gate_id", "gate")),
    CallerRule(
        "gate_direction",
        BOTH,
        lambda s: case(
            (value("direction") == Direction.export.name, s.gate.c.handles_export),
            else_=s.gate.c.handles_import,
        ),
        lambda f: InvalidInput("gate_direction", field="direction", direction=f["direction"]),
    ),
    # The gate, and the yard a walk-in is in, must offer the handover mode asked.
    CallerRule(
        "handover_offered",
        BOTH,
        lambda s: and_(
            offers(s.gate, value("handover_mode")),
            or_(value("yard_id").is_(None), offers(s.yard, value("handover_mode"))),
        ),
        _not_offered,
    ),
    CallerRule(
        "open_bookings",
        BOTH,
        lambda s: s.open_bookings() < s.rules.c.max_open_bookings_per_vehicle,
        lambda f: RuleRefused("open_bookings", plate=f["truck_plate"], limit=f["open_limit"]),
    ),
    CallerRule(
        "priority_class",
        BOTH,
        lambda s: s.priority.c.id.is_not(None),
        lambda _f: Conflict("no_priority_classes"),
    ),
    # "Earliest" and walk-ins look for a window up to the horizon: those days'
    # windows must have been made first.
    CallerRule(
        "windows_made",
        BOTH,
        lambda s: or_(
            value("window_id").is_not(None),
            s.made.c.through >= add_days(value("today"), s.rules.c.booking_horizon_days),
        ),
        lambda _f: NotReady("windows"),
    ),
]


def lane_allowed(lane: Any, unmanned: Any, wanted: Any) -> ColumnElement[bool]:
    """Whether a truck may take a lane: the perishable fast lane only with
    perishable cargo (its priority match, ``cargo_match``), the unmanned
    windows only a vehicle registered as unmanned, the ordinary lane and the
    freight road any truck."""
    return case(
        (lane == LaneKind.perishable.name, wanted == PriorityMatch.perishable.name),
        (lane == LaneKind.unmanned.name, unmanned),
        else_=true(),
    )


def lane_open_to_truck(window: Any) -> ColumnElement[bool]:
    """``lane_allowed`` for a window (a table or its alias) and the truck asking."""
    return lane_allowed(window.c.lane, fact("truck_unmanned"), value("wanted"))


def _lane_refused(facts: Facts) -> Exception:
    return InvalidInput("lane_not_allowed", field="lane", lane=LaneKind(facts["window_lane"]).value)


# A walk-in waiting for a window (none chosen) has no lane to refuse.
LANE_RULE = WindowRule(
    "lane_allowed",
    lambda w: or_(w.window.c.id.is_(None), lane_open_to_truck(w.window)),
    _lane_refused,
)


def _bookable(stage: WindowStage) -> ColumnElement[bool]:
    window = stage.window.c
    return and_(
        window.id.is_not(None),
        window.gate_id == value("gate_id"),
        window.direction == value("direction"),
        in_lane(stage.window, value("lane")),
        not_started(stage.window, value("now")),
        window.starts_at <= add_days(value("now"), fact("horizon_days") + 1),
    )


def _unbookable(facts: Facts) -> Exception:
    if facts["window_id"] is None:
        return Conflict("no_free_window", days=facts["horizon_days"])
    return InvalidInput("window_not_bookable", field="window_id", id=facts["window_id"])


WINDOW_RULES: Sequence[WindowRule] = [
    WindowRule("window_bookable", _bookable, _unbookable),
    LANE_RULE,
    WindowRule(
        "window_room",
        lambda w: w.window.c.booked < w.window.c.capacity,
        lambda f: WindowFull(f["window_starts_at"], LaneKind(f["window_lane"])),
    ),
    WindowRule(
        "class_share",
        lambda w: or_(
            fact("class_share_mille").is_(None),
            w.holding(Crossing.priority_class_id, fact("priority_class_id")) < w.class_limit(),
        ),
        lambda f: RuleRefused(
            "class_share", priority_class=f["priority_class_code"], limit=f["class_limit"]
        ),
    ),
    # An enterprise whose no-shows pass the threshold holds at most a share of a
    # peak window.
    WindowRule(
        "peak_share",
        lambda w: or_(
            ~fact("peak_capped"),
            ~w.is_peak(),
            w.holding(Crossing.enterprise_id, fact("owner_id")) < w.peak_limit(),
        ),
        lambda f: RuleRefused("peak_share", limit=f["peak_limit"]),
    ),
]


def caller_rules(kind: Kind) -> list[CallerRule]:
    return [rule for rule in CALLER_RULES if kind in rule.kinds]


# A walk-in is in the yard already: it takes the first window with room, or
# waits for one, whatever the shares. The window it chose must still have room
# once locked; if another took the last unit meanwhile, it chooses again.
WALK_IN_WINDOW_RULES: Sequence[WindowRule] = [
    LANE_RULE,
    WindowRule(
        "window_still_free",
        lambda w: or_(fact("chosen_window_id").is_(None), has_room(w.window)),
        lambda _f: NotReady("window"),
    ),
]


def window_rules(kind: Kind) -> Sequence[WindowRule]:
    return WINDOW_RULES if kind is Kind.booking else WALK_IN_WINDOW_RULES


def caller_facts(stage: CallerStage) -> dict[str, ColumnElement[Any]]:
    """What the caller's stage reads besides its rules: the window's rules'
    inputs, the refusals' values, and the values the booking writes."""
    rules, priority, me, truck = stage.rules, stage.priority, stage.me, stage.truck
    standing = stage.standing
    capped = and_(
        standing.c.bookings >= rules.c.no_show_min_bookings,
        standing.c.no_shows * _MILLE
        > cast(func.round(rules.c.no_show_rate_threshold * _MILLE), Integer) * standing.c.bookings,
    )
    return {
        "owner_id": stage.owner,
        "priority_class_id": priority.c.id,
        "priority_class_code": priority.c.code,
        "class_share_mille": cast(func.round(priority.c.window_share * _MILLE), Integer),
        "peak_capped": func.coalesce(capped, false()),
        "peak_starts_at": rules.c.peak_starts_at,
        "peak_ends_at": rules.c.peak_ends_at,
        "peak_share_mille": cast(func.round(rules.c.peak_share_cap * _MILLE), Integer),
        "horizon_days": rules.c.booking_horizon_days,
        "truck_unmanned": func.coalesce(truck.c.is_unmanned, false()),
        "open_limit": rules.c.max_open_bookings_per_vehicle,
        "caller_id": me.c.id,
        "role": me.c.role,
        "actor_label": type_coerce(
            func.coalesce(me.c.username, value("caller_label")), String(100)
        ),
        "truck_id": truck.c.id,
        "truck_plate": truck.c.plate,
        "trailer_plate": truck.c.trailer_plate,
        "remembered_crossing_id": stage.remembered.c.crossing_id,
        "remembered_digest": stage.remembered.c.request_digest,
    }


def window_facts(stage: WindowStage) -> dict[str, ColumnElement[Any]]:
    window = stage.window.c
    return {
        "window_starts_at": window.starts_at,
        "window_ends_at": window.ends_at,
        "window_lane": window.lane,
        # The crossing's lane: its window's, or, waiting for one, the lane asked for.
        "lane_taken": func.coalesce(window.lane, value("lane"), LaneKind.ordinary.name),
        "class_limit": stage.class_limit(),
        "peak_limit": stage.peak_limit(),
    }


def first_refusal(kind: Kind, facts: Facts) -> Exception | None:
    """The refusal of the first rule that did not hold (its flag ``ok_<name>``)."""
    for rule in (*caller_rules(kind), *window_rules(kind)):
        if not facts[f"ok_{rule.name}"]:
            return rule.refusal(facts)
    return None


def held(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """A rule's condition as a flag: a missing row makes it false, never null."""
    return func.coalesce(condition, false())


# ---- no-shows ------------------------------------------------------------------


def _reckonable(since: datetime, now: datetime) -> Select[Any]:
    """The bookings a no-show rate counts: not walk-ins, not cancelled, with a
    window that fell between ``since`` and ``now``."""
    return (
        select()
        .select_from(Crossing)
        .join(CrossingWindow, CrossingWindow.id == Crossing.window_id)
        .where(
            Crossing.is_walk_in.is_(False),
            CrossingWindow.starts_at >= since,
            CrossingWindow.ends_at <= now,
            Crossing.state != CrossingState.cancelled,
        )
    )


_BOOKINGS = func.count()
_NO_SHOWS = func.count().filter(Crossing.state == CrossingState.no_show)


def no_show_counts(
    session: Session, since: datetime, now: datetime, *, gate_ids: Sequence[int] | None = None
) -> tuple[int, int]:
    """(no-shows, bookings) of the bookings whose window fell between ``since``
    and ``now``: some gates', or all."""
    query = _reckonable(since, now).add_columns(_NO_SHOWS, _BOOKINGS)
    if gate_ids is not None:
        query = query.where(Crossing.gate_id.in_(gate_ids))
    no_shows, bookings = session.execute(query).one()
    return no_shows, bookings


def reckon_no_show_standings(session: Session, now: datetime) -> None:
    """Every enterprise's bookings and no-shows over the rolling period ending
    ``now``, kept in ``no_show_standing`` for the bookings of peak windows. An
    enterprise with no booking in the period has no standing. Every server
    process's sweep reckons: a reckoning never overwrites a later one, and
    reckonings take turns on the policy's row, as two at once could each wait
    for rows the other has written."""
    rules = policy(session)
    session.execute(select(BookingPolicy.id).where(BookingPolicy.id == POLICY_ID).with_for_update())
    since = now - timedelta(days=rules.no_show_period_days)
    counted = session.execute(
        _reckonable(since, now)
        .add_columns(Crossing.enterprise_id, _BOOKINGS, _NO_SHOWS)
        .group_by(Crossing.enterprise_id)
        .order_by(Crossing.enterprise_id)
    ).all()
    standings = [
        {"enterprise_id": firm, "bookings": bookings, "no_shows": no_shows, "reckoned_at": now}
        for firm, bookings, no_shows in counted
    ]
    upsert_unless_newer(session, NoShowStanding, standings, ["enterprise_id"], "reckoned_at")
    session.execute(delete(NoShowStanding).where(NoShowStanding.reckoned_at < now))
