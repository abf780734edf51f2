"""The configurable booking rules: the zone's policy and its priority classes.

Rules are data (``booking_policy``, ``priority_class``); a request a rule refuses
gets an answer naming the rule (``RuleRefused.rule``)."""

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from cuakhau.capacity.calendar import ZONE_TZ
from cuakhau.core.database import insert_ignoring_duplicates, upsert_unless_newer
from cuakhau.core.errors import Conflict
from cuakhau.models import BookingPolicy, Crossing, CrossingWindow, NoShowStanding, PriorityClass
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


def over_no_show_threshold(rules: BookingPolicy, no_shows: int, bookings: int) -> bool:
    """Whether an enterprise's no-show rate passes the threshold, on enough bookings.
    Exact: a rate equal to the threshold does not pass it."""
    return (
        bookings >= rules.no_show_min_bookings
        and no_shows > rules.no_show_rate_threshold * bookings
    )


def peak_cap(session: Session, rules: BookingPolicy, enterprise_id: int) -> float | None:
    """The share of a peak window this enterprise may hold, if its no-shows cap it."""
    standing = session.get(NoShowStanding, enterprise_id)
    if standing is not None and over_no_show_threshold(rules, standing.no_shows, standing.bookings):
        return float(rules.peak_share_cap)
    return None


def share_limit(capacity: int, share: float) -> int:
    return math.floor(capacity * share)
