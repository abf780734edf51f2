"""Trucks in and out of yards: spaces taken and given back, dwell, occupancy.

A space is taken by a conditional UPDATE (``occupied < spaces``) and its row
count, in the request's transaction, so a yard is never over capacity, also under
concurrent check-ins; the CHECK constraint on ``yard_space`` is the backstop
(docs/architecture.md, "Booking": the same trap as windows)."""

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Self

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from cuakhau.core.clock import local_datetime
from cuakhau.core.errors import Conflict, InvalidInput, NotFound
from cuakhau.core.schemas import Day, Id, InputSchema, ListQuery, OutputSchema
from cuakhau.crossings.booking import arrive, walk_in
from cuakhau.crossings.driver_link import crossing_of_code
from cuakhau.crossings.schemas import CargoLineIn, WalkInRequest
from cuakhau.crossings.states import OPEN_STATES
from cuakhau.live.changes import yard_changed
from cuakhau.models import Crossing, User, Vehicle, Yard, YardSpace, YardVisit
from cuakhau.models.enums import (
    VEHICLE_CLASS_OF_KIND,
    CrossingState,
    Direction,
    Regime,
    Role,
    VehicleClass,
)
from cuakhau.vehicles.schemas import PlateText
from cuakhau.yards.stay import end_visit

# ---- What clients send and receive.


class WalkInDetails(InputSchema):
    """Given at check-in, a truck without a booking is queued as a walk-in."""

    direction: Direction
    regime: Regime
    cargo: Annotated[list[CargoLineIn], Field(max_length=50, default_factory=list)]
    driver_id: Id | None = None


class CheckIn(InputSchema):
    """A truck by its plate, or by the QR code of its booking (the driver's page
    shows it; scanned or pasted, alone or as the page's address)."""

    plate: PlateText | None = None
    code: Annotated[str | None, Field(max_length=300)] = None
    # A space with power for a refrigerated truck.
    cold: bool = False
    walk_in: WalkInDetails | None = None

    @model_validator(mode="after")
    def _plate_or_code(self) -> Self:
        if (self.plate is None) == (self.code is None):
            raise PydanticCustomError("plate_or_code", "Give the plate or the booking's code")
        return self


class CheckOut(InputSchema):
    plate: PlateText


class VisitRead(OutputSchema):
    id: int
    yard_id: int
    crossing_id: int | None
    plate: str
    vehicle_class: VehicleClass
    cold: bool
    checked_in_at: datetime
    checked_out_at: datetime | None
    dwell_minutes: int


class VisitFilters(ListQuery):
    open: bool | None = None
    plate: Annotated[str | None, Field(max_length=32)] = None


class SpaceUse(OutputSchema):
    vehicle_class: VehicleClass
    spaces: int
    occupied: int
    free: int


class Occupancy(OutputSchema):
    yard_id: int
    at: datetime
    classes: list[SpaceUse]
    cold_spaces: int
    cold_occupied: int


class HourQuery(InputSchema):
    # A day in zone time; today when not given.
    day: Day | None = None


class HourOccupancy(OutputSchema):
    starts_at: datetime
    present_at_start: int
    peak: int
    checked_in: int
    checked_out: int


class DayOccupancy(OutputSchema):
    yard_id: int
    day: date
    hours: list[HourOccupancy]


# ---- Rules.


class YardFull(Conflict):
    """No space of this class; names the gate's yards that have one."""

    def __init__(self, yard: Yard, vehicle_class: VehicleClass, elsewhere: list[dict[str, Any]]):
        codes = ", ".join(y["code"] for y in elsewhere)
        key = "yard_full" if elsewhere else "yard_full_everywhere"
        super().__init__(key, yard=yard.code, vehicle_class=vehicle_class.value, yards=codes)
        self.elsewhere = elsewhere

    def extra(self) -> dict[str, object]:
        return {"yards_with_room": self.elsewhere}


def visible_yard(session: Session, yard_id: int, user: User) -> Yard:
    """A yard operator sees only the yards its enterprise runs; others get 404."""
    yard = session.get(Yard, yard_id)
    if yard is None or (user.role is Role.yard_operator and yard.operator_id != user.enterprise_id):
        raise NotFound("yard", yard_id)
    return yard


def visible_yards(session: Session, user: User) -> list[Yard]:
    """The active yards this user works in: a yard operator's own, all for other staff."""
    stmt = select(Yard).where(Yard.is_active.is_(True)).order_by(Yard.gate_id, Yard.code)
    if user.role is Role.yard_operator:
        stmt = stmt.where(Yard.operator_id == user.enterprise_id)
    return list(session.scalars(stmt))


def check_in(
    session: Session, yard: Yard, data: CheckIn, now: datetime, secret_key: str | None = None
) -> YardVisit:
    """``secret_key`` checks a booking's code (callers taking codes pass it)."""
    if not yard.is_active:
        raise Conflict("yard_inactive", yard=yard.code)
    booked = None
    if data.code is not None:
        if secret_key is None:
            raise TypeError("a booking's code is checked with the secret key")
        booked = crossing_of_code(session, secret_key, data.code, yard.gate_id)
        plate = booked.plate
    else:
        assert data.plate is not None
        plate = data.plate
    # Locked (PostgreSQL; SQLite transactions are serial): the same truck checked in
    # twice at once must not take two spaces.
    vehicle = session.scalar(select(Vehicle).where(Vehicle.plate == plate).with_for_update())
    if vehicle is None:
        raise InvalidInput("vehicle_plate_unknown", field="plate", plate=plate)
    inside = session.scalar(
        select(YardVisit).where(
            YardVisit.plate == vehicle.plate, YardVisit.checked_out_at.is_(None)
        )
    )
    if inside is not None:
        raise Conflict("already_in_yard", plate=vehicle.plate, yard_id=inside.yard_id)
    vehicle_class = VEHICLE_CLASS_OF_KIND[vehicle.kind]
    if data.cold:
        _take_cold_space(session, yard)
    _take_space(session, yard, vehicle_class)
    crossing = _crossing_for(session, vehicle, yard, data, now, booked)
    visit = YardVisit(
        yard_id=yard.id,
        crossing_id=crossing.id if crossing else None,
        plate=vehicle.plate,
        vehicle_class=vehicle_class,
        cold=data.cold,
        checked_in_at=now,
    )
    session.add(visit)
    yard_changed(session, yard.gate_id)
    session.flush()
    return visit


def _take_space(session: Session, yard: Yard, vehicle_class: VehicleClass) -> None:
    taken = session.execute(
        update(YardSpace)
        .where(
            YardSpace.yard_id == yard.id,
            YardSpace.vehicle_class == vehicle_class,
            YardSpace.occupied < YardSpace.spaces,
        )
        .values(occupied=YardSpace.occupied + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise YardFull(yard, vehicle_class, yards_with_room(session, yard, vehicle_class))


def _take_cold_space(session: Session, yard: Yard) -> None:
    """Cold spaces have no counter column, so the yard row is locked while they are
    counted: concurrent cold check-ins into one yard wait for each other."""
    session.execute(select(Yard.id).where(Yard.id == yard.id).with_for_update())
    cold_in = session.scalar(
        select(func.count())
        .select_from(YardVisit)
        .where(
            YardVisit.yard_id == yard.id,
            YardVisit.cold.is_(True),
            YardVisit.checked_out_at.is_(None),
        )
    )
    if (cold_in or 0) >= yard.cold_spaces:
        raise Conflict("yard_cold_full", yard=yard.code, spaces=yard.cold_spaces)


def yards_with_room(
    session: Session, yard: Yard, vehicle_class: VehicleClass
) -> list[dict[str, Any]]:
    free = YardSpace.spaces - YardSpace.occupied
    rows = session.execute(
        select(Yard.id, Yard.code, Yard.name_vi, free)
        .join(YardSpace, YardSpace.yard_id == Yard.id)
        .where(
            Yard.gate_id == yard.gate_id,
            Yard.id != yard.id,
            Yard.is_active.is_(True),
            YardSpace.vehicle_class == vehicle_class,
            YardSpace.occupied < YardSpace.spaces,
        )
        .order_by(free.desc(), Yard.code)
    )
    return [{"id": i, "code": c, "name_vi": n, "free": f} for i, c, n, f in rows]


def _crossing_for(
    session: Session,
    vehicle: Vehicle,
    yard: Yard,
    data: CheckIn,
    now: datetime,
    booked: Crossing | None,
) -> Crossing | None:
    """The truck's open crossing at this yard's gate (the one its code names, if
    scanned): a booked one arrives; without one, walk-in details queue it; with
    neither, the truck only parks."""
    crossing = booked or session.scalar(
        select(Crossing)
        .where(
            Crossing.vehicle_id == vehicle.id,
            Crossing.gate_id == yard.gate_id,
            Crossing.state.in_(OPEN_STATES),
        )
        .order_by(Crossing.queued_at, Crossing.id)
    )
    if crossing is not None:
        if crossing.state is CrossingState.booked:
            return arrive(session, crossing, now, yard_id=yard.id)
        crossing.yard_id = yard.id
        return crossing
    if data.walk_in is None:
        return None
    request = WalkInRequest(
        plate=vehicle.plate,
        driver_id=data.walk_in.driver_id,
        gate_id=yard.gate_id,
        direction=data.walk_in.direction,
        regime=data.walk_in.regime,
        cargo=data.walk_in.cargo,
        yard_id=yard.id,
    )
    return walk_in(session, request=request, now=now)


def check_out(session: Session, yard: Yard, plate: str, now: datetime) -> YardVisit:
    # Locked as ``stay.end_crossing_stay`` locks it: ended twice at once, the
    # second finds it ended.
    visit = session.scalar(
        select(YardVisit)
        .where(
            YardVisit.yard_id == yard.id,
            YardVisit.plate == plate,
            YardVisit.checked_out_at.is_(None),
        )
        .with_for_update()
    )
    if visit is None:
        raise Conflict("not_in_yard", plate=plate, yard=yard.code)
    end_visit(session, visit, yard.gate_id, now)
    session.flush()
    return visit


# ---- Reading.


def dwell_minutes(visit: YardVisit, now: datetime) -> int:
    return int(((visit.checked_out_at or now) - visit.checked_in_at).total_seconds() // 60)


def visit_view(visit: YardVisit, now: datetime) -> VisitRead:
    return VisitRead(
        id=visit.id,
        yard_id=visit.yard_id,
        crossing_id=visit.crossing_id,
        plate=visit.plate,
        vehicle_class=visit.vehicle_class,
        cold=visit.cold,
        checked_in_at=visit.checked_in_at,
        checked_out_at=visit.checked_out_at,
        dwell_minutes=dwell_minutes(visit, now),
    )


def visit_query(yard: Yard, filters: VisitFilters) -> Select[Any]:
    stmt = select(YardVisit).where(YardVisit.yard_id == yard.id)
    if filters.open is not None:
        out = YardVisit.checked_out_at
        stmt = stmt.where(out.is_(None) if filters.open else out.is_not(None))
    if filters.plate:
        stmt = stmt.where(YardVisit.plate.contains(filters.plate.upper()))
    # Longest in the yard first.
    return stmt.order_by(YardVisit.checked_in_at, YardVisit.id)


def crossing_states(session: Session, visits: list[YardVisit]) -> dict[int, CrossingState]:
    """Where each visit's crossing is (declared, held, called…): why the truck is
    still in the yard. A visit without a crossing only parks."""
    ids = {v.crossing_id for v in visits if v.crossing_id is not None}
    if not ids:
        return {}
    rows = session.execute(select(Crossing.id, Crossing.state).where(Crossing.id.in_(ids)))
    return {row.id: row.state for row in rows}


def overstaying(
    session: Session, yard: Yard, now: datetime, threshold: timedelta, limit: int = 100
) -> list[YardVisit]:
    """Trucks in the yard for longer than ``threshold``, longest first."""
    return list(
        session.scalars(
            select(YardVisit)
            .where(
                YardVisit.yard_id == yard.id,
                YardVisit.checked_out_at.is_(None),
                YardVisit.checked_in_at <= now - threshold,
            )
            .order_by(YardVisit.checked_in_at, YardVisit.id)
            .limit(limit)
        )
    )


def occupancy(session: Session, yard: Yard, now: datetime) -> Occupancy:
    spaces = session.scalars(
        select(YardSpace)
        .where(YardSpace.yard_id == yard.id)
        .order_by(YardSpace.vehicle_class)
        .execution_options(populate_existing=True)
    )
    cold_in = session.scalar(
        select(func.count())
        .select_from(YardVisit)
        .where(
            YardVisit.yard_id == yard.id,
            YardVisit.cold.is_(True),
            YardVisit.checked_out_at.is_(None),
        )
    )
    return Occupancy(
        yard_id=yard.id,
        at=now,
        classes=[
            SpaceUse(
                vehicle_class=s.vehicle_class,
                spaces=s.spaces,
                occupied=s.occupied,
                free=max(s.spaces - s.occupied, 0),
            )
            for s in spaces
        ],
        cold_spaces=yard.cold_spaces,
        cold_occupied=cold_in or 0,
    )


def hourly_occupancy(session: Session, yard: Yard, day: date) -> DayOccupancy:
    """Each hour of a zone-time day: trucks present at its start, the most present
    at once during it, check-ins and check-outs. Computed from the visits."""
    start = local_datetime(day, time(0))
    end = local_datetime(day + timedelta(days=1), time(0))
    visits = list(
        session.scalars(
            select(YardVisit).where(
                YardVisit.yard_id == yard.id,
                YardVisit.checked_in_at < end,
                (YardVisit.checked_out_at.is_(None)) | (YardVisit.checked_out_at > start),
            )
        )
    )
    # Check-outs sort before check-ins at the same instant: a space freed and
    # retaken at once is never counted twice.
    events = sorted(
        [(v.checked_in_at, 1) for v in visits]
        + [(v.checked_out_at, -1) for v in visits if v.checked_out_at is not None]
    )
    present = 0
    index = 0
    hours = []
    for hour in range(int((end - start) / timedelta(hours=1))):
        starts_at = start + timedelta(hours=hour)
        ends_at = starts_at + timedelta(hours=1)
        while index < len(events) and events[index][0] < starts_at:
            present += events[index][1]
            index += 1
        at_start = peak = present
        ins = outs = 0
        while index < len(events) and events[index][0] < ends_at:
            present += events[index][1]
            peak = max(peak, present)
            ins += events[index][1] == 1
            outs += events[index][1] == -1
            index += 1
        hours.append(
            HourOccupancy(
                starts_at=starts_at,
                present_at_start=at_start,
                peak=peak,
                checked_in=ins,
                checked_out=outs,
            )
        )
    return DayOccupancy(yard_id=yard.id, day=day, hours=hours)
