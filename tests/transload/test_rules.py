"""The transload's rules that need no database: a slot's length, shifts, the
count tolerance, perishable hours and the cold chain's gaps."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuakhau.core.errors import Conflict, InvalidInput
from cuakhau.models import StevedoreShift, Transload, TransloadBay
from cuakhau.models.enums import BayKind, RateUnit, TransloadState
from cuakhau.transload.hours import on_shift, slot_hours
from cuakhau.transload.reconcile import Tolerance, beyond_tolerance, cold_chain_gaps, hours_in_zone
from cuakhau.transload.slot import MOVES, move

T0 = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)  # 10:00 in the zone
HALF_PERCENT = Tolerance(packages=0, weight_percent=Decimal("0.5"))


def bay(rate: int, unit: RateUnit = RateUnit.tonne) -> TransloadBay:
    return TransloadBay(code="B", rate=rate, rate_unit=unit)


def test_a_slot_is_the_started_hours_the_rate_needs():
    assert slot_hours(bay(10), 18000, None) == 2
    assert slot_hours(bay(10), 20000, None) == 2
    assert slot_hours(bay(10), 20001, None) == 3  # 21 started tonnes
    assert slot_hours(bay(10), 1, None) == 1
    assert slot_hours(bay(2, RateUnit.container), 40000, 3) == 2
    with pytest.raises(InvalidInput) as needed:
        slot_hours(bay(2, RateUnit.container), 40000, None)
    assert needed.value.code == "transload_containers_needed"
    with pytest.raises(InvalidInput) as long:
        slot_hours(bay(1), 25000, None)
    assert long.value.code == "transload_slot_too_long"


def test_a_shift_past_midnight_covers_both_sides_of_it():
    night = StevedoreShift(starts_at=time(22), ends_at=time(6), teams=1)
    assert on_shift(night, time(23))
    assert on_shift(night, time(5, 59))
    assert not on_shift(night, time(6))
    assert not on_shift(night, time(12))
    whole_day = StevedoreShift(starts_at=time(0), ends_at=time(0), teams=1)
    assert on_shift(whole_day, time(13))


def test_the_tolerance_is_exact_at_its_edge():
    # 0.5 % of 18,000 kg is 90 kg.
    assert not beyond_tolerance(100, 18000, 100, 17910, HALF_PERCENT)
    assert beyond_tolerance(100, 18000, 100, 17909, HALF_PERCENT)
    assert beyond_tolerance(100, 18000, 99, 18000, HALF_PERCENT)
    assert not beyond_tolerance(100, 18000, 99, 18000, Tolerance(1, Decimal(0)))


@given(
    packages=st.integers(0, 10_000),
    weight=st.integers(0, 200_000),
    change=st.integers(-500, 500),
)
def test_a_count_matching_exactly_is_never_held_and_the_rule_is_symmetric(
    packages: int, weight: int, change: int
):
    assert not beyond_tolerance(packages, weight, packages, weight, HALF_PERCENT)
    out = max(weight + change, 0)
    # The weight's difference is judged against what came in.
    assert beyond_tolerance(packages, weight, packages, out, HALF_PERCENT) == (
        abs(out - weight) * 200 > weight
    )


def fruit(**values: object) -> Transload:
    return Transload(
        perishable=True,
        starts_at=T0,
        ends_at=T0 + timedelta(hours=2),
        in_zone_since=T0 - timedelta(hours=30),
        **values,
    )


def test_perishable_hours_count_until_the_cargo_is_loaded_out():
    working = fruit(started_at=T0)
    assert hours_in_zone(working, T0 + timedelta(hours=1)) == 31.0
    done = fruit(started_at=T0, finished_at=T0 + timedelta(minutes=90))
    assert hours_in_zone(done, T0 + timedelta(days=3)) == 31.5
    assert hours_in_zone(Transload(perishable=False, in_zone_since=T0), T0) is None


def test_the_cold_chain_gaps_are_the_work_outside_the_cold_slot():
    within = fruit(started_at=T0 + timedelta(minutes=5), finished_at=T0 + timedelta(minutes=100))
    assert cold_chain_gaps(within, BayKind.cold, T0 + timedelta(hours=5)) == []
    early_and_late = fruit(
        started_at=T0 - timedelta(minutes=20), finished_at=T0 + timedelta(hours=2, minutes=15)
    )
    assert cold_chain_gaps(early_and_late, BayKind.cold, T0 + timedelta(hours=5)) == [
        (T0 - timedelta(minutes=20), T0),
        (T0 + timedelta(hours=2), T0 + timedelta(hours=2, minutes=15)),
    ]
    # In an ordinary bay all the work is out of the cold, up to now while it lasts.
    ordinary = fruit(started_at=T0)
    now = T0 + timedelta(minutes=45)
    assert cold_chain_gaps(ordinary, BayKind.ordinary, now) == [(T0, now)]
    assert cold_chain_gaps(fruit(), BayKind.ordinary, now) == []


@given(st.lists(st.sampled_from(list(TransloadState)), max_size=12))
def test_only_the_moves_listed_happen_and_a_refused_one_changes_nothing(
    wanted: list[TransloadState],
):
    transload = Transload(id=1, state=TransloadState.booked)
    for to in wanted:
        before = transload.state
        allowed = to in MOVES.get(before, frozenset())
        if allowed:
            move(transload, to)
            assert transload.state is to
        else:
            with pytest.raises(Conflict) as refused:
                move(transload, to)
            assert refused.value.code == "transload_move_refused"
            assert transload.state is before
    # Finished, cancelled and no-show are ends: nothing leaves them.
    assert set(MOVES) == {
        TransloadState.booked,
        TransloadState.arrived,
        TransloadState.started,
        TransloadState.unloaded,
    }
