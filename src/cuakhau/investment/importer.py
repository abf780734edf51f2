"""Import investors, projects and amendments from an XLSX workbook or a CSV file.

Every row is checked before anything is kept: a file with any problem is refused
whole, with each problem's sheet, row, column, value and reason. A good file is
applied in the caller's one transaction, matched by natural keys (investor and
project codes; an amendment's project, kind, date and milestone), so importing
the same file again changes nothing. The layout is in docs/investment.md.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.core.cells import (
    CellError,
    is_blank,
    parse_bool,
    parse_date,
    parse_list,
    parse_number,
)
from cuakhau.core.errors import DomainError, InvalidInput
from cuakhau.core.identifiers import normalise_identifier
from cuakhau.core.sheet_import import (
    ImportRejected,
    Problem,
    csv_rows,
    header_of,
    is_xlsx,
    xlsx_worksheets,
)
from cuakhau.investment.repository import all_projects
from cuakhau.investment.schemas import (
    AmendmentCreate,
    AmendmentRow,
    ImportCounts,
    ImportReport,
    InvestorCreate,
    ProjectCreate,
)
from cuakhau.investment.service import (
    amend,
    as_investor_entry,
    create_investor,
    reconcile_project,
    register_project,
    update_investor,
)
from cuakhau.models.investment import InvestmentProject, Investor

SHEETS: dict[str, type[BaseModel]] = {
    "investors": InvestorCreate,
    "projects": ProjectCreate,
    "amendments": AmendmentRow,
}
# Column -> whether it holds whole numbers (VND).
NUMBER_COLUMNS = {
    "capital_vnd": True,
    "disbursed_vnd": True,
    "capital_usd": False,
    "usd_rate": False,
    "land_area_ha": False,
}
DATE_COLUMNS = frozenset(
    {
        "certificate_date",
        "effective_on",
        "planned_on",
        "planned_land_handed_over",
        "planned_construction_started",
        "planned_in_operation",
    }
)
BOOL_COLUMNS = frozenset({"foreign_invested", "is_key", "is_illustrative"})
LIST_COLUMNS = frozenset({"investors"})


def columns_of(sheet: str) -> list[str]:
    return list(SHEETS[sheet].model_fields)


@dataclass
class Sheet:
    name: str
    rows: list[tuple[int, dict[str, object]]]


def read_sheets(filename: str, content: bytes) -> tuple[list[Sheet], list[Problem]]:
    try:
        if is_xlsx(filename, content):
            return _read_xlsx(filename, content)
        return _read_csv(filename, content)
    except ImportRejected as rejected:
        return [], rejected.problems


def _read_xlsx(filename: str, content: bytes) -> tuple[list[Sheet], list[Problem]]:
    sheets, problems = [], []
    for title, rows in xlsx_worksheets(filename, content):
        name = title.strip().lower()
        if name not in SHEETS:
            problems.append(Problem(title, None, None, None, "sheet_unknown"))
            continue
        sheet, header_problems = _table(name, rows)
        sheets.append(sheet)
        problems += header_problems
    return sheets, problems


def _read_csv(filename: str, content: bytes) -> tuple[list[Sheet], list[Problem]]:
    rows = csv_rows(filename, content)
    header = set(header_of(rows[0])) if rows else set()
    # A CSV file holds one sheet, known by its columns.
    name = next((n for n in ("amendments", "projects", "investors") if _marks(n) <= header), None)
    if name is None:
        return [], [Problem(filename, 1, None, None, "sheet_not_recognised")]
    sheet, problems = _table(name, rows)
    return [sheet], problems


def _marks(sheet: str) -> set[str]:
    return {"investors": {"code", "country"}, "projects": {"code", "certificate_no"}}.get(
        sheet, {"project_code", "kind"}
    )


def _table(name: str, rows: Iterable[Iterable[object]]) -> tuple[Sheet, list[Problem]]:
    iterator = iter(rows)
    header = header_of(next(iterator, []))
    known = set(columns_of(name))
    problems = [
        Problem(name, 1, column, column, "column_unknown")
        for column in header
        if column and column not in known
    ]
    required = [n for n, f in SHEETS[name].model_fields.items() if f.is_required()]
    problems += [
        Problem(name, 1, column, None, "column_missing")
        for column in required
        if column not in header
    ]
    sheet = Sheet(name, [])
    for number, values in enumerate(iterator, start=2):
        cells = dict(zip(header, values, strict=False))
        if all(is_blank(v) for v in cells.values()):
            continue
        sheet.rows.append((number, {k: v for k, v in cells.items() if k in known}))
    return sheet, problems


def _cell(column: str, raw: object) -> object:
    if column in NUMBER_COLUMNS:
        return parse_number(raw, integer=NUMBER_COLUMNS[column])
    if column in DATE_COLUMNS:
        return parse_date(raw)
    if column in BOOL_COLUMNS:
        return parse_bool(raw)
    if column in LIST_COLUMNS:
        return parse_list(raw)
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # a code typed as a number in a spreadsheet
    return str(raw)


def _shown(raw: object) -> str | None:
    return None if raw is None else str(raw)


def parse_row(sheet: str, number: int, cells: dict[str, object]) -> tuple[Any, list[Problem]]:
    values, problems = {}, []
    for column, raw in cells.items():
        if is_blank(raw):
            continue
        try:
            values[column] = _cell(column, raw)
        except CellError as error:
            problems.append(Problem(sheet, number, column, _shown(raw), error.code, error.params))
    if problems:
        return None, problems
    try:
        return SHEETS[sheet].model_validate(values), []
    except ValidationError as error:
        for detail in error.errors():
            context = detail.get("ctx") or {}
            location = detail.get("loc") or ()
            column = str(location[0]) if location else context.get("field")
            problems.append(
                Problem(
                    sheet,
                    number,
                    column,
                    _shown(cells.get(column or "")),
                    detail["type"],
                    {k: v for k, v in context.items() if k != "field"},
                    detail["msg"],
                )
            )
        return None, problems


@dataclass
class _Run:
    session: Session
    problems: list[Problem] = field(default_factory=list)
    failed: dict[str, set[str]] = field(
        default_factory=lambda: {"investors": set(), "projects": set()}
    )
    counts: dict[str, ImportCounts] = field(
        default_factory=lambda: {name: ImportCounts() for name in SHEETS}
    )
    # Every project with its file, loaded once: amendments are matched in memory.
    projects: dict[str, InvestmentProject] | None = None

    def project(self, code: str) -> InvestmentProject | None:
        if self.projects is None:
            self.projects = {p.code: p for p in all_projects(self.session)}
        return self.projects.get(code)

    def attempt(
        self, sheet: str, number: int, cells: dict[str, object], action: Callable[[], str]
    ) -> None:
        try:
            outcome = action()
        except DomainError as error:
            column = error.params.get("field")
            value = _shown(cells.get(column)) if column else None
            self.problems.append(Problem(sheet, number, column, value, error.code, error.params))
            return
        counts = self.counts[sheet]
        setattr(counts, outcome, getattr(counts, outcome) + 1)


def import_file(session: Session, filename: str, content: bytes) -> ImportReport:
    """Check the whole file, then keep all of it or nothing (``ImportRejected``)."""
    sheets, problems = read_sheets(filename, content)
    return import_sheets(session, sheets, problems)


def import_sheets(
    session: Session, sheets: list[Sheet], problems: list[Problem] | None = None
) -> ImportReport:
    run = _Run(session, problems or [])
    by_name = {sheet.name: sheet for sheet in sheets}
    savepoint = session.begin_nested()
    for name in SHEETS:  # investors, then the projects naming them, then amendments
        _import_sheet(run, by_name.get(name))
    if run.problems:
        savepoint.rollback()
        raise ImportRejected(run.problems)
    savepoint.commit()
    return ImportReport(**run.counts)


def _import_sheet(run: _Run, sheet: Sheet | None) -> None:
    if sheet is None:
        return
    first_row: dict[str, int] = {}
    for number, cells in sheet.rows:
        entry, problems = parse_row(sheet.name, number, cells)
        key = normalise_identifier(str(cells.get("code") or ""))
        if sheet.name != "amendments" and key:
            if key in first_row:
                problems.append(
                    Problem(
                        sheet.name,
                        number,
                        "code",
                        key,
                        "duplicate_in_file",
                        {"row": first_row[key]},
                    )
                )
            first_row.setdefault(key, number)
        if problems or entry is None:
            run.problems += problems
            if sheet.name in run.failed:
                run.failed[sheet.name].add(key)
            continue
        if _depends_on_failed(run, entry):
            continue
        run.attempt(sheet.name, number, cells, lambda e=entry: _apply(run, e))


def _depends_on_failed(run: _Run, entry: Any) -> bool:
    """Rows naming a row that already failed are not checked again: one mistake,
    one problem."""
    investors = set(getattr(entry, "investors", None) or ())
    project = getattr(entry, "project_code", None)
    return bool(investors & run.failed["investors"]) or project in run.failed["projects"]


def _apply(run: _Run, entry: Any) -> str:
    session = run.session
    if isinstance(entry, InvestorCreate):
        investor = session.scalar(select(Investor).where(Investor.code == entry.code))
        if investor is None:
            create_investor(session, entry)
            return "created"
        if as_investor_entry(investor) == entry:
            return "unchanged"
        update_investor(session, investor, entry)
        return "updated"
    if isinstance(entry, ProjectCreate):
        project = run.project(entry.code)
        if project is None:
            assert run.projects is not None
            run.projects[entry.code] = register_project(session, entry)
            return "created"
        return "updated" if reconcile_project(session, project, entry) else "unchanged"
    project = run.project(entry.project_code)
    if project is None:
        raise InvalidInput("project_unknown", field="project_code", code=entry.project_code)
    data = AmendmentCreate(**entry.model_dump(exclude={"project_code"}))
    _amendment, created = amend(session, project, data)
    return "created" if created else "unchanged"
