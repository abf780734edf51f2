"""What the public may know without logging in: per gate and direction, how many
trucks wait, today's capacity and hours, whether the gate is open and how much
room is left in the window under way, the wait a truck arriving now should
expect and why, how wrong such estimates have been, and a warning colour. A
railway gate says it takes no trucks by road. The pages (``/``, ``/wait-times``,
``/zone``) and the public feed all read this one answer."""

import itertools
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import HTTPConnection

from cuakhau.capacity.service import ensure_windows
from cuakhau.core.clock import local_date
from cuakhau.core.schemas import OutputSchema
from cuakhau.counterpart.service import silent
from cuakhau.crossings.booking import arrival_window
from cuakhau.crossings.queue import (
    estimate_accuracy,
    estimated_turn,
    trucks_in_window,
    trucks_waiting,
)
from cuakhau.crossings.rules import policy
from cuakhau.crossings.warnings import Warning, warning_level
from cuakhau.forecast.views import ExpectedTomorrow, expected_tomorrow
from cuakhau.models import BookingPolicy, CrossingWindow, Gate
from cuakhau.models.enums import Direction, GateMode, LaneKind


class WaitReason(StrEnum):
    """Why a truck arriving now waits as long as it does."""

    # The window under way has room: the truck is queued into it.
    room_now = "room_now"
    # The window under way is full: the next window with room.
    window_full = "window_full"
    # No window is under way (the gate is closed now): the next with room.
    closed_now = "closed_now"
    # No window with room up to the booking horizon.
    no_room = "no_room"
    # A railway gate: trucks do not cross it by road.
    no_road_trucks = "no_road_trucks"


class LaneWaitRead(OutputSchema):
    """One lane of a gate and direction today: its capacity and what is left."""

    lane: LaneKind
    capacity_today: int
    booked_today: int
    free_today: int
    # The lane's window under way and its places not yet booked.
    room_now: int | None
    # The lane's first window with room, the one under way included.
    next_free_window_at: datetime | None


class GateWaitRead(OutputSchema):
    gate_id: int
    gate_code: str
    name_vi: str
    name_en: str
    direction: Direction
    # False for a gate trucks do not cross by road (a railway gate): it has no
    # wait, no opening and no warning for them.
    takes_trucks: bool
    trucks_waiting: int
    capacity_today: int
    booked_today: int
    open_now: bool
    # The first and last moment of today's windows with capacity; None when closed all day.
    opens_today_at: datetime | None
    closes_today_at: datetime | None
    # The window under way and its places not yet booked.
    window_now_starts_at: datetime | None
    window_now_ends_at: datetime | None
    room_now: int | None
    # The window a truck arriving now is queued into (the one under way when it
    # has room), the trucks already queued in it, and when its turn should come.
    next_free_window_at: datetime | None
    next_free_window_ends_at: datetime | None
    trucks_ahead: int | None
    estimated_crossing_at: datetime | None
    estimated_wait_minutes: int | None
    wait_reason: WaitReason
    # The other side's system has gone quiet: its acceptance, which caps these
    # windows, may be out of date (docs/counterpart.md).
    counterpart_silent: bool = False
    estimate_error_p90_minutes: float | None
    warning: Warning | None
    # Tomorrow (zone time) as the latest hourly forecast expects it; None before
    # the first forecast and for a gate trucks do not cross by road.
    expected_tomorrow: ExpectedTomorrow | None = None
    # Each lane with capacity today, the ordinary first. Above, the capacity and
    # the bookings today are the lanes' together; the hours, the room now and
    # the wait are the ordinary lane's, what a truck of no special kind meets.
    lanes: list[LaneWaitRead] = Field(default_factory=list)


def wait_times(
    session: Session, now: datetime, counterpart_silence_seconds: int
) -> list[GateWaitRead]:
    rules = policy(session)
    answers = []
    gates = session.scalars(select(Gate).where(Gate.is_active.is_(True)).order_by(Gate.id))
    quiet = {c.gate_id for c in silent(session, now, counterpart_silence_seconds)}
    tomorrow = expected_tomorrow(session, now)
    for gate in gates:
        accuracy = estimate_accuracy(session, gate.id, now - timedelta(days=30))
        stale = gate.id in quiet
        for direction in Direction:
            if not (gate.handles_export if direction is Direction.export else gate.handles_import):
                continue
            answer = _gate_wait(
                session, rules, gate, direction, now, accuracy.p90_absolute_error_minutes
            )
            expected = tomorrow.get((gate.id, direction)) if answer.takes_trucks else None
            answers.append(
                answer.model_copy(
                    update={"counterpart_silent": stale, "expected_tomorrow": expected}
                )
            )
    return answers


def _gate_wait(
    session: Session,
    rules: BookingPolicy,
    gate: Gate,
    direction: Direction,
    now: datetime,
    error_p90: float | None,
) -> GateWaitRead:
    """One gate and direction: what a truck arriving now should expect, and why."""
    waiting = trucks_waiting(session, gate.id, direction)
    named: dict[str, Any] = {
        "gate_id": gate.id,
        "gate_code": gate.code,
        "name_vi": gate.name_vi,
        "name_en": gate.name_en,
        "direction": direction,
        "trucks_waiting": waiting,
        "estimate_error_p90_minutes": error_p90,
    }
    if gate.mode is not GateMode.road:
        return GateWaitRead(
            **named,
            takes_trucks=False,
            capacity_today=0,
            booked_today=0,
            open_now=False,
            opens_today_at=None,
            closes_today_at=None,
            window_now_starts_at=None,
            window_now_ends_at=None,
            room_now=None,
            next_free_window_at=None,
            next_free_window_ends_at=None,
            trucks_ahead=None,
            estimated_crossing_at=None,
            estimated_wait_minutes=None,
            wait_reason=WaitReason.no_road_trucks,
            warning=None,
        )
    today = local_date(now)
    windows = [w for w in ensure_windows(session, gate, direction, today, today) if w.capacity > 0]
    lanes = [
        _lane_wait(session, gate, direction, lane, [w for w in windows if w.lane is lane], now)
        for lane in LaneKind
        if any(w.lane is lane for w in windows)
    ]
    windows = [w for w in windows if w.lane is LaneKind.ordinary]
    under_way = next((w for w in windows if w.starts_at <= now < w.ends_at), None)
    arrival = arrival_window(session, gate, direction, now, LaneKind.ordinary)
    ahead = trucks_in_window(session, arrival.id) if arrival is not None else None
    turn = estimated_turn(arrival, ahead or 0, now) if arrival is not None else None
    if arrival is None:
        reason = WaitReason.no_room
    elif under_way is not None and arrival.id == under_way.id:
        reason = WaitReason.room_now
    elif under_way is not None:
        reason = WaitReason.window_full
    else:
        reason = WaitReason.closed_now
    return GateWaitRead(
        **named,
        takes_trucks=True,
        capacity_today=sum(lane.capacity_today for lane in lanes),
        booked_today=sum(lane.booked_today for lane in lanes),
        open_now=under_way is not None,
        opens_today_at=min((w.starts_at for w in windows), default=None),
        closes_today_at=max((w.ends_at for w in windows), default=None),
        window_now_starts_at=under_way.starts_at if under_way else None,
        window_now_ends_at=under_way.ends_at if under_way else None,
        room_now=max(under_way.capacity - under_way.booked, 0) if under_way else None,
        next_free_window_at=arrival.starts_at if arrival else None,
        next_free_window_ends_at=arrival.ends_at if arrival else None,
        trucks_ahead=ahead,
        estimated_crossing_at=turn,
        estimated_wait_minutes=(
            max(0, round((turn - now).total_seconds() / 60)) if turn is not None else None
        ),
        wait_reason=reason,
        warning=warning_level(rules, waiting),
        lanes=lanes,
    )


def _lane_wait(
    session: Session,
    gate: Gate,
    direction: Direction,
    lane: LaneKind,
    windows: list[CrossingWindow],
    now: datetime,
) -> LaneWaitRead:
    under_way = next((w for w in windows if w.starts_at <= now < w.ends_at), None)
    arrival = arrival_window(session, gate, direction, now, lane)
    capacity, booked = sum(w.capacity for w in windows), sum(w.booked for w in windows)
    return LaneWaitRead(
        lane=lane,
        capacity_today=capacity,
        booked_today=booked,
        free_today=max(capacity - booked, 0),
        room_now=max(under_way.capacity - under_way.booked, 0) if under_way else None,
        next_free_window_at=arrival.starts_at if arrival else None,
    )


class SharedWaitTimes:
    """The public answer, one per server process, shared by every caller until a
    queue changes or ``max_age`` seconds pass (the expected wait counts down with
    the clock). After each change every watching browser asks again at once: the
    first computes, the others wait for it and share its answer."""

    def __init__(
        self,
        counterpart_silence_seconds: int,
        max_age: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.counterpart_silence_seconds = counterpart_silence_seconds
        self.max_age = max_age
        # Seconds from any origin; a test gives its own to say when an answer is old.
        self.clock = clock
        self._computing = threading.Lock()
        # Bumped by each change; ``next`` on a count is atomic, so ``forget``
        # never waits for a computation (it runs on the event loop).
        self._versions = itertools.count(1)
        self._version = 0
        self._answer: list[GateWaitRead] = []
        self._answer_version = -1
        self._computed_at = 0.0

    def get(self, session: Session, now: datetime) -> list[GateWaitRead]:
        with self._computing:
            fresh = self.clock() - self._computed_at < self.max_age
            if self._answer_version == self._version and fresh:
                return self._answer
            # Read before computing: a change while it runs leaves this answer old.
            version = self._version
            self._answer = wait_times(session, now, self.counterpart_silence_seconds)
            self._answer_version, self._computed_at = version, self.clock()
            return self._answer

    def forget(self, *_change: object) -> None:
        self._version = next(self._versions)


def shared_wait_times(conn: HTTPConnection) -> SharedWaitTimes:
    shared: SharedWaitTimes = conn.app.state.wait_times
    return shared
