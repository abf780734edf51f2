"""A ceiling on every lane caps the lanes together, hour by hour
(``capacity.calendar.shared``): the other side's acceptance counts trucks,
whatever lane they came by."""

from hypothesis import given
from hypothesis import strategies as st

from cuakhau.capacity.calendar import shared


def test_the_lanes_share_a_ceiling_in_proportion_to_their_capacity():
    assert shared(4, [3, 3]) == [2, 2]
    assert shared(5, [3, 3]) == [3, 2]  # the first of equal remainders
    assert shared(3, [40, 20]) == [2, 1]
    assert shared(0, [3, 1]) == [0, 0]
    assert shared(10, [3, 3]) == [3, 3]  # under the ceiling: nothing cut
    assert shared(7, []) == []


@given(
    st.integers(min_value=0, max_value=500),
    st.lists(st.integers(min_value=0, max_value=200), max_size=4),
)
def test_a_shared_ceiling_gives_exactly_what_it_allows_and_never_more_than_a_lane_has(
    ceiling: int, capacities: list[int]
):
    parts = shared(ceiling, capacities)
    assert sum(parts) == min(ceiling, sum(capacities))
    assert all(0 <= part <= own for part, own in zip(parts, capacities, strict=True))
