"""Date and time arithmetic in SQL, the same on PostgreSQL and SQLite.

SQLite keeps times as text (``YYYY-MM-DD HH:MM:SS.ffffff``, UTC) and dates as
``YYYY-MM-DD``; what is computed here is written in those forms, so it compares
with stored values as text does. SQLite's ``%f`` gives milliseconds: a moment
computed there is exact to the millisecond."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Float, Time
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal


class add_days(FunctionElement[Any]):  # noqa: N801 - reads as the SQL function it is
    """``moment + days``: a UTC time or a date, and a whole number of days."""

    inherit_cache = True
    name = "add_days"

    def __init__(self, moment: ColumnElement[Any], days: ColumnElement[int]) -> None:
        super().__init__(moment, days)
        self.type = moment.type


@compiles(add_days, "postgresql")
def _add_days_postgresql(element: add_days, compiler: Any, **kw: Any) -> str:
    moment, days = (compiler.process(clause, **kw) for clause in element.clauses)
    if isinstance(element.type, Date):
        return f"({moment} + {days})"
    return f"({moment} + make_interval(days => {days}))"


@compiles(add_days, "sqlite")
def _add_days_sqlite(element: add_days, compiler: Any, **kw: Any) -> str:
    moment, days = element.clauses
    shift = f"'+' || ({compiler.process(days, **kw)}) || ' days'"
    if isinstance(element.type, Date):
        return f"date({compiler.process(moment, **kw)}, {shift})"
    return f"(strftime('%Y-%m-%d %H:%M:%f', {compiler.process(moment, **kw)}, {shift}) || '000')"


class _InZone(FunctionElement[Any]):
    """A UTC moment read in ``zone``; the zone is part of the statement's cache key."""

    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's own declaration
        *FunctionElement._traverse_internals,
        ("zone_key", InternalTraversal.dp_string),
    ]

    def __init__(self, moment: ColumnElement[Any], zone: ZoneInfo) -> None:
        super().__init__(moment)
        self.zone = zone
        self.zone_key = zone.key


class time_of_day_in(_InZone):  # noqa: N801 - reads as the SQL function it is
    """The time of day a UTC moment is in ``zone``, as a ``Time`` column holds it."""

    inherit_cache = True
    name = "time_of_day_in"
    type = Time()


@compiles(time_of_day_in, "postgresql")
def _time_of_day_postgresql(element: time_of_day_in, compiler: Any, **kw: Any) -> str:
    (moment,) = element.clauses
    return f"(({compiler.process(moment, **kw)}) AT TIME ZONE '{element.zone.key}')::time"


@compiles(time_of_day_in, "sqlite")
def _time_of_day_sqlite(element: time_of_day_in, compiler: Any, **kw: Any) -> str:
    (moment,) = element.clauses
    minutes = _offset_minutes(element.zone)
    return (
        f"(strftime('%H:%M:%f', {compiler.process(moment, **kw)}, '{minutes:+d} minutes') || '000')"
    )


class date_in(_InZone):  # noqa: N801 - reads as the SQL function it is
    """The day a UTC moment falls on in ``zone``, as a ``Date`` column holds it."""

    inherit_cache = True
    name = "date_in"
    type = Date()


@compiles(date_in, "postgresql")
def _date_in_postgresql(element: date_in, compiler: Any, **kw: Any) -> str:
    (moment,) = element.clauses
    return f"(({compiler.process(moment, **kw)}) AT TIME ZONE '{element.zone.key}')::date"


@compiles(date_in, "sqlite")
def _date_in_sqlite(element: date_in, compiler: Any, **kw: Any) -> str:
    (moment,) = element.clauses
    return f"date({compiler.process(moment, **kw)}, '{_offset_minutes(element.zone):+d} minutes')"


def _offset_minutes(zone: ZoneInfo) -> int:
    # SQLite knows no zones: the zone's offset now (Vietnam's has been +07:00 since 1975).
    offset = zone.utcoffset(datetime.now(UTC))
    assert offset is not None
    return int(offset.total_seconds() // 60)


class hours_between(FunctionElement[Any]):  # noqa: N801 - reads as the SQL function it is
    """``end - start`` in hours (fractional), of two UTC times."""

    inherit_cache = True
    name = "hours_between"
    type = Float()

    def __init__(self, start: ColumnElement[Any], end: ColumnElement[Any]) -> None:
        super().__init__(start, end)


@compiles(hours_between, "postgresql")
def _hours_between_postgresql(element: hours_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 3600.0)"


@compiles(hours_between, "sqlite")
def _hours_between_sqlite(element: hours_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 24.0)"


class month_of(FunctionElement[Any]):  # noqa: N801 - reads as the SQL function it is
    """The first day of the month a ``Date`` falls in."""

    inherit_cache = True
    name = "month_of"
    type = Date()


@compiles(month_of, "postgresql")
def _month_of_postgresql(element: month_of, compiler: Any, **kw: Any) -> str:
    (day,) = element.clauses
    return f"date_trunc('month', {compiler.process(day, **kw)})::date"


@compiles(month_of, "sqlite")
def _month_of_sqlite(element: month_of, compiler: Any, **kw: Any) -> str:
    (day,) = element.clauses
    return f"date({compiler.process(day, **kw)}, 'start of month')"
