"""Cells of every CSV and XLSX file cuakhau writes.

Names and descriptions come from users. A spreadsheet runs text that starts with
``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one) as a formula,
so a project named ``=HYPERLINK(...)`` would become a live link in the board's
copy of the registry (OWASP, "CSV Injection"). In CSV such text gets a leading
apostrophe, which spreadsheets show as text; in XLSX it is stored as text with
the quote-prefix style, so the cell shows the name exactly and stays text when
edited. Numbers, and text that is only a number (``-12.5``), are left alone.

XLSX is XML, which cannot hold most control characters: they are dropped, so
one investor named ``Bell\\x07Co`` cannot make every export fail.
"""

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?([0-9][0-9.,]*|[.,][0-9]+)([eE][+-]?[0-9]+)?")
# Characters XML 1.0 refuses (openpyxl checks only the control characters).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would read this text as a formula."""
    return text.startswith(FORMULA_LEADS) and not _NUMBER.fullmatch(text)


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A row for ``csv.writer``: formula-like text behind an apostrophe."""
    return ["'" + v if isinstance(v, str) and is_formula_like(v) else v for v in values]


def read_csv_cell(text: str) -> str:
    """The text a cell held before ``csv_row`` wrote it, for importing an export back."""
    if text.startswith("'") and is_formula_like(text[1:]):
        return text[1:]
    return text


def xlsx_text(text: str) -> str:
    """Text without the characters an XLSX file cannot hold."""
    return _NOT_XML.sub("", text)


def append_xlsx_row(sheet: "Worksheet", values: Iterable[Any]) -> None:
    """Append a row to an openpyxl worksheet: numbers stay numbers, text stays text."""
    sheet.append([xlsx_text(v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and is_formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True
