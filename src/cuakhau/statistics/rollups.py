"""What is counted, written once: the rows each rollup gets from the crossings,
cargo lines and receipts (docs/statistics.md).

The same statements serve both ways of keeping the rollups:

- **as things happen**, in the transaction that changes what is counted
  (``uncount`` before the change, ``count`` after it): the crossing's
  contribution is taken away as it was and added as it is, each an
  ``INSERT … SELECT … ON CONFLICT DO UPDATE`` adding to the cells it falls in;
- **from scratch** (``rebuild``): every rollup emptied and filled again by the
  same selects over all the raw rows, a month of days at a time, in the database.

A cell whose counts fall to nothing is deleted, so a rollup holds exactly the
cells a straight computation from the raw rows gives.

The month rollups are their day rollup's cells regrouped: the same rows that
change a day rollup, regrouped by month in the same transaction; rebuilt from
the day rollup just rebuilt.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, time
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    FromClause,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    cast,
    delete,
    exists,
    func,
    select,
    text,
    tuple_,
)
from sqlalchemy.orm import Session

from cuakhau.core.clock import ZONE_TZ, local_date, local_datetime
from cuakhau.core.database import insert_for
from cuakhau.core.sqltime import date_in, month_of
from cuakhau.models import (
    CargoLine,
    Crossing,
    Fee,
    FeeDay,
    Receipt,
    TradeDay,
    TradeEnterpriseMonth,
    TradeMonth,
    Transload,
    VehicleDay,
    VehicleEnterpriseMonth,
    VehicleMonth,
    Yard,
)
from cuakhau.models.enums import CrossingState

# A crossing counts from the moment it crossed; a truck that has come back
# (returned), or a swapped trailer back with its owner (handed_back), still
# crossed. Undoing the crossing (crossed → the step before) uncounts it.
COUNTED_STATES = frozenset(
    {CrossingState.crossed, CrossingState.returned, CrossingState.handed_back}
)


# Added (1) or taken away (-1): a number, or the statement's parameter.
Sign = int | ColumnElement[int]


def counted(state: CrossingState | None) -> bool:
    return state in COUNTED_STATES


def _crossed() -> ColumnElement[bool]:
    return and_(Crossing.state.in_(COUNTED_STATES), Crossing.crossed_at.is_not(None))


def crossing_day() -> ColumnElement[date]:
    """The day (zone time) a crossing counts on."""
    return date_in(Crossing.crossed_at, ZONE_TZ)


def receipt_day() -> ColumnElement[date]:
    """The day (zone time) a receipt's fees count on."""
    return date_in(Receipt.issued_at, ZONE_TZ)


def hs_heading(hs_code: ColumnElement[str]) -> ColumnElement[str]:
    return func.substr(hs_code, 1, 4)


def trade_rows(*where: ColumnElement[bool], sign: Sign = 1) -> Select[tuple[object, ...]]:
    """The trade rollup's cells of the crossed crossings ``where`` holds, times ``sign``."""
    grain = (
        crossing_day().label("day"),
        Crossing.gate_id,
        Crossing.direction,
        Crossing.regime,
        hs_heading(CargoLine.hs_code).label("hs_heading"),
        Crossing.enterprise_id,
        CargoLine.origin_country,
        CargoLine.destination_country,
        CargoLine.perishable,
        Crossing.vehicle_kind,
        Crossing.handover_mode,
    )
    cents = cast(func.round(CargoLine.value_usd * 100), BigInteger)
    return (
        select(
            *grain,
            (func.sum(cents) * sign).label("value_usd_cents"),
            (func.sum(CargoLine.weight_kg) * sign).label("weight_kg"),
            (func.sum(CargoLine.packages) * sign).label("packages"),
            (func.count() * sign).label("lines"),
            (func.count(func.distinct(Crossing.id)) * sign).label("shipments"),
        )
        .join(CargoLine, CargoLine.crossing_id == Crossing.id)
        .where(_crossed(), *where)
        .group_by(*grain)
        # One order of cells for every writer: two transactions adding to the
        # same cells lock them in the same order, so they never wait in a circle.
        .order_by(*grain)
    )


def vehicle_rows(*where: ColumnElement[bool], sign: Sign = 1) -> Select[tuple[object, ...]]:
    """The vehicle rollup's cells: each crossed crossing once, whatever its lines."""
    lines = select(CargoLine.id).where(CargoLine.crossing_id == Crossing.id)
    trucks = (
        select(
            crossing_day().label("day"),
            Crossing.gate_id,
            Crossing.direction,
            Crossing.regime,
            Crossing.enterprise_id,
            Crossing.vehicle_kind,
            exists(lines.where(CargoLine.perishable.is_(True))).label("perishable"),
            Crossing.handover_mode,
            case((exists(lines), 1), else_=0).label("laden"),
        )
        .where(_crossed(), *where)
        .subquery("truck")
    )
    grain = [trucks.c[column.name] for column in VehicleDay.__table__.primary_key.columns]
    return (
        select(
            *grain,
            (func.count() * sign).label("vehicles"),
            (func.sum(trucks.c.laden) * sign).label("shipments"),
        )
        .group_by(*grain)
        .order_by(*grain)
    )


def fee_rows(*where: ColumnElement[bool], sign: Sign = 1) -> Select[tuple[object, ...]]:
    """The fee rollup's cells: the fees of receipts issued and not voided, at
    the gate of their crossing, or of the yard of their transload (one with no
    crossing of ours)."""
    grain = (
        receipt_day().label("day"),
        func.coalesce(Crossing.gate_id, Yard.gate_id).label("gate_id"),
        Receipt.vehicle_class,
        Fee.kind,
    )
    return (
        select(
            *grain,
            (func.sum(Fee.amount_vnd) * sign).label("amount_vnd"),
            (func.count() * sign).label("fees"),
        )
        .select_from(Fee)
        .join(Receipt, Receipt.id == Fee.receipt_id)
        .outerjoin(Crossing, Crossing.id == Receipt.crossing_id)
        .outerjoin(Transload, Transload.id == Receipt.transload_id)
        .outerjoin(Yard, Yard.id == Transload.yard_id)
        .where(Receipt.voided_at.is_(None), *where)
        .group_by(*grain)
        .order_by(*grain)
    )


Model = (
    type[TradeDay]
    | type[VehicleDay]
    | type[FeeDay]
    | type[TradeMonth]
    | type[TradeEnterpriseMonth]
    | type[VehicleMonth]
    | type[VehicleEnterpriseMonth]
)


@dataclass(frozen=True)
class Cells:
    """A rollup table and the count that says a cell is empty."""

    model: Model
    empty_when_zero: str

    @property
    def keys(self) -> list[str]:
        return [column.name for column in self.model.__table__.primary_key.columns]

    @property
    def measures(self) -> list[str]:
        keys = set(self.keys)
        return [column.name for column in self.model.__table__.columns if column.name not in keys]


@dataclass(frozen=True)
class Rollup(Cells):
    """A day rollup and the select that fills it from the raw rows."""

    rows: Callable[..., Select[tuple[object, ...]]]
    # Restricts ``rows`` to one crossing's contribution.
    of_crossing: Callable[[ColumnElement[int]], ColumnElement[bool]]


@dataclass(frozen=True)
class MonthRollup(Cells):
    """A month rollup: the cells of the day rollup ``of`` regrouped by month,
    keeping the keys its table has."""

    of: type[TradeDay] | type[VehicleDay]

    def rows(self, cells: FromClause, *where: ColumnElement[bool]) -> Select[tuple[object, ...]]:
        """The month cells of ``cells``, which has the day rollup's columns."""
        grain = [
            month_of(cells.c.day).label("month") if key == "month" else cells.c[key]
            for key in self.keys
        ]
        return (
            select(*grain, *(func.sum(cells.c[name]).label(name) for name in self.measures))
            .where(*where)
            .group_by(*grain)
            .order_by(*grain)
        )


ROLLUPS = (
    Rollup(TradeDay, "lines", trade_rows, lambda crossing_id: Crossing.id == crossing_id),
    Rollup(VehicleDay, "vehicles", vehicle_rows, lambda crossing_id: Crossing.id == crossing_id),
    Rollup(FeeDay, "fees", fee_rows, lambda crossing_id: Receipt.crossing_id == crossing_id),
)
MONTH_ROLLUPS = (
    MonthRollup(TradeMonth, "lines", TradeDay),
    MonthRollup(TradeEnterpriseMonth, "lines", TradeDay),
    MonthRollup(VehicleMonth, "vehicles", VehicleDay),
    MonthRollup(VehicleEnterpriseMonth, "vehicles", VehicleDay),
)


def _months_of(model: type) -> list[MonthRollup]:
    return [month for month in MONTH_ROLLUPS if month.of is model]


def _upsert(dialect: str, cells: Cells, rows: Select[tuple[object, ...]]) -> Any:
    """The statement adding ``rows`` to the cells they fall in."""
    # The table, not the mapped class: executed with parameters, an ORM insert
    # would take them for rows to insert.
    table = cells.model.__table__
    statement = insert_for(dialect, table).from_select([*cells.keys, *cells.measures], rows)
    return statement.on_conflict_do_update(
        index_elements=cells.keys,
        set_={name: table.c[name] + statement.excluded[name] for name in cells.measures},
    )


# What ``_add`` adds: one crossing's contribution, or one receipt's (of no crossing).
OF_CROSSING, OF_RECEIPT = "crossing", "receipt"


@cache
def _adding(dialect: str, rollup: Rollup, of: str) -> tuple[Any, tuple[Any, ...]]:
    """The statements adding one crossing's or receipt's rows (``:key``), times
    ``:sign``, to ``rollup``, then to its month rollups: built once, since
    building them costs more than running them. On PostgreSQL one statement
    does it all (the rows selected once, no more round trips than without the
    month rollups); elsewhere the month rollups' follow if the day rollup's
    changed a cell."""
    key = bindparam("key", type_=Integer)
    where = rollup.of_crossing(key) if of == OF_CROSSING else Receipt.id == key
    rows = rollup.rows(where, sign=bindparam("sign", type_=Integer))
    months = _months_of(rollup.model)
    if not months:
        return _upsert(dialect, rollup, rows), ()
    if dialect == "postgresql":
        changed = rows.cte("changed")
        written = [_upsert(dialect, rollup, select(changed)).cte("day_cells")]
        *firsts, last = months
        written += [
            _upsert(dialect, month, month.rows(changed)).cte(f"{month.model.__tablename__}_cells")
            for month in firsts
        ]
        return _upsert(dialect, last, last.rows(changed)).add_cte(*written), ()
    changed_rows = rows.subquery("changed")
    return _upsert(dialect, rollup, rows), tuple(
        _upsert(dialect, month, month.rows(changed_rows)) for month in months
    )


def _add(
    session: Session, rollup: Rollup, key: int, *, of: str = OF_CROSSING, sign: int = 1
) -> None:
    """Add the crossing's (or receipt's) rows, times ``sign``, to the day rollup
    and, regrouped, to its month rollups."""
    first, then = _adding(session.get_bind().dialect.name, rollup, of)
    values = {"key": key, "sign": sign}
    if session.execute(first, values).rowcount:  # type: ignore[attr-defined]
        for statement in then:
            session.execute(statement, values)


@dataclass
class Uncounted:
    """A crossing taken out of the rollups, to be counted again as it now is;
    the (day, gate) pairs whose cells may have emptied, by rollup."""

    crossing_id: int
    touched: dict[type, set[tuple[date, int]]] = field(default_factory=dict)


def uncount(session: Session, crossing_id: int) -> Uncounted:
    """Take the crossing's contribution out of every rollup, as the raw rows now say it."""
    session.flush()
    crossing = session.get_one(Crossing, crossing_id)
    touched: dict[type, set[tuple[date, int]]] = {model: set() for model in (TradeDay, VehicleDay)}
    if counted(crossing.state) and crossing.crossed_at is not None:
        for model in (TradeDay, VehicleDay):
            touched[model].add((local_date(crossing.crossed_at), crossing.gate_id))
    issued = session.scalars(
        select(Receipt.issued_at).where(
            Receipt.crossing_id == crossing_id, Receipt.voided_at.is_(None)
        )
    )
    touched[FeeDay] = {(local_date(moment), crossing.gate_id) for moment in issued}
    for rollup in ROLLUPS:
        if touched[rollup.model]:
            _add(session, rollup, crossing_id, sign=-1)
    return Uncounted(crossing_id, touched)


def count(session: Session, uncounted: Uncounted) -> None:
    """Add the crossing's contribution as the raw rows now say it, and delete
    the cells the change emptied."""
    session.flush()
    for rollup in ROLLUPS:
        _add(session, rollup, uncounted.crossing_id)
        keys = uncounted.touched[rollup.model]
        if keys:
            _delete_empty(session, rollup, "day", keys)
            months = {(day.replace(day=1), gate_id) for day, gate_id in keys}
            for month in _months_of(rollup.model):
                _delete_empty(session, month, "month", months)


def _delete_empty(
    session: Session, cells: Cells, time_key: str, keys: set[tuple[date, int]]
) -> None:
    """Delete the empty cells of the (day or month, gate) pairs ``keys``."""
    table = cells.model.__table__
    session.execute(
        delete(table).where(
            tuple_(table.c[time_key], table.c.gate_id).in_(sorted(keys)),
            table.c[cells.empty_when_zero] == 0,
        )
    )


@contextmanager
def recounting(session: Session, crossing_id: int) -> Iterator[None]:
    """Whatever the block changes of the crossing, its lines or its receipts is
    counted in the rollups when the block ends, in the same transaction."""
    uncounted = uncount(session, crossing_id)
    yield
    count(session, uncounted)


@contextmanager
def recounting_receipt(session: Session, receipt: Receipt) -> Iterator[None]:
    """Whatever the block changes of a receipt of no crossing (a transload's:
    issued, voided) is counted in the fee rollup when the block ends; a new
    receipt is added within the block."""
    fees = next(rollup for rollup in ROLLUPS if rollup.model is FeeDay)
    session.flush()
    if receipt.id is not None:
        _add(session, fees, receipt.id, of=OF_RECEIPT, sign=-1)
    yield
    session.flush()
    _add(session, fees, receipt.id, of=OF_RECEIPT)
    table = FeeDay.__table__
    session.execute(
        delete(table).where(table.c.day == local_date(receipt.issued_at), table.c.fees == 0)
    )


# ---- rebuild -----------------------------------------------------------------


@dataclass(frozen=True)
class RebuildStep:
    """One rollup's cells of one month of days: a day rollup's from the raw
    rows, a month rollup's from its day rollup (filled by an earlier step)."""

    rollup: Rollup | MonthRollup
    month: date

    @property
    def label(self) -> str:
        return f"{self.rollup.model.__tablename__} {self.month:%Y-%m}"

    def run(self, session: Session) -> None:
        rollup = self.rollup
        if isinstance(rollup, MonthRollup):
            day = rollup.of.__table__.c.day
            rows = rollup.rows(
                rollup.of.__table__, day >= self.month, day < _next_month(self.month)
            )
        else:
            start = local_datetime(self.month, time(0))
            end = local_datetime(_next_month(self.month), time(0))
            moment = Receipt.issued_at if rollup.model is FeeDay else Crossing.crossed_at
            rows = rollup.rows(moment >= start, moment < end)
        session.execute(
            rollup.model.__table__.insert().from_select([*rollup.keys, *rollup.measures], rows)
        )


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _months(first: date | None, last: date | None) -> list[date]:
    if first is None or last is None:
        return []
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = _next_month(month)
    return months


def start_rebuild(session: Session) -> list[RebuildStep]:
    """Empty every rollup and say what fills them again, a month at a time.

    The rollups stay locked against the counting of new crossings until the
    caller's transaction ends (PostgreSQL: EXCLUSIVE, readers still read the
    old figures; SQLite: its one writer), so nothing counted while the rebuild
    runs is lost or counted twice."""
    every: list[Rollup | MonthRollup] = [*ROLLUPS, *MONTH_ROLLUPS]
    if session.get_bind().dialect.name == "postgresql":
        names = ", ".join(rollup.model.__tablename__ for rollup in every)
        session.execute(text(f"LOCK TABLE {names} IN EXCLUSIVE MODE"))
    for rollup in every:
        session.execute(delete(rollup.model.__table__))
    crossed = session.execute(
        select(func.min(Crossing.crossed_at), func.max(Crossing.crossed_at)).where(_crossed())
    ).one()
    issued = session.execute(select(func.min(Receipt.issued_at), func.max(Receipt.issued_at))).one()
    steps = []
    # Month rollups after the day rollups they are read from.
    for rollup in every:
        first, last = issued if rollup.model is FeeDay else crossed
        days = (local_date(first), local_date(last)) if first is not None else (None, None)
        steps.extend(RebuildStep(rollup, month) for month in _months(*days))
    return steps


def rebuild(session: Session, on_step: Callable[[RebuildStep], None] | None = None) -> int:
    """Recompute every rollup from the raw rows in the session's transaction;
    the number of steps (rollup × month) run."""
    steps = start_rebuild(session)
    for step in steps:
        step.run(session)
        if on_step is not None:
            on_step(step)
    return len(steps)
