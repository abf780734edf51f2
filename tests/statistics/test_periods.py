"""Periods and the one rule for comparing months of different lengths and leap days."""

from datetime import date

import pytest

from cuakhau.statistics.periods import (
    Comparison,
    Period,
    PeriodKind,
    compared,
    period_of,
    steps,
)

D = date


@pytest.mark.parametrize(
    ("kind", "at", "expected"),
    [
        (PeriodKind.day, D(2024, 2, 29), Period(D(2024, 2, 29), D(2024, 2, 29))),
        # ISO week: Monday to Sunday, across a new year.
        (PeriodKind.week, D(2026, 1, 1), Period(D(2025, 12, 29), D(2026, 1, 4))),
        (PeriodKind.month, D(2024, 2, 10), Period(D(2024, 2, 1), D(2024, 2, 29))),
        (PeriodKind.quarter, D(2025, 5, 20), Period(D(2025, 4, 1), D(2025, 6, 30))),
        (PeriodKind.year, D(2025, 5, 20), Period(D(2025, 1, 1), D(2025, 12, 31))),
        (PeriodKind.year_to_date, D(2025, 4, 20), Period(D(2025, 1, 1), D(2025, 4, 20))),
    ],
)
def test_periods(kind: PeriodKind, at: date, expected: Period):
    assert period_of(kind, at) == expected


@pytest.mark.parametrize(
    ("period", "comparison", "expected"),
    [
        # The press's "1–15 December against the same days of November".
        (Period(D(2021, 12, 1), D(2021, 12, 15)), Comparison.month_before, (11, 1, 11, 15)),
        # Whole months compare whole: March with all of February, in a leap year too.
        (Period(D(2024, 3, 1), D(2024, 3, 31)), Comparison.month_before, (2, 1, 2, 29)),
        (Period(D(2025, 3, 1), D(2025, 3, 31)), Comparison.month_before, (2, 1, 2, 28)),
        (Period(D(2025, 2, 1), D(2025, 2, 28)), Comparison.year_before, (2, 1, 2, 29)),
        (Period(D(2024, 2, 1), D(2024, 2, 29)), Comparison.year_before, (2, 1, 2, 28)),
        # A day the target month lacks becomes its last day.
        (Period(D(2024, 2, 29), D(2024, 2, 29)), Comparison.year_before, (2, 28, 2, 28)),
        (Period(D(2026, 3, 31), D(2026, 3, 31)), Comparison.month_before, (2, 28, 2, 28)),
        # Part of a month stays part: 28 February 2025 is 28 February 2024, not the 29th too.
        (Period(D(2025, 2, 28), D(2025, 2, 28)), Comparison.year_before, (2, 28, 2, 28)),
        # Year to date to the end of February takes in a leap day the year before.
        (Period(D(2025, 1, 1), D(2025, 2, 28)), Comparison.year_before, (1, 1, 2, 29)),
        (Period(D(2025, 1, 1), D(2025, 4, 20)), Comparison.year_before, (1, 1, 4, 20)),
    ],
)
def test_comparisons_move_by_whole_months(
    period: Period, comparison: Comparison, expected: tuple[int, int, int, int]
):
    other = compared(period, comparison)
    assert (other.first.month, other.first.day, other.last.month, other.last.day) == expected
    months = 12 if comparison is Comparison.year_before else 1
    assert (period.first.year * 12 + period.first.month) - (
        other.first.year * 12 + other.first.month
    ) == months


def test_the_previous_period_is_the_same_number_of_days_just_before():
    march = period_of(PeriodKind.month, D(2026, 3, 5))
    assert compared(march, Comparison.previous) == Period(D(2026, 1, 29), D(2026, 2, 28))
    week = period_of(PeriodKind.week, D(2026, 1, 1))
    assert compared(week, Comparison.previous) == Period(D(2025, 12, 22), D(2025, 12, 28))


def test_a_period_is_cut_into_the_months_it_touches_its_ends_kept() -> None:
    pieces = steps(Period(date(2026, 1, 15), date(2026, 3, 10)), PeriodKind.month)
    assert [(p.first, p.last) for p in pieces] == [
        (date(2026, 1, 15), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 10)),
    ]
    year = steps(period_of(PeriodKind.year, date(2024, 6, 1)), PeriodKind.quarter)
    assert [p.days for p in year] == [91, 91, 92, 92]
