"""Every statistics report as a file (CSV, XLSX, PDF) in Vietnamese or English,
its period, comparisons and filters above the figures; and the weekly report
the board sends as it is (docs/statistics.md, "Downloads").

The tables are built here from the same reports the API answers with, and
written by ``core/tables.py``."""

from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, get_args

from sqlalchemy.orm import Session

from cuakhau.core.charts import Chart
from cuakhau.core.messages import translate
from cuakhau.core.tables import Column, Download, Table, download, shown, to_csv, to_pdf, to_xlsx
from cuakhau.models import User
from cuakhau.statistics import charts
from cuakhau.statistics.names import label, namer
from cuakhau.statistics.periods import Comparison, Period, PeriodKind, period_of
from cuakhau.statistics.reinvestment import reinvestment
from cuakhau.statistics.schemas import (
    FeeGroup,
    FeeQuery,
    PeriodRead,
    Reinvestment,
    ReinvestmentQuery,
    Report,
    ReportQuery,
    Source,
    TradeGroup,
    TradeQuery,
)
from cuakhau.statistics.service import fee_report, scope, trade_report

# Their order in a sentence: what cuakhau measured first.
SOURCES = get_args(Source)


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    pdf = "pdf"


MEASURE_KINDS = {
    "value_usd": "usd",
    "weight_kg": "count",
    "packages": "count",
    "lines": "count",
    "vehicles": "count",
    "shipments": "count",
    "amount_vnd": "vnd",
    "fees": "count",
}
# The measures a comparison's columns show: the ones the press prints.
HEADLINE = ("value_usd", "vehicles", "amount_vnd")
# A report's filters, in the order the header names them.
FILTERS = (
    "gate_id",
    "direction",
    "regime",
    "hs",
    "enterprise_id",
    "origin_country",
    "destination_country",
    "perishable",
    "vehicle_kind",
    "handover_mode",
    "vehicle_class",
    "kind",
)
WEEKLY_CHAPTERS = 10
# What a report's PDF draws by day, as the board's page does; a breakdown's bars
# draw the first.
DAILY = {"trade": ("value_usd", "vehicles"), "fees": ("amount_vnd",)}


def _day(value: date, language: str) -> str:
    return shown(value, "date", language)


def period_lines(
    period: PeriodRead, comparisons: dict[Comparison, PeriodRead], language: str
) -> list[str]:
    """The period and each comparison's, as the header of a report says them."""
    lines = [
        translate(
            "stats_lead_period",
            language,
            first=_day(period.first, language),
            last=_day(period.last, language),
            days=period.days,
        )
    ]
    for comparison, other in comparisons.items():
        lines.append(
            translate(
                "stats_lead_compared",
                language,
                comparison=translate(f"stats_comparison_{comparison.value}", language),
                first=_day(other.first, language),
                last=_day(other.last, language),
            )
        )
    return lines


def filter_line(
    session: Session, user: User, query: ReportQuery, language: str, *, enterprise_rows: bool
) -> str:
    """What the figures were limited to: the filters asked for and what the
    reader may see (its gate, its enterprise), with names, not ids."""
    allowed = scope(user, query, enterprise_rows=enterprise_rows)
    asked = {name: getattr(query, name, None) for name in FILTERS}
    asked["gate_id"] = allowed.gate_id or asked["gate_id"]
    asked["enterprise_id"] = allowed.enterprise_id or asked["enterprise_id"]
    groups = {"gate_id": "gate", "enterprise_id": "enterprise", "hs": "hs_chapter"}
    given = {groups.get(name, name): value for name, value in asked.items() if value is not None}
    if isinstance(given.get("hs_chapter"), str) and len(given["hs_chapter"]) == 4:
        given["hs_heading"] = given.pop("hs_chapter")
    if not given:
        return translate("stats_lead_whole_zone", language)
    plain = {group: _plain(value) for group, value in given.items()}
    name = namer(session, [plain], language)
    parts = [
        f"{translate(f'stats_col_{group}', language)} = {name(group, value) or value}"
        for group, value in plain.items()
    ]
    return translate("stats_lead_filters", language, filters="; ".join(parts))


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, StrEnum) else value


def report_table(key: str, title: str, report: Report, language: str) -> Table:
    """A report's rows (the total last) as a table: the groups by name, the
    measures, then each comparison's headline figures and relative change."""
    names = list(report.total.measures)
    columns = [Column(group) for group in report.group_by] or [Column("scope")]
    labels = {c.key: translate(f"stats_col_{c.key}", language) for c in columns}
    columns += [Column(name, MEASURE_KINDS[name]) for name in names]
    labels |= {name: translate(f"stats_col_{name}", language) for name in names}
    for comparison in report.comparisons:
        said = translate(f"stats_comparison_{comparison.value}", language)
        for name in (name for name in HEADLINE if name in names):
            columns += [
                Column(f"{name}.{comparison.value}", MEASURE_KINDS[name]),
                Column(f"{name}.{comparison.value}.relative", "ratio"),
            ]
            labels[f"{name}.{comparison.value}"] = translate(
                "stats_col_then", language, measure=labels[name], comparison=said
            )
            labels[f"{name}.{comparison.value}.relative"] = translate(
                "stats_col_relative", language, measure=labels[name], comparison=said
            )

    def cells(group: dict[str, str], row: Any) -> dict[str, Any]:
        out: dict[str, Any] = {**group, **row.measures}
        for compared in row.compared:
            for name in HEADLINE:
                if name in names:
                    change = compared.change.get(name)
                    out[f"{name}.{compared.comparison.value}"] = compared.measures.get(name)
                    out[f"{name}.{compared.comparison.value}.relative"] = (
                        change.relative if change else None
                    )
        return out

    rows = [
        cells({group: label(row, group) for group in report.group_by}, row)
        for row in report.rows
        if report.group_by
    ]
    total = translate("stats_table_total", language)
    rows.append(cells({columns[0].key: total}, report.total))
    return Table(key, title, columns, labels, rows)


def reinvestment_table(answer: Reinvestment, language: str) -> Table:
    columns = [
        Column("period"),
        Column("fee_revenue_vnd", "vnd"),
        Column("disbursed_vnd", "vnd"),
        Column("reinvested_share", "ratio"),
    ]
    labels = {c.key: translate(f"stats_col_{c.key}", language) for c in columns}

    def cells(label: str, row: Any) -> dict[str, Any]:
        return {
            "period": label,
            "fee_revenue_vnd": row.fee_revenue_vnd,
            "disbursed_vnd": row.disbursed_vnd,
            "reinvested_share": row.reinvested_share,
        }

    rows = [
        cells(f"{_day(r.period.first, language)} – {_day(r.period.last, language)}", r)
        for r in answer.rows
    ]
    rows.append(cells(translate("stats_table_total", language), answer.total))
    title = translate("stats_report_reinvestment", language)
    return Table("reinvestment", title, columns, labels, rows)


def _written(
    format: ExportFormat, name: str, title: str, lead: list[str], tables: list[Table], language: str
) -> Download:
    lines = [title, *lead]
    if format is ExportFormat.csv:
        return download(to_csv(tables, lead=lines), "csv", name)
    if format is ExportFormat.xlsx:
        return download(to_xlsx(tables, lead=lines), "xlsx", name)
    return download(to_pdf(title, lead, tables, language), "pdf", name)


def source_line(sources: Iterable[str], language: str) -> str:
    """Where the figures come from, in words: measured by cuakhau, imported from
    the customs office's reports, synthetic (the demo's illustration)."""
    known = set(sources) or {"measured"}
    parts = [translate(f"stats_source_{name}", language) for name in SOURCES if name in known]
    return translate("stats_lead_source", language, parts="; ".join(parts))


def report_sources(report: Report) -> set[str]:
    """The sources of a report's figures and of those it is compared with."""
    return {*report.sources, *(s for c in report.total.compared for s in c.sources)}


def _by(groups: Iterable[str], language: str) -> str:
    """A breakdown's title: "By gate", "By HS chapter, direction"."""
    said = ", ".join(translate(f"stats_col_{group}", language).lower() for group in groups)
    return translate("stats_table_by", language, group=said)


def _days(
    query: TradeQuery | FeeQuery, *, session: Session, user: User, today: date, language: str
) -> charts.DayReport:
    """The report ``query`` asks for, by day over any dates, nothing compared:
    what a chart of the report over time draws."""

    def days(first: date, last: date) -> Report:
        changes = {"period": PeriodKind.range, "at": first, "until": last, "compare": []}
        changes |= {"group_by": ["day"], "limit": None}
        asked = type(query).model_validate(query.model_dump() | changes)
        write = trade_report if isinstance(asked, TradeQuery) else fee_report
        return write(session=session, user=user, query=asked, today=today, language=language)

    return days


def report_charts(key: str, report: Report, days: charts.DayReport, language: str) -> list[Chart]:
    """The trade (``key`` "trade") or fee report's charts: its measures over time
    beside the periods compared, and its breakdown's bars when it has one."""
    drawn = charts.over_time(report, DAILY[key], days, language)
    if report.group_by and "day" not in report.group_by:
        title = _by(report.group_by, language)
        drawn.append(charts.breakdown(title, report, DAILY[key][0], language))
    return drawn


def report_download(
    *,
    session: Session,
    user: User,
    query: TradeQuery | FeeQuery,
    today: date,
    language: str,
    format: ExportFormat,
) -> Download:
    """The trade or the fee report as a file."""
    if isinstance(query, TradeQuery):
        key = "trade"
        report = trade_report(
            session=session, user=user, query=query, today=today, language=language
        )
    else:
        key = "fees"
        report = fee_report(session=session, user=user, query=query, today=today, language=language)
    title = translate(f"stats_report_{key}", language)
    enterprise_rows = key == "trade"
    lead = [
        *period_lines(report.period, report.comparisons, language),
        filter_line(session, user, query, language, enterprise_rows=enterprise_rows),
        source_line(report_sources(report), language),
    ]
    table = report_table(key, title, report, language)
    if format is ExportFormat.pdf:
        days = _days(query, session=session, user=user, today=today, language=language)
        table.charts = report_charts(key, report, days, language)
    name = f"{key}-{report.period.first}-{report.period.last}"
    return _written(format, name, title, lead, [table], language)


def reinvestment_download(
    *,
    session: Session,
    user: User,
    query: ReinvestmentQuery,
    today: date,
    language: str,
    format: ExportFormat,
) -> Download:
    answer = reinvestment(session=session, user=user, query=query, today=today)
    title = translate("stats_report_reinvestment", language)
    lead = [
        *period_lines(answer.period, {}, language),
        translate(
            "stats_lead_steps", language, step=translate(f"stats_step_{answer.step}", language)
        ),
        translate("stats_lead_projects", language, count=answer.projects),
        source_line(answer.total.sources, language),
    ]
    name = f"reinvestment-{answer.period.first}-{answer.period.last}"
    table = reinvestment_table(answer, language)
    table.charts = [charts.reinvestment_chart(answer, language)]
    return _written(format, name, title, lead, [table], language)


def last_full_week(today: date) -> Period:
    """The ISO week (Monday to Sunday) before the one ``today`` falls in."""
    return period_of(PeriodKind.week, today - timedelta(days=7))


def weekly_report(
    *,
    session: Session,
    user: User,
    at: date | None,
    today: date,
    language: str,
    format: ExportFormat,
) -> Download:
    """The week's figures (the week ``at`` falls in, else last week) against the
    week before and the same week a year before: the zone's totals; by gate,
    direction and regime; the largest HS chapters; fee revenue by gate."""
    week = period_of(PeriodKind.week, at) if at is not None else last_full_week(today)
    compare = [Comparison.previous, Comparison.year_before]
    common = {"session": session, "user": user, "today": today, "language": language}
    week_query = TradeQuery(period=PeriodKind.week, at=week.first, compare=compare)

    def trade(*groups: TradeGroup, limit: int | None = None) -> Report:
        query = week_query.model_copy(update={"group_by": list(groups), "limit": limit})
        return trade_report(**common, query=query)

    def broken_down(key: str, title: str, report: Report, measure: str = "value_usd") -> Table:
        table = report_table(key, title, report, language)
        table.charts = [charts.breakdown(title, report, measure, language)]
        return table

    totals = trade()
    trade_title = translate("stats_report_trade", language)
    totals_table = report_table("totals", trade_title, totals, language)
    if format is ExportFormat.pdf:
        days = _days(week_query, **common)
        totals_table.charts = report_charts("trade", totals, days, language)
    tables = [
        totals_table,
        *[
            broken_down(group.value, _by([group.value], language), trade(group))
            for group in (TradeGroup.gate, TradeGroup.direction, TradeGroup.regime)
        ],
        broken_down(
            "chapters",
            translate("stats_table_top_chapters", language, count=WEEKLY_CHAPTERS),
            trade(TradeGroup.hs_chapter, limit=WEEKLY_CHAPTERS),
        ),
    ]
    fees = fee_report(
        **common,
        query=FeeQuery(
            period=PeriodKind.week, at=week.first, compare=compare, group_by=[FeeGroup.gate]
        ),
    )
    tables.append(
        broken_down("fees", translate("stats_table_fees_by_gate", language), fees, "amount_vnd")
    )
    title = translate(
        "stats_report_weekly",
        language,
        first=_day(week.first, language),
        last=_day(week.last, language),
    )
    lead = [
        *period_lines(totals.period, totals.comparisons, language),
        source_line(report_sources(totals), language),
    ]
    return _written(format, f"weekly-{week.first}", title, lead, tables, language)
