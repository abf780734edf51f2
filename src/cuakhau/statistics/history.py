"""Figures from before cuakhau (docs/statistics.md, "History from before cuakhau").

Two kinds of sheet (XLSX or CSV, one sheet), told apart by their header: the
customs office's trade figures (period, gate, direction, regime, HS code,
value in USD, weight in kg, vehicles) and the finance office's fee revenue
(period, gate, vehicle class, fee kind, amount in đồng, number of fees). Each
kind is a ``Layout``; reading, checking, the overlap check, storing and
removing are the same for both. Every row is checked before anything is kept;
a file with any problem imports nothing and gets each problem with its row and
column.

**What wins.** cuakhau's own figures of a gate start on the first day it
measured there: a crossing for trade, a receipt issued for fees. Before that
day the gate's imported figures count; an imported figure whose period reaches
that day or later is set aside, so a period cuakhau measured is never counted
twice and measured always wins.
"""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from cuakhau.core.cells import CellError, is_blank, parse_date, parse_number
from cuakhau.core.errors import NotFound
from cuakhau.core.sheet_import import (
    ImportRejected,
    Problem,
    csv_rows,
    header_of,
    is_xlsx,
    xlsx_worksheets,
)
from cuakhau.models import (
    FeeDay,
    FeeHistory,
    Gate,
    HistoryImport,
    TradeHistory,
    User,
    VehicleDay,
)
from cuakhau.models.enums import (
    Direction,
    FeeKind,
    HandoverMode,
    HistoryKind,
    Regime,
    VehicleClass,
)
from cuakhau.statistics.periods import Period, PeriodKind, period_of

SHEET = "history"
# Rows stored per statement: large enough to be quick, small enough to stream.
CHUNK = 2000

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$|^(\d{1,2})/(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^\d{4}$")
_HS = re.compile(r"^(\d{4}|\d{6}|\d{8}|\d{10})$")
_DIRECTIONS = {"export": Direction.export, "xuất": Direction.export, "xuat": Direction.export}
_DIRECTIONS |= {"import": Direction.import_, "nhập": Direction.import_, "nhap": Direction.import_}


@dataclass(frozen=True)
class Figure:
    """One checked row: what an imported figure holds."""

    row: int
    period: Period
    gate_id: int
    direction: Direction
    regime: Regime
    hs_code: str
    value_usd_cents: int
    weight_kg: int
    vehicles: int
    # The customs office's figures say nothing of it; the demo's synthetic ones do.
    handover_mode: HandoverMode | None = None


@dataclass(frozen=True)
class FeeFigure:
    """One checked row of a fee sheet: a period's revenue of one gate, vehicle
    class and fee kind."""

    row: int
    period: Period
    gate_id: int
    vehicle_class: VehicleClass
    kind: FeeKind
    amount_vnd: int
    fees: int


AnyFigure = Figure | FeeFigure
History = type[TradeHistory] | type[FeeHistory]


def parse_period(raw: object) -> Period:
    """A day (``2021-12-15``, ``15/12/2021`` or a date cell), a month
    (``2021-12``, ``12/2021``), a quarter (``2021-Q4``), a year (``2021``) or a
    range of days (``2021-12-01..2021-12-15``)."""
    if isinstance(raw, datetime | date):
        day = parse_date(raw)
        return Period(day, day)
    text = str(raw).strip()
    if ".." in text:
        first, last = (parse_date(part) for part in text.split("..", 1))
        if last < first:
            raise CellError("history_period_reversed")
        return Period(first, last)
    if month := _MONTH.match(text):
        year, number = (month[1], month[2]) if month[1] else (month[4], month[3])
        if not 1 <= int(number) <= 12:
            raise CellError("history_period_invalid")
        return period_of(PeriodKind.month, parse_date(f"{year}-{int(number):02}-01"))
    if quarter := _QUARTER.match(text):
        first_month = (int(quarter[2]) - 1) * 3 + 1
        return period_of(PeriodKind.quarter, parse_date(f"{quarter[1]}-{first_month:02}-01"))
    if _YEAR.match(text):
        return period_of(PeriodKind.year, parse_date(f"{text}-01-01"))
    try:
        day = parse_date(text)
    except CellError:
        raise CellError("history_period_invalid") from None
    return Period(day, day)


def parse_hs_code(raw: object) -> str:
    """A heading, subheading or tariff line: 4, 6, 8 or 10 digits (dots and
    spaces as customs print them are dropped). Text is taken as written."""
    if isinstance(raw, int | float):
        # A code typed as a number lost its leading zero (chapters 01–09):
        # codes have an even number of digits.
        digits = str(int(raw))
        raw = digits.zfill(len(digits) + len(digits) % 2)
    text = re.sub(r"[.\s]", "", str(raw))
    if not _HS.match(text):
        raise CellError("history_hs_code_invalid")
    return text


def _whole(raw: object) -> int:
    value = parse_number(raw)
    if value < 0:
        raise CellError("history_negative")
    if value != value.to_integral_value():
        raise CellError("number_not_whole")
    return int(value)


def _cents(raw: object) -> int:
    value = parse_number(raw)
    if value < 0:
        raise CellError("history_negative")
    cents = value * 100
    if cents != cents.to_integral_value():
        raise CellError("history_value_cents")
    return int(cents)


def _choice(options: dict[str, Any]) -> Callable[[object], Any]:
    def parse(raw: object) -> Any:
        found = options.get(str(raw).strip().lower())
        if found is None:
            raise CellError("history_choice_unknown", allowed=", ".join(sorted(set(options))))
        return found

    return parse


_REGIMES = {regime.value: regime for regime in Regime}
_VEHICLE_CLASSES = {vehicle_class.value: vehicle_class for vehicle_class in VehicleClass}
_FEE_KINDS = {kind.value: kind for kind in FeeKind}
# Each column's reading, whichever kind of sheet has it.
_CELLS: dict[str, Callable[[object], Any]] = {
    "period": parse_period,
    "direction": _choice(_DIRECTIONS),
    "regime": _choice(_REGIMES),
    "hs_code": parse_hs_code,
    "value_usd": _cents,
    "weight_kg": _whole,
    "vehicles": _whole,
    "vehicle_class": _choice(_VEHICLE_CLASSES),
    "fee_kind": _choice(_FEE_KINDS),
    "amount_vnd": _whole,
    "fees": _whole,
}


def _trade_figure(row: int, values: dict[str, Any]) -> Figure:
    return Figure(
        row=row,
        period=values["period"],
        gate_id=values["gate"],
        direction=values["direction"],
        regime=values["regime"],
        hs_code=values["hs_code"],
        value_usd_cents=values["value_usd"],
        weight_kg=values["weight_kg"],
        vehicles=values["vehicles"],
    )


def _fee_figure(row: int, values: dict[str, Any]) -> FeeFigure:
    return FeeFigure(
        row=row,
        period=values["period"],
        gate_id=values["gate"],
        vehicle_class=values["vehicle_class"],
        kind=values["fee_kind"],
        amount_vnd=values["amount_vnd"],
        fees=values["fees"],
    )


def _trade_row(figure: Any) -> dict[str, Any]:
    return {
        "direction": figure.direction,
        "regime": figure.regime,
        "hs_code": figure.hs_code,
        "hs_heading": figure.hs_code[:4],
        "value_usd_cents": figure.value_usd_cents,
        "weight_kg": figure.weight_kg,
        "vehicles": figure.vehicles,
        "handover_mode": figure.handover_mode,
    }


def _fee_row(figure: Any) -> dict[str, Any]:
    return {
        "vehicle_class": figure.vehicle_class,
        "kind": figure.kind,
        "amount_vnd": figure.amount_vnd,
        "fees": figure.fees,
    }


@dataclass(frozen=True)
class Layout:
    """A kind of sheet: its columns, the figure a row makes, the table it is
    kept in, and what two figures must share to cover the same thing
    (``same``: of a figure or a stored row; ``goods``: a code one figure's may
    lie within the other's, or "" where there is none)."""

    kind: HistoryKind
    columns: tuple[str, ...]
    table: History
    figure: Callable[[int, dict[str, Any]], AnyFigure]
    row: Callable[[Any], dict[str, Any]]
    same: Callable[[Any], tuple[Any, ...]]
    goods: Callable[[Any], str]
    # The message for a figure covering days another covers (it says what "the
    # same" is).
    duplicate: str


TRADE = Layout(
    kind=HistoryKind.trade,
    columns=(
        "period",
        "gate",
        "direction",
        "regime",
        "hs_code",
        "value_usd",
        "weight_kg",
        "vehicles",
    ),
    table=TradeHistory,
    figure=_trade_figure,
    row=_trade_row,
    same=lambda item: (item.gate_id, item.direction, item.regime, item.hs_code[:4]),
    goods=lambda item: str(item.hs_code),
    duplicate="history_period_duplicate",
)
FEES = Layout(
    kind=HistoryKind.fees,
    columns=("period", "gate", "vehicle_class", "fee_kind", "amount_vnd", "fees"),
    table=FeeHistory,
    figure=_fee_figure,
    row=_fee_row,
    same=lambda item: (item.gate_id, item.vehicle_class, item.kind),
    goods=lambda item: "",
    duplicate="history_fee_period_duplicate",
)
LAYOUTS = {layout.kind: layout for layout in (TRADE, FEES)}


def layout_of(header: Sequence[str]) -> Layout:
    """A sheet with a ``fee_kind`` or ``amount_vnd`` column is the finance
    office's fee revenue; any other, the customs office's trade figures."""
    return FEES if {"fee_kind", "amount_vnd"} & set(header) else TRADE


def _layout_of_figures(figures: Sequence[AnyFigure]) -> Layout:
    return FEES if figures and isinstance(figures[0], FeeFigure) else TRADE


@dataclass
class _Reader:
    """Checks rows against the zone's gates and the day of import."""

    layout: Layout
    gates: dict[str, int]
    today: date

    def parsers(self) -> dict[str, Callable[[object], Any]]:
        cells = _CELLS | {"gate": self.gate}
        return {column: cells[column] for column in self.layout.columns}

    def gate(self, raw: object) -> int:
        gate_id = self.gates.get(str(raw).strip().lower())
        if gate_id is None:
            raise CellError("history_gate_unknown")
        return gate_id

    def figure(
        self, number: int, cells: dict[str, object]
    ) -> tuple[AnyFigure | None, list[Problem]]:
        values: dict[str, Any] = {}
        problems = []
        for column, parse in self.parsers().items():
            raw = cells.get(column)
            if is_blank(raw):
                problems.append(Problem(SHEET, number, column, None, "history_cell_missing"))
                continue
            try:
                values[column] = parse(raw)
            except CellError as error:
                problems.append(Problem(SHEET, number, column, str(raw), error.code, error.params))
        period = values.get("period")
        if period is not None and period.last > self.today:
            problems.append(
                Problem(SHEET, number, "period", str(cells["period"]), "history_period_future")
            )
        if problems:
            return None, problems
        return self.layout.figure(number, values), []


def read_rows(filename: str, content: bytes) -> list[list[object]]:
    """The rows of the file's one sheet (the first, in a workbook)."""
    if is_xlsx(filename, content):
        for _title, rows in xlsx_worksheets(filename, content):
            return [list(row) for row in rows]
        return []
    return [list(row) for row in csv_rows(filename, content)]


def check_rows(
    session: Session, rows: Sequence[Sequence[object]], today: date
) -> tuple[list[AnyFigure], list[Problem]]:
    """Each row as a figure of the sheet's kind (``layout_of`` its header),
    or the problems of the rows and the header."""
    header = header_of(rows[0]) if rows else []
    layout = layout_of(header)
    problems = [
        Problem(SHEET, 1, column, column, "column_unknown")
        for column in header
        if column and column not in layout.columns
    ]
    problems += [
        Problem(SHEET, 1, column, None, "column_missing")
        for column in layout.columns
        if column not in header
    ]
    if problems:
        return [], problems
    gates = {}
    for gate_id, code in session.execute(select(Gate.id, Gate.code)):
        gates[code.lower()] = gate_id
    reader = _Reader(layout, gates, today)
    figures = []
    for number, values in enumerate(rows[1:], start=2):
        cells = dict(zip(header, values, strict=False))
        if all(is_blank(value) for value in cells.values()):
            continue
        figure, row_problems = reader.figure(number, cells)
        problems += row_problems
        if figure is not None:
            figures.append(figure)
    return figures, problems


def overlaps(session: Session, figures: Sequence[AnyFigure]) -> list[Problem]:
    """A figure covering a day another already covers for the same thing, in
    the file or in an earlier import: it would count it twice. The same thing
    is, for trade, the same gate, direction, regime and goods (one HS code the
    other's or within it); for fees, the same gate, vehicle class and fee kind."""
    if not figures:
        return []
    layout = _layout_of_figures(figures)
    table = layout.table
    first = min(figure.period.first for figure in figures)
    last = max(figure.period.last for figure in figures)
    earlier = session.execute(
        select(table).where(
            table.gate_id.in_({figure.gate_id for figure in figures}),
            table.first_day <= last,
            table.last_day >= first,
        )
    ).scalars()
    groups: dict[tuple[Any, ...], list[_Covered]] = defaultdict(list)
    for stored in earlier:
        period = Period(stored.first_day, stored.last_day)
        place = f"import {stored.import_id}"
        groups[layout.same(stored)].append(_Covered(period, layout.goods(stored), place, None))
    for figure in figures:
        covered = _Covered(figure.period, layout.goods(figure), f"row {figure.row}", figure)
        groups[layout.same(figure)].append(covered)
    problems = []
    for covered in groups.values():
        # A sweep in order of first days: only figures still running can overlap.
        covered.sort(key=lambda item: (item.period.first, item.row))
        running: list[_Covered] = []
        for item in covered:
            running = [other for other in running if other.period.last >= item.period.first]
            for other in running:
                if not other.same_goods(item):
                    continue
                if item.figure is not None:
                    problems.append(_duplicate(layout, item, other.place))
                    break
                if other.figure is not None:  # an earlier import's figure within a row's days
                    problems.append(_duplicate(layout, other, item.place))
            running.append(item)
    return sorted(problems, key=lambda problem: problem.row or 0)


@dataclass(frozen=True)
class _Covered:
    """A figure's days and goods, from the file (``figure``) or an earlier import."""

    period: Period
    goods: str
    place: str
    figure: AnyFigure | None

    @property
    def row(self) -> int:
        """Earlier imports first, then the file's rows in order."""
        return self.figure.row if self.figure is not None else 0

    def same_goods(self, other: "_Covered") -> bool:
        return self.goods.startswith(other.goods) or other.goods.startswith(self.goods)


def _duplicate(layout: Layout, item: _Covered, other: str) -> Problem:
    assert item.figure is not None
    period = item.figure.period
    return Problem(
        SHEET,
        item.figure.row,
        "period",
        f"{period.first}..{period.last}",
        layout.duplicate,
        {"other": other},
    )


def import_figures(
    session: Session,
    *,
    file_name: str,
    figures: Sequence[AnyFigure],
    imported_at: datetime,
    user: User | None,
    synthetic: bool = False,
    on_stored: Callable[[int, int], None] | None = None,
) -> HistoryImport:
    """Keep checked figures (all of one kind) as one import, or nothing
    (``ImportRejected``) when one of them covers a day another already does.
    ``on_stored`` hears after each step how many figures of how many are stored."""
    problems = overlaps(session, figures)
    if problems:
        raise ImportRejected(problems)
    return _store(session, file_name, figures, imported_at, user, synthetic, on_stored)


def _store(
    session: Session,
    file_name: str,
    figures: Sequence[AnyFigure],
    imported_at: datetime,
    user: User | None,
    synthetic: bool,
    on_stored: Callable[[int, int], None] | None,
) -> HistoryImport:
    if not figures:
        raise ImportRejected([Problem(SHEET, None, None, None, "history_file_empty")])
    layout = _layout_of_figures(figures)
    history = HistoryImport(
        kind=layout.kind,
        file_name=file_name[:200],
        synthetic=synthetic,
        imported_at=imported_at,
        imported_by_id=user.id if user is not None else None,
        figures=len(figures),
        first_day=min(figure.period.first for figure in figures),
        last_day=max(figure.period.last for figure in figures),
    )
    session.add(history)
    session.flush()
    for start in range(0, len(figures), CHUNK):
        chunk = figures[start : start + CHUNK]
        session.execute(insert(layout.table), [_row(layout, history.id, f) for f in chunk])
        if on_stored is not None:
            on_stored(start + len(chunk), len(figures))
    return history


def _row(layout: Layout, import_id: int, figure: AnyFigure) -> dict[str, Any]:
    return {
        "import_id": import_id,
        "first_day": figure.period.first,
        "last_day": figure.period.last,
        "gate_id": figure.gate_id,
        **layout.row(figure),
    }


def import_file(
    session: Session,
    *,
    file_name: str,
    content: bytes,
    imported_at: datetime,
    today: date,
    user: User | None,
    on_stored: Callable[[int, int], None] | None = None,
) -> HistoryImport:
    """Check a customs (trade) or finance office (fee) spreadsheet and keep all
    its figures, or nothing."""
    figures, problems = check_rows(session, read_rows(file_name, content), today)
    problems += overlaps(session, figures)
    if problems:
        raise ImportRejected(sorted(problems, key=lambda problem: problem.row or 0))
    return _store(session, file_name, figures, imported_at, user, False, on_stored)


def list_imports(session: Session) -> list[HistoryImport]:
    return list(session.scalars(select(HistoryImport).order_by(HistoryImport.id)))


def remove_import(session: Session, import_id: int) -> HistoryImport:
    """Remove an import and every figure it brought, as one."""
    history = session.get(HistoryImport, import_id)
    if history is None:
        raise NotFound("history_import", import_id)
    table = LAYOUTS[history.kind].table
    session.execute(delete(table).where(table.import_id == import_id))
    session.delete(history)
    session.flush()
    return history


# ---- reading imported figures for a report --------------------------------


# Where cuakhau's own figures of each kind start: its first crossing at a gate
# (the vehicle rollup), its first receipt issued there (the fee rollup).
MEASURED: dict[HistoryKind, type[VehicleDay] | type[FeeDay]] = {
    HistoryKind.trade: VehicleDay,
    HistoryKind.fees: FeeDay,
}


def measured_since(
    session: Session,
    gate_ids: Iterable[int] | None = None,
    kind: HistoryKind = HistoryKind.trade,
) -> dict[int, date]:
    """The first day cuakhau measured ``kind`` at each gate it measured at."""
    rollup = MEASURED[kind]
    if gate_ids is None:
        gate_ids = session.scalars(select(Gate.id))
    firsts = {}
    for gate_id in gate_ids:
        first = session.scalar(select(func.min(rollup.day)).where(rollup.gate_id == gate_id))
        if first is not None:
            firsts[gate_id] = first
    return firsts


def counted_history(
    period: Period, since: dict[int, date], table: History = TradeHistory
) -> list[ColumnElement[bool]]:
    """The imported figures of ``table`` a report of ``period`` counts: those
    wholly inside it, of days before cuakhau measured at their gate
    (``since``, of the same kind: measured wins)."""
    before_measured = or_(
        table.gate_id.not_in(since) if since else table.gate_id.is_not(None),
        *(
            and_(table.gate_id == gate_id, table.last_day < first)
            for gate_id, first in since.items()
        ),
    )
    return [table.first_day >= period.first, table.last_day <= period.last, before_measured]


def overlapping_history(period: Period, table: History = TradeHistory) -> list[ColumnElement[bool]]:
    return [table.first_day <= period.last, table.last_day >= period.first]
