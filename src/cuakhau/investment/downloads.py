"""The registry and the board's reports as files: what the API's export and report
routes send, and what the pages' download links fetch."""

import json
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from cuakhau.core.messages import translate
from cuakhau.core.tables import (
    MEDIA_TYPES,
    Download,
    download,
    shown,
    to_csv,
    to_pdf,
    to_xlsx,
)
from cuakhau.investment import render
from cuakhau.investment.exporter import registry_tables
from cuakhau.investment.reports import ReportName, build_report


class TableFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"


class Sheet(StrEnum):
    investors = "investors"
    projects = "projects"
    amendments = "amendments"


class ReportFormat(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    pdf = "pdf"
    png = "png"


def registry_download(*, session: Session, format: TableFormat, sheet: Sheet) -> Download:
    """The registry in the import layout: XLSX has all three sheets; CSV the one asked for."""
    tables = registry_tables(session)
    if format is TableFormat.csv:
        chosen = [t for t in tables if t.key == sheet.value]
        return download(to_csv(chosen, keys=True), "csv", f"investment-{sheet.value}")
    return download(to_xlsx(tables, keys=True), "xlsx", "investment-registry")


def report_download(
    *,
    session: Session,
    report: ReportName,
    as_of: date,
    since: date | None,
    language: str,
    format: ReportFormat,
) -> Download:
    """A report as of a date as JSON, CSV, XLSX, PDF or a PNG chart."""
    built = build_report(session, report, as_of, since, language)
    name = f"{built.name}-{built.as_of.isoformat()}"
    if format is ReportFormat.csv:
        return download(to_csv(built.tables), "csv", name)
    if format is ReportFormat.xlsx:
        return download(to_xlsx(built.tables), "xlsx", name)
    if format is ReportFormat.pdf:
        subtitle = translate(
            "inv_report_as_of", language, date=shown(built.as_of, "date", language)
        )
        return download(to_pdf(built.title, [subtitle], built.tables, language), "pdf", name)
    if format is ReportFormat.png:
        return Download(render.to_png(built), MEDIA_TYPES["png"])
    body = {
        "report": built.name,
        "title": built.title,
        "as_of": built.as_of.isoformat(),
        "since": built.since.isoformat() if built.since else None,
        "tables": [
            {
                "key": t.key,
                "title": t.title,
                "columns": [
                    {"key": c.key, "label": t.labels[c.key], "kind": c.kind} for c in t.columns
                ],
                "rows": [{k: _json(v) for k, v in row.items()} for row in t.rows],
            }
            for t in built.tables
        ],
    }
    content = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Download(content.encode(), "application/json")


def _json(value: Any) -> Any:
    # USD stays exact: a Decimal goes out as a string, as pydantic writes it elsewhere.
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
