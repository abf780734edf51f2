"""Booking a window, cancelling, arriving (on time, late, or without a booking),
and the no-show sweep. Services flush; the caller's transaction commits."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.capacity.calendar import local_date
from cuakhau.capacity.service import ensure_windows
from cuakhau.core.actor import Actor
from cuakhau.core.database import session_scope, upsert_unless_newer
from cuakhau.core.errors import Conflict, InvalidInput, NotFound
from cuakhau.crossings.reasons import Reason, told
from cuakhau.crossings.rules import (
    RuleRefused,
    classify,
    is_peak,
    peak_cap,
    policy,
    priority_classes,
    reckon_no_show_standings,
    share_limit,
)
from cuakhau.crossings.schemas import BookingRequest, CargoLineIn
from cuakhau.crossings.states import OPEN_STATES, move
from cuakhau.crossings.windows import release_unit, take_unit
from cuakhau.models import (
    BookingPolicy,
    CargoLine,
    Crossing,
    CrossingWindow,
    Driver,
    Gate,
    PriorityClass,
    Vehicle,
    WindowChange,
    WindowsMade,
)
from cuakhau.models.base import utcnow
from cuakhau.models.enums import CrossingState, Direction, NotificationEvent
from cuakhau.notifications.outbox import enqueue

# Why a truck changed window without a re-plan.
_LATE = Reason("late")
_WALK_IN = Reason("walk_in")

# How many free windows a refusal suggests.
SUGGESTIONS = 5
NO_SHOW_SWEEPER = Actor(label="no-show sweep")


class WindowFull(Conflict):
    def __init__(self, window: CrossingWindow, free: list[CrossingWindow]):
        super().__init__("window_full", starts_at=window.starts_at.isoformat())
        # Copied now: the session is rolled back before the answer is written.
        self.free = [
            {
                "id": w.id,
                "starts_at": w.starts_at.isoformat(),
                "ends_at": w.ends_at.isoformat(),
                "free": w.capacity - w.booked,
            }
            for w in free
        ]

    def extra(self) -> dict[str, object]:
        return {"next_free_windows": self.free}


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
) -> list[CrossingWindow]:
    """Windows from ``after`` with room left, earliest first. ``make_missing``
    first makes the windows up to the booking horizon; a refusal does not, as
    what it made would be rolled back with it."""
    if make_missing:
        horizon_windows(session, gate, direction, now, policy(session))
    stmt = (
        select(CrossingWindow)
        .where(
            CrossingWindow.gate_id == gate.id,
            CrossingWindow.direction == direction,
            CrossingWindow.starts_at >= after,
            CrossingWindow.booked < CrossingWindow.capacity,
        )
        .order_by(CrossingWindow.starts_at)
        .execution_options(populate_existing=True)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def _active(session: Session, model: type, row_id: int, entity: str, field: str) -> object:
    row = session.get(model, row_id)
    if row is None or not getattr(row, "is_active", True):
        raise InvalidInput("referenced_missing", field=field, entity=entity, id=row_id)
    return row


def _gate_for(session: Session, gate_id: int, direction: Direction) -> Gate:
    gate = _active(session, Gate, gate_id, "gate", "gate_id")
    assert isinstance(gate, Gate)
    handles = gate.handles_export if direction is Direction.export else gate.handles_import
    if not handles:
        raise InvalidInput("gate_direction", field="direction", direction=direction.value)
    return gate


def _cargo_lines(cargo: Sequence[CargoLineIn]) -> list[CargoLine]:
    return [CargoLine(**line.model_dump()) for line in cargo]


def _holding(session: Session, window_id: int, **column: int) -> int:
    """How many open crossings in this window share one value (a class, an enterprise)."""
    ((name, value),) = column.items()
    return (
        session.scalar(
            select(func.count())
            .select_from(Crossing)
            .where(
                Crossing.window_id == window_id,
                getattr(Crossing, name) == value,
                Crossing.state.in_(OPEN_STATES),
            )
        )
        or 0
    )


def book(
    session: Session, *, enterprise_id: int, request: BookingRequest, now: datetime
) -> Crossing:
    rules = policy(session)
    # The vehicle's row is locked so that two requests for one truck count its
    # open bookings one after the other (a no-op on SQLite, which takes the write
    # lock at BEGIN IMMEDIATE).
    vehicle = session.scalar(
        select(Vehicle).where(Vehicle.id == request.vehicle_id).with_for_update(key_share=True)
    )
    if vehicle is None or vehicle.enterprise_id != enterprise_id:
        raise NotFound("vehicle", request.vehicle_id)
    if not vehicle.is_active:
        raise InvalidInput(
            "referenced_missing", field="vehicle_id", entity="vehicle", id=vehicle.id
        )
    if request.driver_id is not None:
        driver = session.get(Driver, request.driver_id)
        if driver is None or driver.enterprise_id != enterprise_id or not driver.is_active:
            raise InvalidInput(
                "referenced_missing", field="driver_id", entity="driver", id=request.driver_id
            )
    gate = _gate_for(session, request.gate_id, request.direction)
    open_bookings = session.scalar(
        select(func.count())
        .select_from(Crossing)
        .where(Crossing.vehicle_id == vehicle.id, Crossing.state.in_(OPEN_STATES))
    )
    if (open_bookings or 0) >= rules.max_open_bookings_per_vehicle:
        raise RuleRefused(
            "open_bookings", plate=vehicle.plate, limit=rules.max_open_bookings_per_vehicle
        )
    priority = classify(priority_classes(session), [line.perishable for line in request.cargo])
    window = _Asking(session, gate, request, priority, enterprise_id, rules, now).take()
    crossing = Crossing(
        enterprise_id=enterprise_id,
        vehicle_id=vehicle.id,
        plate=vehicle.plate,
        trailer_plate=vehicle.trailer_plate,
        driver_id=request.driver_id,
        gate_id=gate.id,
        direction=request.direction,
        regime=request.regime,
        priority_class_id=priority.id,
        window_id=window.id,
        queued_at=now,
        cargo=_cargo_lines(request.cargo),
    )
    move(session, crossing, CrossingState.booked, reason=Reason("booked"))
    enqueue(
        session,
        crossing,
        NotificationEvent.booking_confirmed,
        window_starts_at=window.starts_at.isoformat(),
        window_ends_at=window.ends_at.isoformat(),
    )
    return crossing


@dataclass
class _Asking:
    """One booking request, as the steps that find and take its window see it."""

    session: Session
    gate: Gate
    request: BookingRequest
    priority: PriorityClass
    enterprise_id: int
    rules: BookingPolicy
    now: datetime

    def take(self) -> CrossingWindow:
        if self.request.window_id is not None:
            return self._take_chosen(self.request.window_id)
        after = max(self.now, self.request.not_before or self.now)
        refusal = None
        for window in free_windows(
            self.session, self.gate, self.request.direction, after, self.now
        ):
            refusal = self._share_refusal(window)
            taken = take_unit(self.session, window.id) if refusal is None else None
            if taken is not None:
                return taken
        if refusal is not None:
            raise refusal
        raise Conflict("no_free_window", days=self.rules.booking_horizon_days)

    def _take_chosen(self, window_id: int) -> CrossingWindow:
        """The window the request names, taken first as one conditional UPDATE; a
        share rule that then refuses gives the unit back."""
        bookable = (
            CrossingWindow.gate_id == self.gate.id,
            CrossingWindow.direction == self.request.direction,
            CrossingWindow.starts_at > self.now,
            CrossingWindow.starts_at
            <= self.now + timedelta(days=self.rules.booking_horizon_days + 1),
        )
        window = take_unit(self.session, window_id, *bookable)
        if window is None:
            full = self.session.scalar(
                select(CrossingWindow)
                .where(CrossingWindow.id == window_id, *bookable)
                .execution_options(populate_existing=True)
            )
            if full is None:
                raise InvalidInput("window_not_bookable", field="window_id", id=window_id)
            later = free_windows(
                self.session,
                self.gate,
                self.request.direction,
                full.starts_at,
                self.now,
                limit=SUGGESTIONS,
                make_missing=False,
            )
            raise WindowFull(full, later)
        refusal = self._share_refusal(window)
        if refusal is not None:
            release_unit(self.session, window.id)
            raise refusal
        return window

    def _share_refusal(self, window: CrossingWindow) -> RuleRefused | None:
        """Which share rule, if any, keeps this booking out of this window."""
        if self.priority.window_share is not None:
            limit = share_limit(window.capacity, float(self.priority.window_share))
            held = _holding(self.session, window.id, priority_class_id=self.priority.id)
            if held >= limit:
                return RuleRefused("class_share", priority_class=self.priority.code, limit=limit)
        peak_share = self._peak_share if is_peak(self.rules, window) else None
        if peak_share is not None:
            limit = share_limit(window.capacity, peak_share)
            if _holding(self.session, window.id, enterprise_id=self.enterprise_id) >= limit:
                return RuleRefused("peak_share", limit=limit)
        return None

    @cached_property
    def _peak_share(self) -> float | None:
        """Asked only for a peak window."""
        return peak_cap(self.session, self.rules, self.enterprise_id)


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
    move(session, crossing, CrossingState.cancelled, reason=Reason("cancelled"))
    return crossing


def take_next_free(
    session: Session, gate_id: int, direction: Direction, after: datetime, now: datetime
) -> CrossingWindow | None:
    """One unit of the first window from ``after`` with room, or None within the horizon."""
    gate = session.get(Gate, gate_id)
    assert gate is not None
    for window in free_windows(session, gate, direction, after, now):
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
            crossing_id=crossing.id,
            from_window_id=crossing.window_id,
            to_window_id=new.id if new else None,
            at=now,
            reason=reason.say("en"),
            reason_code=reason.code,
            reason_params=dict(reason.params),
        )
    )
    crossing.window_id = new.id if new else None


def assign_next_free(
    session: Session, crossing: Crossing, now: datetime, reason: Reason
) -> CrossingWindow | None:
    """Queue the crossing into the next free window from now, or into no window at
    all (waiting for capacity) when the horizon is full."""
    window = take_next_free(session, crossing.gate_id, crossing.direction, now, now)
    change_window(session, crossing, window, now, reason)
    return window


def arrive(
    session: Session, crossing: Crossing, now: datetime, yard_id: int | None = None
) -> Crossing:
    """A booked truck reaches the zone. Later than its window plus the grace
    period, it loses the window and rejoins the queue at the next free one."""
    rules = policy(session)
    move(session, crossing, CrossingState.arrived, reason=Reason("arrived"))
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
            window_starts_at=new.starts_at.isoformat() if new else None,
            **told(_LATE),
        )
    session.flush()
    return crossing


def walk_in(
    session: Session,
    *,
    vehicle: Vehicle,
    gate_id: int,
    direction: Direction,
    regime: object,
    cargo: Sequence[CargoLineIn],
    driver_id: int | None,
    yard_id: int | None,
    now: datetime,
) -> Crossing:
    """A truck in a yard without a booking: arrived, queued into the next free window."""
    gate = _gate_for(session, gate_id, direction)
    open_crossing = session.scalar(
        select(Crossing.id).where(
            Crossing.vehicle_id == vehicle.id, Crossing.state.in_(OPEN_STATES)
        )
    )
    if open_crossing is not None:
        raise RuleRefused("open_bookings", plate=vehicle.plate, limit=1)
    priority = classify(priority_classes(session), [line.perishable for line in cargo])
    crossing = Crossing(
        enterprise_id=vehicle.enterprise_id,
        vehicle_id=vehicle.id,
        plate=vehicle.plate,
        trailer_plate=vehicle.trailer_plate,
        driver_id=driver_id,
        gate_id=gate.id,
        direction=direction,
        regime=regime,
        priority_class_id=priority.id,
        queued_at=now,
        is_walk_in=True,
        yard_id=yard_id,
        cargo=_cargo_lines(cargo),
    )
    move(session, crossing, CrossingState.arrived, reason=_WALK_IN)
    assign_next_free(session, crossing, now, reason=_WALK_IN)
    session.flush()
    return crossing


def sweep_no_shows(session: Session, now: datetime) -> list[Crossing]:
    """Booked trucks that never came: their windows' capacity goes back to others,
    and every enterprise's no-show standing is reckoned again."""
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
        move(session, crossing, CrossingState.no_show, reason=Reason("no_show"))
    reckon_no_show_standings(session, now)
    return missed


def sweep_job(factory: sessionmaker[Session]) -> Callable[[], object]:
    """The periodic no-show sweep, for ``core.periodic.every``."""

    def run() -> None:
        with session_scope(factory, NO_SHOW_SWEEPER) as session:
            sweep_no_shows(session, utcnow())

    return run
