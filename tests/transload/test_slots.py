"""A slot's hours given back, and taken again, at the moments the services are
told: a no-show, an early finish, a change of the bay or of the shifts."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from cuakhau.core.errors import Conflict
from cuakhau.models import BayHour, StevedoreHour, TransloadBay, Yard
from cuakhau.transload import service
from cuakhau.transload.reconcile import Tolerance
from cuakhau.transload.schemas import (
    BayUpdate,
    LoadedOut,
    ShiftIn,
    Shifts,
    TransloadBooking,
    Unloaded,
)
from cuakhau.transload.setup import change_bay, set_shifts
from tests.conftest import Database
from tests.factories import make_enterprise, make_open_gate, make_transload_yard, next_hours


def three_hours(db: Database):
    """A transload of 30 t at 10 t an hour: three hours of one bay."""
    first = next_hours()[0]
    with db.write() as session:
        yard, (bay,) = make_transload_yard(
            session,
            make_open_gate(session),
            make_enterprise(session, roles=["yard_operator"]),
            bays=[{"code": "L1", "kind": "cold", "capacity": 3, "rate": 10}],
            teams=4,
        )
        data = TransloadBooking(
            bay_id=bay.id,
            starts_at=first,
            enterprise_id=make_enterprise(session).id,
            inbound_plate="12C-456.78",
            cargo="Vải thiều",
            weight_kg=30000,
        )
        made = service.book(session, yard, data, None, first - timedelta(days=1))
    return made.id, bay.id, yard.id, first


def booked(db: Database, bay_id: int) -> list[int]:
    return db.scalars(
        select(BayHour.booked).where(BayHour.bay_id == bay_id).order_by(BayHour.starts_at)
    )


def test_a_no_show_is_marked_only_once_its_slot_began_and_frees_the_hours_to_come(
    db: Database,
):
    transload_id, bay_id, _, first = three_hours(db)
    before = first - timedelta(minutes=1)
    with db.write() as session:
        transload = service.get_transload(session, transload_id, None)
        with pytest.raises(Conflict) as early:
            service.no_show(session, transload, before)
    assert early.value.code == "transload_not_due"
    with db.write() as session:
        late = first + timedelta(minutes=20)
        service.no_show(session, service.get_transload(session, transload_id, None), late)
    # The hour under way stays taken; the two after it are free again.
    assert booked(db, bay_id) == [1, 0, 0]


def test_an_early_finish_gives_back_the_hours_not_begun(db: Database):
    transload_id, bay_id, yard_id, first = three_hours(db)
    with db.write() as session:
        transload = service.get_transload(session, transload_id, None)
        service.arrive(session, transload, first)
        service.start(transload, first)
        service.unloaded(session, transload, Unloaded(packages=5, weight_kg=30000), first)
        tolerance = Tolerance(0, Decimal("0.5"))
        done = first + timedelta(hours=1, minutes=10)
        service.loaded_out(
            session, transload, LoadedOut(packages=5, weight_kg=30000), tolerance, done
        )
    assert booked(db, bay_id) == [1, 1, 0]
    teams = db.scalars(
        select(StevedoreHour.booked)
        .where(StevedoreHour.yard_id == yard_id)
        .order_by(StevedoreHour.starts_at)
    )
    assert teams == [1, 1, 0]


def test_a_smaller_bay_or_fewer_teams_apply_to_the_hours_to_come_never_below_what_they_hold(
    db: Database,
):
    _, bay_id, yard_id, first = three_hours(db)
    with db.write() as session:
        bay = session.get_one(TransloadBay, bay_id)
        change_bay(session, bay, BayUpdate(capacity=1), first - timedelta(hours=1))
        shifts = Shifts(shifts=[ShiftIn(starts_at=time(0), ends_at=time(0), teams=0)])
        set_shifts(session, session.get_one(Yard, yard_id), shifts, first - timedelta(hours=1))
    capacities = db.scalars(select(BayHour.capacity).where(BayHour.bay_id == bay_id))
    assert capacities == [1, 1, 1]
    teams = db.scalars(select(StevedoreHour.capacity).where(StevedoreHour.yard_id == yard_id))
    # No team on shift any more, but the hours keep the one this transload holds.
    assert teams == [1, 1, 1]
