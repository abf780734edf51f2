"""The hours a transload takes: one unit of its bay's hour and one stevedore
team of its yard's hour, for each hour of its slot.

Both are capacity rows taken by the one conditional UPDATE of
``core/units.py``, as a gate's window is: in the booking's transaction, so a
bay hour is never over-booked, on PostgreSQL under several processes and on
SQLite alike (docs/architecture.md, "Transload yards"). A row is made the
first time an hour is asked for, with the capacity its bay or shifts give
then; a change of the bay or the shifts resets the capacity of the hours to
come (never below what they hold).

Rows are taken in one order, the bay's hours first, then the yard's stevedore
hours, each earliest first, so two bookings never wait for each other in a
circle."""

import math
from collections.abc import Sequence
from datetime import datetime, time, timedelta

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from cuakhau.core.clock import ZONE_TZ
from cuakhau.core.database import insert_ignoring_duplicates
from cuakhau.core.errors import Conflict, InvalidInput
from cuakhau.core.units import release_unit, take_unit
from cuakhau.models import BayHour, StevedoreHour, StevedoreShift, TransloadBay
from cuakhau.models.enums import RateUnit

HOUR = timedelta(hours=1)
# A slot longer than this is a mistake in the weight or the rate.
LONGEST_SLOT_HOURS = 24


def slot_hours(bay: TransloadBay, weight_kg: int, containers: int | None) -> int:
    """How many hours the bay's rate needs for the cargo (started hours)."""
    if bay.rate_unit is RateUnit.container:
        if containers is None:
            raise InvalidInput("transload_containers_needed", field="containers", bay=bay.code)
        amount = containers
    else:
        amount = math.ceil(weight_kg / 1000)
    hours = max(math.ceil(amount / bay.rate), 1)
    if hours > LONGEST_SLOT_HOURS:
        raise InvalidInput(
            "transload_slot_too_long", field="weight_kg", hours=hours, limit=LONGEST_SLOT_HOURS
        )
    return hours


def hour_starts(starts_at: datetime, ends_at: datetime) -> list[datetime]:
    count = int((ends_at - starts_at) / HOUR)
    return [starts_at + index * HOUR for index in range(count)]


def on_shift(shift: StevedoreShift, local: time) -> bool:
    """A shift that ends at or before it starts runs past midnight."""
    if shift.starts_at < shift.ends_at:
        return shift.starts_at <= local < shift.ends_at
    return local >= shift.starts_at or local < shift.ends_at


def teams_at(shifts: Sequence[StevedoreShift], moment: datetime) -> int:
    local = moment.astimezone(ZONE_TZ).time()
    return sum(shift.teams for shift in shifts if on_shift(shift, local))


def _shifts(session: Session, yard_id: int) -> list[StevedoreShift]:
    return list(session.scalars(select(StevedoreShift).where(StevedoreShift.yard_id == yard_id)))


def _make_hours(session: Session, bay: TransloadBay, starts: Sequence[datetime]) -> None:
    shifts = _shifts(session, bay.yard_id)
    insert_ignoring_duplicates(
        session,
        BayHour,
        [{"bay_id": bay.id, "starts_at": s, "capacity": bay.capacity, "booked": 0} for s in starts],
        ["bay_id", "starts_at"],
    )
    insert_ignoring_duplicates(
        session,
        StevedoreHour,
        [
            {"yard_id": bay.yard_id, "starts_at": s, "capacity": teams_at(shifts, s), "booked": 0}
            for s in starts
        ],
        ["yard_id", "starts_at"],
    )


def take_hours(session: Session, bay: TransloadBay, starts: Sequence[datetime]) -> None:
    """Take a unit of the bay and a stevedore team for each hour, or refuse
    (409) naming the first hour without room; the caller's transaction is then
    rolled back, so nothing is half taken."""
    _make_hours(session, bay, starts)
    bay_rows = dict(
        session.execute(
            select(BayHour.starts_at, BayHour.id).where(
                BayHour.bay_id == bay.id, BayHour.starts_at.in_(starts)
            )
        ).all()
    )
    team_rows = dict(
        session.execute(
            select(StevedoreHour.starts_at, StevedoreHour.id).where(
                StevedoreHour.yard_id == bay.yard_id, StevedoreHour.starts_at.in_(starts)
            )
        ).all()
    )
    for start in sorted(starts):
        if take_unit(session, BayHour, bay_rows[start]) is None:
            raise Conflict("bay_hour_full", bay=bay.code, starts_at=start.isoformat())
    for start in sorted(starts):
        if take_unit(session, StevedoreHour, team_rows[start]) is None:
            raise Conflict("stevedores_busy", starts_at=start.isoformat())


def give_back_hours(
    session: Session, bay_id: int, yard_id: int, starts: Sequence[datetime]
) -> None:
    """The units of these hours, given back (a cancelled slot, or the hours a
    transload that finished early no longer needs)."""
    for model, owner, owner_id in (
        (BayHour, BayHour.bay_id, bay_id),
        (StevedoreHour, StevedoreHour.yard_id, yard_id),
    ):
        ids = session.scalars(
            select(model.id)
            .where(owner == owner_id, model.starts_at.in_(starts))
            .order_by(model.starts_at)
        )
        for row_id in list(ids):
            release_unit(session, model, row_id)


def reset_bay_hours(session: Session, bay: TransloadBay, now: datetime) -> None:
    """The hours to come of a changed bay take its new capacity (never below what they hold)."""
    session.execute(
        update(BayHour)
        .where(BayHour.bay_id == bay.id, BayHour.starts_at > now)
        .values(capacity=case((BayHour.booked > bay.capacity, BayHour.booked), else_=bay.capacity))
        .execution_options(synchronize_session=False)
    )


def reset_stevedore_hours(session: Session, yard_id: int, now: datetime) -> None:
    """The hours to come of a yard whose shifts changed take the new team count."""
    shifts = _shifts(session, yard_id)
    hours = session.scalars(
        select(StevedoreHour)
        .where(StevedoreHour.yard_id == yard_id, StevedoreHour.starts_at > now)
        .order_by(StevedoreHour.starts_at)
        .with_for_update()
    )
    for hour in hours:
        hour.capacity = max(teams_at(shifts, hour.starts_at), hour.booked)
