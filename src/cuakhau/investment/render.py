"""Tables out as CSV, XLSX, PDF and PNG charts: the registry export and every report."""

import csv
import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from cuakhau.core.numbers import format_number, format_percent
from cuakhau.core.spreadsheet import append_xlsx_row, csv_row
from cuakhau.investment.reports import Report, Table

# openpyxl, fpdf2 and matplotlib are imported by the function that writes each
# format: together they take seconds to load, and the server does not wait
# for them at start-up.

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "png": "image/png",
}


def _cell(value: Any) -> Any:
    """A value as a spreadsheet keeps it: numbers stay numbers, lists join."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, StrEnum):
        return value.value
    return value


def _header(table: Table, keys: bool) -> list[str]:
    return [c.key if keys else table.labels[c.key] for c in table.columns]


def to_csv(tables: Sequence[Table], *, keys: bool = False) -> bytes:
    """One table: a plain CSV. Several: each under its title, a blank line between."""
    out = io.StringIO()
    writer = csv.writer(out)
    for index, table in enumerate(tables):
        if len(tables) > 1:
            if index:
                writer.writerow([])
            writer.writerow(csv_row([table.title]))
        writer.writerow(csv_row(_header(table, keys)))
        for row in table.rows:
            writer.writerow(
                csv_row("" if (v := _cell(row.get(c.key))) is None else v for c in table.columns)
            )
    # With a BOM, Excel opens it as UTF-8 and keeps the diacritics.
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(tables: Sequence[Table], *, keys: bool = False) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(table.key[:31])
        append_xlsx_row(sheet, _header(table, keys))
        for row in table.rows:
            append_xlsx_row(sheet, [_cell(row.get(c.key)) for c in table.columns])
        for column, values in zip(sheet.columns, sheet.iter_cols(values_only=True), strict=True):
            width = max(len(str(v)) for v in values if v is not None) if any(values) else 8
            sheet.column_dimensions[column[0].column_letter].width = min(width + 2, 60)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def shown(value: Any, kind: str, language: str) -> str:
    """A value as a person reads it: 13.046.700.000.000 in Vietnamese, 13,046,… in English."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y") if language == "vi" else value.isoformat()
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        if kind == "percent":
            return format_percent(Decimal(value) / 100, language, 1)
        return format_number(value, language, 2 if kind == "usd" else 0)
    return str(value)


def to_pdf(report: Report, language: str, subtitle: str) -> bytes:
    import matplotlib
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    # matplotlib ships DejaVu Sans, which has every Vietnamese diacritic.
    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 8, report.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(0, 6, subtitle, new_x="LMARGIN", new_y="NEXT")
    for table in report.tables:
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 11)
        pdf.multi_cell(0, 7, table.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 8)
        aligns = tuple("LEFT" if c.kind in ("text", "date") else "RIGHT" for c in table.columns)
        with pdf.table(text_align=aligns, headings_style=FontFace(emphasis="BOLD")) as out:
            out.row(_header(table, keys=False))
            for row in table.rows:
                out.row([shown(_cell(row.get(c.key)), c.kind, language) for c in table.columns])
    return bytes(pdf.output())


def to_png(report: Report) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    charted = [t for t in report.tables if t.chart and t.rows]
    figure, axes = plt.subplots(
        len(charted) or 1, 1, figsize=(9, 3 + 3 * max(len(charted), 1)), squeeze=False
    )
    for axis, table in zip(axes[:, 0], charted, strict=False):
        rows = [row for row in table.rows if row.get("group") != "total"][:25]
        first = table.columns[0].key
        names = [str(row.get(first) or "") for row in rows]
        values = [float(row.get(table.chart) or 0) for row in rows]  # type: ignore[arg-type]
        axis.barh(names[::-1], values[::-1], color="#2a6f97")
        axis.set_title(table.title)
        axis.set_xlabel(table.labels[table.chart])  # type: ignore[index]
    figure.suptitle(report.title)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=100)
    plt.close(figure)
    return out.getvalue()
