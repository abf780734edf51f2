"""Figures from before cuakhau (docs/statistics.md, "History from before cuakhau").

The customs office's periodic spreadsheets (XLSX or CSV, one sheet) give per
row a period, a gate, a direction, a regime, an HS code, a value (USD), a
weight (kg) and vehicles. Every row is checked before anything is kept; a file
with any problem imports nothing and gets each problem with its row and column.

**What wins.** cuakhau's own figures of a gate start on the first day it
measured a crossing there. Before that day the gate's imported figures count;
an imported figure whose period reaches that day or later is set aside, so a
period cuakhau measured is never counted twice and measured always wins.
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
from cuakhau.models import Gate, HistoryImport, TradeHistory, User, VehicleDay
from cuakhau.models.enums import Direction, HandoverMode, Regime
from cuakhau.statistics.periods import Period, PeriodKind, period_of

COLUMNS = (
    "period",
    "gate",
    "direction",
    "regime",
    "hs_code",
    "value_usd",
    "weight_kg",
    "vehicles",
)
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

    @property
    def heading(self) -> str:
        return self.hs_code[:4]


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


@dataclass
class _Reader:
    """Checks rows against the zone's gates and the day of import."""

    gates: dict[str, int]
    today: date

    def parsers(self) -> dict[str, Callable[[object], Any]]:
        return {
            "period": parse_period,
            "gate": self.gate,
            "direction": _choice(_DIRECTIONS),
            "regime": _choice(_REGIMES),
            "hs_code": parse_hs_code,
            "value_usd": _cents,
            "weight_kg": _whole,
            "vehicles": _whole,
        }

    def gate(self, raw: object) -> int:
        gate_id = self.gates.get(str(raw).strip().lower())
        if gate_id is None:
            raise CellError("history_gate_unknown")
        return gate_id

    def figure(self, number: int, cells: dict[str, object]) -> tuple[Figure | None, list[Problem]]:
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
        return (
            Figure(
                row=number,
                period=values["period"],
                gate_id=values["gate"],
                direction=values["direction"],
                regime=values["regime"],
                hs_code=values["hs_code"],
                value_usd_cents=values["value_usd"],
                weight_kg=values["weight_kg"],
                vehicles=values["vehicles"],
            ),
            [],
        )


def read_rows(filename: str, content: bytes) -> list[list[object]]:
    """The rows of the file's one sheet (the first, in a workbook)."""
    if is_xlsx(filename, content):
        for _title, rows in xlsx_worksheets(filename, content):
            return [list(row) for row in rows]
        return []
    return [list(row) for row in csv_rows(filename, content)]


def check_rows(
    session: Session, rows: Sequence[Sequence[object]], today: date
) -> tuple[list[Figure], list[Problem]]:
    """Each row as a figure, or the problems of the rows and the header."""
    header = header_of(rows[0]) if rows else []
    problems = [
        Problem(SHEET, 1, column, column, "column_unknown")
        for column in header
        if column and column not in COLUMNS
    ]
    problems += [
        Problem(SHEET, 1, column, None, "column_missing")
        for column in COLUMNS
        if column not in header
    ]
    if problems:
        return [], problems
    gates = {}
    for gate_id, code in session.execute(select(Gate.id, Gate.code)):
        gates[code.lower()] = gate_id
    reader = _Reader(gates, today)
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


def overlaps(session: Session, figures: Sequence[Figure]) -> list[Problem]:
    """A figure covering a day another already covers for the same gate,
    direction, regime and goods (one HS code the other's or within it), in
    the file or in an earlier import: it would count those goods twice."""
    if not figures:
        return []
    first = min(figure.period.first for figure in figures)
    last = max(figure.period.last for figure in figures)
    earlier = session.execute(
        select(TradeHistory).where(
            TradeHistory.gate_id.in_({figure.gate_id for figure in figures}),
            TradeHistory.first_day <= last,
            TradeHistory.last_day >= first,
        )
    ).scalars()
    groups: dict[tuple[Any, ...], list[_Covered]] = defaultdict(list)
    for stored in earlier:
        key = (stored.gate_id, stored.direction, stored.regime, stored.hs_heading)
        period = Period(stored.first_day, stored.last_day)
        groups[key].append(_Covered(period, stored.hs_code, f"import {stored.import_id}", None))
    for figure in figures:
        key = (figure.gate_id, figure.direction, figure.regime, figure.heading)
        groups[key].append(_Covered(figure.period, figure.hs_code, f"row {figure.row}", figure))
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
                    problems.append(_duplicate(item, other.place))
                    break
                if other.figure is not None:  # an earlier import's figure within a row's days
                    problems.append(_duplicate(other, item.place))
            running.append(item)
    return sorted(problems, key=lambda problem: problem.row or 0)


@dataclass(frozen=True)
class _Covered:
    """A figure's days and goods, from the file (``figure``) or an earlier import."""

    period: Period
    hs_code: str
    place: str
    figure: Figure | None

    @property
    def row(self) -> int:
        """Earlier imports first, then the file's rows in order."""
        return self.figure.row if self.figure is not None else 0

    def same_goods(self, other: "_Covered") -> bool:
        return self.hs_code.startswith(other.hs_code) or other.hs_code.startswith(self.hs_code)


def _duplicate(item: _Covered, other: str) -> Problem:
    assert item.figure is not None
    period = item.figure.period
    return Problem(
        SHEET,
        item.figure.row,
        "period",
        f"{period.first}..{period.last}",
        "history_period_duplicate",
        {"other": other},
    )


def import_figures(
    session: Session,
    *,
    file_name: str,
    figures: Sequence[Figure],
    imported_at: datetime,
    user: User | None,
    synthetic: bool = False,
    on_stored: Callable[[int, int], None] | None = None,
) -> HistoryImport:
    """Keep checked figures as one import, or nothing (``ImportRejected``) when
    one of them covers a day another already does. ``on_stored`` hears after
    each step how many figures of how many are stored."""
    problems = overlaps(session, figures)
    if problems:
        raise ImportRejected(problems)
    return _store(session, file_name, figures, imported_at, user, synthetic, on_stored)


def _store(
    session: Session,
    file_name: str,
    figures: Sequence[Figure],
    imported_at: datetime,
    user: User | None,
    synthetic: bool,
    on_stored: Callable[[int, int], None] | None,
) -> HistoryImport:
    if not figures:
        raise ImportRejected([Problem(SHEET, None, None, None, "history_file_empty")])
    history = HistoryImport(
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
        session.execute(insert(TradeHistory), [_row(history.id, figure) for figure in chunk])
        if on_stored is not None:
            on_stored(start + len(chunk), len(figures))
    return history


def _row(import_id: int, figure: Figure) -> dict[str, Any]:
    return {
        "import_id": import_id,
        "first_day": figure.period.first,
        "last_day": figure.period.last,
        "gate_id": figure.gate_id,
        "direction": figure.direction,
        "regime": figure.regime,
        "hs_code": figure.hs_code,
        "hs_heading": figure.heading,
        "value_usd_cents": figure.value_usd_cents,
        "weight_kg": figure.weight_kg,
        "vehicles": figure.vehicles,
        "handover_mode": figure.handover_mode,
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
    """Check a customs spreadsheet and keep all its figures, or nothing."""
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
    session.execute(delete(TradeHistory).where(TradeHistory.import_id == import_id))
    session.delete(history)
    session.flush()
    return history


# ---- reading imported figures for a report --------------------------------


def measured_since(session: Session, gate_ids: Iterable[int] | None = None) -> dict[int, date]:
    """The first day cuakhau measured a crossing at each gate it measured at."""
    if gate_ids is None:
        gate_ids = session.scalars(select(Gate.id))
    firsts = {}
    for gate_id in gate_ids:
        first = session.scalar(
            select(func.min(VehicleDay.day)).where(VehicleDay.gate_id == gate_id)
        )
        if first is not None:
            firsts[gate_id] = first
    return firsts


def counted_history(period: Period, since: dict[int, date]) -> list[ColumnElement[bool]]:
    """The imported figures a report of ``period`` counts: those wholly inside
    it, of days before cuakhau measured at their gate (measured wins)."""
    before_measured = or_(
        TradeHistory.gate_id.not_in(since) if since else TradeHistory.gate_id.is_not(None),
        *(
            and_(TradeHistory.gate_id == gate_id, TradeHistory.last_day < first)
            for gate_id, first in since.items()
        ),
    )
    return [
        TradeHistory.first_day >= period.first,
        TradeHistory.last_day <= period.last,
        before_measured,
    ]


def overlapping_history(period: Period) -> list[ColumnElement[bool]]:
    return [TradeHistory.first_day <= period.last, TradeHistory.last_day >= period.first]
