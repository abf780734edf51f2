"""Tables out as CSV, XLSX and PDF, and the file a download sends: what the
investment registry's reports and the board's statistics write.

A ``Table`` is a title, typed columns with labels in one language, and rows of
plain values; each renderer writes every cell by ``core/spreadsheet.py``'s rule.
openpyxl and fpdf2 are imported by the function that writes each format:
together they take seconds to load, and the server does not wait for them at
start-up.
"""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from fastapi.responses import Response

from cuakhau.core.charts import Chart, png_size, to_png
from cuakhau.core.messages import translate
from cuakhau.core.numbers import format_number, format_percent
from cuakhau.core.spreadsheet import append_xlsx_row, csv_row

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "png": "image/png",
}


@dataclass(frozen=True)
class Column:
    key: str
    # text, count, vnd, usd, date, days, percent, ratio: how a renderer formats it
    # (percent: a number of per cent, 12.5; ratio: a share, 0.125).
    kind: str = "text"


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    labels: dict[str, str]
    rows: list[dict[str, Any]]
    # The column a chart of this table plots, against the first column.
    chart: str | None = None
    # What a PDF draws above the rows: the same figures, plotted.
    charts: list[Chart] = field(default_factory=list)


@dataclass(frozen=True)
class Download:
    content: bytes
    media_type: str
    # Saved under this name; without one the browser shows it (a chart, JSON).
    filename: str | None = None

    def response(self) -> Response:
        headers = None
        if self.filename is not None:
            headers = {"Content-Disposition": f'attachment; filename="{self.filename}"'}
        return Response(self.content, media_type=self.media_type, headers=headers)


def download(content: bytes, kind: str, name: str) -> Download:
    """A file of ``kind`` (csv, xlsx, pdf, png) saved as ``name.kind``."""
    return Download(content, MEDIA_TYPES[kind], f"{name}.{kind}")


def _cell(value: Any) -> Any:
    """A value as a spreadsheet keeps it: numbers stay numbers, lists join."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, StrEnum):
        return value.value
    return value


def _header(table: Table, keys: bool) -> list[str]:
    return [c.key if keys else table.labels[c.key] for c in table.columns]


def to_csv(tables: Sequence[Table], *, keys: bool = False, lead: Sequence[str] = ()) -> bytes:
    """One table: a plain CSV. Several: each under its title, a blank line between.
    ``lead``: lines above the tables (what the report is, its period and filters)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for line in lead:
        writer.writerow(csv_row([line]))
    if lead:
        writer.writerow([])
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


def to_xlsx(tables: Sequence[Table], *, keys: bool = False, lead: Sequence[str] = ()) -> bytes:
    """A sheet per table; ``lead``'s lines above each sheet's header."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(table.key[:31])
        for line in lead:
            append_xlsx_row(sheet, [line])
        if lead:
            append_xlsx_row(sheet, [])
        append_xlsx_row(sheet, _header(table, keys))
        for row in table.rows:
            append_xlsx_row(sheet, [_cell(row.get(c.key)) for c in table.columns])
        for column, values in zip(sheet.columns, sheet.iter_cols(values_only=True), strict=True):
            # The lead's long lines run across; they do not widen the first column.
            counted = values[len(lead) + 1 :] if lead else values
            width = max(len(str(v)) for v in counted if v is not None) if any(counted) else 8
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
        if kind == "ratio":
            return format_percent(Decimal(value), language, 1)
        return format_number(value, language, 2 if kind == "usd" else 0)
    return str(value)


def to_pdf(title: str, lead: Sequence[str], tables: Sequence[Table], language: str) -> bytes:
    """An A4 landscape document: the title, ``lead``'s lines, then each table,
    its charts above its rows. A chart with nothing to draw is a line saying so."""
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
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    for line in lead:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    for table in tables:
        drawn = [_drawn(chart, language) for chart in table.charts]
        pdf.ln(3)
        # A title stays on the page of what follows it.
        if drawn and pdf.will_page_break(7 + drawn[0].height):
            pdf.add_page()
        pdf.set_font("DejaVu", "B", 11)
        pdf.multi_cell(0, 7, table.title, new_x="LMARGIN", new_y="NEXT")
        for chart in drawn:
            chart.write(pdf)
        pdf.set_font("DejaVu", "", 8)
        aligns = tuple("LEFT" if c.kind in ("text", "date") else "RIGHT" for c in table.columns)
        with pdf.table(text_align=aligns, headings_style=FontFace(emphasis="BOLD")) as out:
            out.row(_header(table, keys=False))
            for row in table.rows:
                out.row([shown(_cell(row.get(c.key)), c.kind, language) for c in table.columns])
    return bytes(pdf.output())


# A chart's width on the page, in mm, of the landscape A4's 277.
CHART_WIDTH = 200
NOTE_HEIGHT = 6


@dataclass(frozen=True)
class _Drawn:
    """A chart as a PNG, or the note that stands in for it when it has nothing to draw."""

    png: bytes | None
    note: str
    height: float

    def write(self, pdf: Any) -> None:
        if self.png is None:
            pdf.set_font("DejaVu", "", 9)
            pdf.multi_cell(0, NOTE_HEIGHT, self.note, new_x="LMARGIN", new_y="NEXT")
            return
        # fpdf2 starts a new page first when the chart would run past this one.
        pdf.image(io.BytesIO(self.png), w=CHART_WIDTH, h=self.height)
        pdf.ln(2)


def _drawn(chart: Chart, language: str) -> _Drawn:
    if chart.empty:
        note = translate("chart_no_figures", language, title=chart.title)
        return _Drawn(None, note, NOTE_HEIGHT)
    png = to_png(chart, language)
    width, height = png_size(png)
    return _Drawn(png, "", CHART_WIDTH * height / width)
