"""Report periods and the periods they are compared with (docs/statistics.md,
"Periods and comparisons").

The one rule for months of different lengths and leap days: a comparison moves
both ends of the period back by whole months (1 for the same days of the
previous month, 12 for the same period a year before); a day the target month
lacks (the 29th–31st) becomes that month's last day; and a period of whole
months (from a 1st to a month's last day) ends on the target month's last day,
so that February is compared whole with February and 1–31 March with 1–28 (or
29) February. The previous period is the same number of days just before.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class PeriodKind(StrEnum):
    day = "day"
    week = "week"  # ISO week, Monday to Sunday
    month = "month"
    quarter = "quarter"
    year = "year"
    range = "range"
    year_to_date = "year_to_date"


class Comparison(StrEnum):
    previous = "previous"  # the same number of days just before
    year_before = "year_before"  # the same days a year before
    month_before = "month_before"  # the same days of the previous month ("cùng kỳ")


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def period_of(kind: PeriodKind, at: date, until: date | None = None) -> Period:
    """The period of ``kind`` that ``at`` falls in; a range is ``at``–``until``;
    the year to date runs from 1 January of ``at``'s year to ``at``."""
    if kind is PeriodKind.day:
        return Period(at, at)
    if kind is PeriodKind.week:
        monday = at - timedelta(days=at.weekday())
        return Period(monday, monday + timedelta(days=6))
    if kind is PeriodKind.month:
        return Period(at.replace(day=1), _month_end(at.year, at.month))
    if kind is PeriodKind.quarter:
        first_month = (at.month - 1) // 3 * 3 + 1
        return Period(date(at.year, first_month, 1), _month_end(at.year, first_month + 2))
    if kind is PeriodKind.year:
        return Period(date(at.year, 1, 1), date(at.year, 12, 31))
    if kind is PeriodKind.year_to_date:
        return Period(date(at.year, 1, 1), at)
    return Period(at, until if until is not None else at)


def compared(period: Period, comparison: Comparison) -> Period:
    """The period ``period`` is compared with (the module's rule)."""
    if comparison is Comparison.previous:
        return Period(period.first - timedelta(days=period.days), period.first - timedelta(days=1))
    months = 12 if comparison is Comparison.year_before else 1
    first = months_before(period.first, months)
    last = months_before(period.last, months)
    whole_months = period.first.day == 1 and period.last == _month_end(
        period.last.year, period.last.month
    )
    if whole_months:
        last = _month_end(last.year, last.month)
    return Period(first, last)


def months_before(day: date, months: int) -> date:
    """The same day number ``months`` months earlier, or that month's last day."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def steps(period: Period, kind: PeriodKind) -> list[Period]:
    """``period`` cut into the days, weeks, months, quarters or years of ``kind``
    that it touches, the first and last cut to the period's own ends."""
    pieces = []
    day = period.first
    while day <= period.last:
        piece = period_of(kind, day)
        pieces.append(Period(max(piece.first, period.first), min(piece.last, period.last)))
        day = piece.last + timedelta(days=1)
    return pieces


def whole_months(period: Period) -> tuple[list[Period], Period | None]:
    """``period`` cut into the days before and after its whole months, and
    those months (as the span of their first days), if it has any."""
    first = period.first if period.first.day == 1 else _next_month_start(period.first)
    after = period.last + timedelta(days=1)
    end = after if after.day == 1 else after.replace(day=1)  # the first day not in a whole month
    if first >= end:
        return [period], None
    days = []
    if period.first < first:
        days.append(Period(period.first, first - timedelta(days=1)))
    if end <= period.last:
        days.append(Period(end, period.last))
    last_month = (end - timedelta(days=1)).replace(day=1)
    return days, Period(first, last_month)


def _next_month_start(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)
