"""The configurable booking rules: the zone's policy and its priority classes.

Rules are data (``booking_policy``, ``priority_class``); a request a rule refuses
gets an answer naming the rule (``RuleRefused.rule``)."""

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cuakhau.capacity.calendar import ZONE_TZ
from cuakhau.core.database import insert_ignoring_duplicates
from cuakhau.core.errors import Conflict
from cuakhau.models import BookingPolicy, Crossing, CrossingWindow, PriorityClass
from cuakhau.models.enums import CrossingState, PriorityMatch


class RuleRefused(Conflict):
    """A booking rule said no. ``rule`` names it, for people and for programs."""

    def __init__(self, rule: str, **params: Any):
        super().__init__(f"rule_{rule}", **params)
        self.rule = rule

    def extra(self) -> dict[str, Any]:
        return {"rule": self.rule}


POLICY_ID = 1


def policy(session: Session) -> BookingPolicy:
    """The zone's policy (one row); made with the defaults on first use, once even
    when several requests ask at the same moment."""
    current = session.get(BookingPolicy, POLICY_ID)
    if current is None:
        insert_ignoring_duplicates(session, BookingPolicy, [{"id": POLICY_ID}], ["id"])
        current = session.get(BookingPolicy, POLICY_ID)
        assert current is not None
    return current


def priority_classes(session: Session) -> list[PriorityClass]:
    return list(session.scalars(select(PriorityClass).order_by(PriorityClass.rank)))


def cargo_match(cargo_perishable: Sequence[bool]) -> PriorityMatch:
    """What a crossing's cargo makes it: empty, perishable or other."""
    if not cargo_perishable:
        return PriorityMatch.empty
    if any(cargo_perishable):
        return PriorityMatch.perishable
    return PriorityMatch.other


def classify(classes: Sequence[PriorityClass], cargo_perishable: Sequence[bool]) -> PriorityClass:
    """The class a crossing falls in: the one matching its cargo, else the class
    for other cargo."""
    wanted = cargo_match(cargo_perishable)
    by_match = {c.match: c for c in classes}
    chosen = by_match.get(wanted) or by_match.get(PriorityMatch.other)
    if chosen is None:
        raise Conflict("no_priority_classes")
    return chosen


def is_peak(rules: BookingPolicy, window: CrossingWindow) -> bool:
    local = window.starts_at.astimezone(ZONE_TZ).time()
    return rules.peak_starts_at <= local < rules.peak_ends_at


def no_show_counts(
    session: Session,
    since: datetime,
    now: datetime,
    *,
    enterprise_id: int | None = None,
    gate_ids: Sequence[int] | None = None,
) -> tuple[int, int]:
    """(no-shows, bookings) of the bookings, not cancelled, whose window fell between
    ``since`` and ``now``: one enterprise's, some gates', or all."""
    query = (
        select(Crossing.state, func.count())
        .join(CrossingWindow, CrossingWindow.id == Crossing.window_id)
        .where(
            Crossing.is_walk_in.is_(False),
            CrossingWindow.starts_at >= since,
            CrossingWindow.ends_at <= now,
            Crossing.state != CrossingState.cancelled,
        )
        .group_by(Crossing.state)
    )
    if enterprise_id is not None:
        query = query.where(Crossing.enterprise_id == enterprise_id)
    if gate_ids is not None:
        query = query.where(Crossing.gate_id.in_(gate_ids))
    counts: dict[CrossingState, int] = dict(session.execute(query).all())  # type: ignore[arg-type]
    return counts.get(CrossingState.no_show, 0), sum(counts.values())


def no_show_rate(
    session: Session, rules: BookingPolicy, enterprise_id: int, now: datetime
) -> tuple[int, int]:
    """(no-shows, bookings whose window has passed) over the rolling period."""
    since = now - timedelta(days=rules.no_show_period_days)
    return no_show_counts(session, since, now, enterprise_id=enterprise_id)


def peak_cap(
    session: Session, rules: BookingPolicy, enterprise_id: int, now: datetime
) -> float | None:
    """The share of a peak window this enterprise may hold, if its no-shows cap it."""
    no_shows, total = no_show_rate(session, rules, enterprise_id, now)
    if total >= rules.no_show_min_bookings and no_shows / total > rules.no_show_rate_threshold:
        return float(rules.peak_share_cap)
    return None


def share_limit(capacity: int, share: float) -> int:
    return math.floor(capacity * share)
