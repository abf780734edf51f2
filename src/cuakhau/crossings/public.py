"""What the public may know without logging in: per gate and direction, how many
trucks wait, today's capacity, whether the gate is open, the wait a truck arriving
now should expect, how wrong such estimates have been, and a warning colour."""

import itertools
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import HTTPConnection

from cuakhau.capacity.service import ensure_windows
from cuakhau.core.clock import local_date
from cuakhau.core.schemas import OutputSchema
from cuakhau.crossings.booking import free_windows
from cuakhau.crossings.queue import estimate_accuracy, trucks_waiting
from cuakhau.crossings.rules import policy
from cuakhau.models import BookingPolicy, Gate
from cuakhau.models.enums import Direction


class Warning(StrEnum):
    green = "green"
    yellow = "yellow"
    orange = "orange"
    red = "red"


class GateWaitRead(OutputSchema):
    gate_id: int
    gate_code: str
    name_vi: str
    name_en: str
    direction: Direction
    trucks_waiting: int
    capacity_today: int
    booked_today: int
    open_now: bool
    next_free_window_at: datetime | None
    estimated_wait_minutes: int | None
    estimate_error_p90_minutes: float | None
    warning: Warning


def warning_level(rules: BookingPolicy, waiting: int) -> Warning:
    if waiting >= rules.warning_red:
        return Warning.red
    if waiting >= rules.warning_orange:
        return Warning.orange
    if waiting >= rules.warning_yellow:
        return Warning.yellow
    return Warning.green


def wait_times(session: Session, now: datetime) -> list[GateWaitRead]:
    rules = policy(session)
    today = local_date(now)
    answers = []
    gates = session.scalars(select(Gate).where(Gate.is_active.is_(True)).order_by(Gate.id))
    for gate in gates:
        accuracy = estimate_accuracy(session, gate.id, now - timedelta(days=30))
        for direction in Direction:
            if not (gate.handles_export if direction is Direction.export else gate.handles_import):
                continue
            windows = ensure_windows(session, gate, direction, today, today)
            nearest = free_windows(session, gate, direction, now, now, limit=1)
            waiting = trucks_waiting(session, gate.id, direction)
            next_free = nearest[0].starts_at if nearest else None
            answers.append(
                GateWaitRead(
                    gate_id=gate.id,
                    gate_code=gate.code,
                    name_vi=gate.name_vi,
                    name_en=gate.name_en,
                    direction=direction,
                    trucks_waiting=waiting,
                    capacity_today=sum(w.capacity for w in windows),
                    booked_today=sum(w.booked for w in windows),
                    open_now=any(
                        w.starts_at <= now < w.ends_at and w.capacity > 0 for w in windows
                    ),
                    next_free_window_at=next_free,
                    estimated_wait_minutes=(
                        max(0, round((next_free - now).total_seconds() / 60)) if next_free else None
                    ),
                    estimate_error_p90_minutes=accuracy.p90_absolute_error_minutes,
                    warning=warning_level(rules, waiting),
                )
            )
    return answers


class SharedWaitTimes:
    """The public answer, one per server process, shared by every caller until a
    queue changes or ``max_age`` seconds pass (the expected wait counts down with
    the clock). After each change every watching browser asks again at once: the
    first computes, the others wait for it and share its answer."""

    def __init__(self, max_age: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
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
            self._answer = wait_times(session, now)
            self._answer_version, self._computed_at = version, self.clock()
            return self._answer

    def forget(self, *_change: object) -> None:
        self._version = next(self._versions)


def shared_wait_times(conn: HTTPConnection) -> SharedWaitTimes:
    shared: SharedWaitTimes = conn.app.state.wait_times
    return shared
