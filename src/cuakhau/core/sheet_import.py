"""What every spreadsheet import shares: reading a CSV or XLSX file into rows of
cells, and the problems found in them, each with its sheet, row, column and
value. A file with any problem is refused whole (``ImportRejected``)."""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from cuakhau.core.errors import DomainError, problem
from cuakhau.core.messages import pick_language, translate
from cuakhau.core.spreadsheet import read_csv_cell

Rows = Iterable[Iterable[object]]


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str | None
    value: str | None
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    fallback: str | None = None

    def render(self, language: str) -> dict[str, Any]:
        message = translate(self.code, language, **self.params)
        if message == self.code and self.fallback:
            message = self.fallback
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "code": self.code,
            "message": message,
        }


class ImportRejected(DomainError):
    status_code = 422

    def __init__(self, problems: list[Problem]):
        super().__init__("import_rejected", count=len(problems))
        self.problems = problems


def refused(request: Request, rejected: ImportRejected) -> JSONResponse:
    """The 422 answer to a refused file: every problem, in the reader's language."""
    language = pick_language(request)
    return problem(
        request,
        422,
        rejected.code,
        rejected.detail(language),
        problems=[p.render(language) for p in rejected.problems],
    )


def is_xlsx(filename: str, content: bytes) -> bool:
    return content[:2] == b"PK" or filename.lower().endswith(".xlsx")


def xlsx_worksheets(filename: str, content: bytes) -> Iterator[tuple[str, Rows]]:
    """Each worksheet's title and rows of values; ``ImportRejected`` when the
    file is not a workbook."""
    from openpyxl import load_workbook  # here, not with the app: slow to load

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportRejected([Problem(filename, None, None, None, "file_unreadable")]) from None
    try:
        for worksheet in workbook.worksheets:
            yield worksheet.title, worksheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def csv_rows(filename: str, content: bytes) -> list[list[str]]:
    """The rows of a UTF-8 CSV file, separated by commas, semicolons or tabs
    (whichever the first line has most of), with the formula escape of our own
    exports undone; ``ImportRejected`` when the file is not UTF-8."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected([Problem(filename, None, None, None, "file_not_utf8")]) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [[read_csv_cell(cell) for cell in row] for row in reader]


def header_of(cells: Iterable[object]) -> list[str]:
    """A header row's column names, trimmed and in lower case."""
    return [str(cell).strip().lower() if cell is not None else "" for cell in cells]
