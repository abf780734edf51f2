"""The statistics' pages: the board's (turnover and vehicles over time beside
the comparison period, a breakdown to click through, the largest HS chapters,
direction and regime, fee revenue beside reinvestment, downloads and the weekly
report), an enterprise's own figures by month, and the public's figures.

Every figure comes from the services behind ``/api/v1/statistics``; the charts
are plotly figures drawn by ``static/board.js`` beside the tables that hold the
same numbers, so the pages read without JavaScript and on paper."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from cuakhau.core.clock import local_date
from cuakhau.core.deps import DbSession, Now
from cuakhau.core.schemas import Id
from cuakhau.fees.schemas import PeriodQuery as FeePeriod
from cuakhau.fees.service import totals as fee_totals
from cuakhau.models.enums import Direction, Regime
from cuakhau.statistics import exports
from cuakhau.statistics.exports import ExportFormat
from cuakhau.statistics.names import label
from cuakhau.statistics.periods import Comparison, Period, PeriodKind, compared, steps
from cuakhau.statistics.public import public_statistics
from cuakhau.statistics.reinvestment import reinvestment
from cuakhau.statistics.schemas import (
    FeeQuery,
    HsPrefix,
    PeriodQuery,
    PublicCell,
    PublicTable,
    ReinvestmentQuery,
    Report,
    Step,
    TradeGroup,
    TradeQuery,
)
from cuakhau.statistics.service import fee_report, trade_report
from cuakhau.web import i18n
from cuakhau.web.board import BoardUser, all_gates, figure
from cuakhau.web.enterprise import EnterpriseUser
from cuakhau.web.pages import MaybeUser, PageRoute, render

router = APIRouter(route_class=PageRoute)

Translate = Callable[..., str]

# Where a row of each breakdown leads: the figures of that row, broken down further.
DRILL: dict[TradeGroup, TradeGroup] = {
    TradeGroup.gate: TradeGroup.hs_chapter,
    TradeGroup.hs_chapter: TradeGroup.hs_heading,
    TradeGroup.hs_heading: TradeGroup.gate,
    TradeGroup.direction: TradeGroup.regime,
    TradeGroup.regime: TradeGroup.gate,
}
# The filter a row of a breakdown sets when clicked.
FILTER_OF = {
    TradeGroup.gate: "gate_id",
    TradeGroup.hs_chapter: "hs",
    TradeGroup.hs_heading: "hs",
    TradeGroup.direction: "direction",
    TradeGroup.regime: "regime",
}
TOP_CHAPTERS = 10
NOW_COLOUR, THEN_COLOUR = "#2f7ed8", "#9aa5b1"


class BoardView(PeriodQuery):
    """What the board's page shows: a period, the comparison drawn beside it,
    filters, and the grouping of the breakdown."""

    compare: Comparison = Comparison.year_before
    gate_id: Id | None = None
    direction: Direction | None = None
    regime: Regime | None = None
    hs: HsPrefix | None = None
    by: Literal["gate", "hs_chapter", "hs_heading", "direction", "regime"] = "gate"

    def trade(self, *groups: TradeGroup, **changes: Any) -> TradeQuery:
        fields = {
            "period": self.period,
            "at": self.at,
            "until": self.until,
            "compare": [self.compare],
            "gate_id": self.gate_id,
            "direction": self.direction,
            "regime": self.regime,
            "hs": self.hs,
            "group_by": list(groups),
        }
        return TradeQuery.model_validate(fields | changes)

    def fees(self) -> FeeQuery:
        """The fee revenue of the view's period and gate (fees have no other filters)."""
        return FeeQuery(
            period=self.period,
            at=self.at,
            until=self.until,
            compare=[self.compare],
            gate_id=self.gate_id,
        )

    def link(self, **changes: Any) -> str:
        """This view's address with ``changes`` (None drops a parameter)."""
        values = self.model_dump(mode="json", exclude_none=True) | changes
        return "?" + urlencode({k: v for k, v in values.items() if v is not None})


def _translator(language: str) -> Translate:
    return lambda key, **params: i18n.translate(key, language, **params)


def _span(period: Period) -> str:
    return f"{i18n.format_date(period.first)} – {i18n.format_date(period.last)}"


def _daily(report: Report, period: Period, measure: str) -> list[float]:
    """The measure on each day of ``period`` (nothing counted: 0)."""
    by_day = {row.group["day"]: row.measures[measure] or 0 for row in report.rows}
    return [
        float(by_day.get((period.first + timedelta(days=i)).isoformat(), 0))
        for i in range(period.days)
    ]


def over_time_figure(
    now: list[float], then: list[float], period: Period, names: tuple[str, str], title: str
) -> dict[str, Any]:
    """The period's days as bars, the comparison's days (the first beside the
    first) as a line over them."""
    days = [(period.first + timedelta(days=i)).isoformat() for i in range(period.days)]
    return figure(
        [
            {"type": "bar", "name": names[0], "x": days, "y": now, "marker": {"color": NOW_COLOUR}},
            {
                "type": "scatter",
                "mode": "lines",
                "name": names[1],
                "x": days[: len(then)],
                "y": then[: len(days)],
                "line": {"color": THEN_COLOUR, "width": 2},
            },
        ],
        barmode="group",
        xaxis={"type": "date", "tickformat": "%d/%m"},
        yaxis={"title": {"text": title}, "rangemode": "tozero"},
    )


def _short(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def breakdown_figure(report: Report, group: str, names: tuple[str, str]) -> dict[str, Any]:
    rows = report.rows[:15]
    labels = [_short(label(row, group)) for row in rows]
    return figure(
        [
            {
                "type": "bar",
                "orientation": "h",
                "name": names[0],
                "y": labels,
                "x": [float(row.measures["value_usd"] or 0) for row in rows],
                "marker": {"color": NOW_COLOUR},
            },
            {
                "type": "bar",
                "orientation": "h",
                "name": names[1],
                "y": labels,
                "x": [float(row.compared[0].measures["value_usd"] or 0) for row in rows],
                "marker": {"color": THEN_COLOUR},
            },
        ],
        barmode="group",
        height=max(200, 80 + 44 * len(rows)),
        yaxis={"type": "category", "autorange": "reversed", "automargin": True},
        # The values are USD (the table beside says so); an axis title here
        # would sit under the legend.
        xaxis={"rangemode": "tozero"},
        margin={"l": 12, "r": 12, "t": 12, "b": 48},
    )


def split_figure(report: Report, t: Translate) -> dict[str, Any]:
    """Value by regime, stacked by direction."""
    regimes = list(dict.fromkeys(row.group["regime"] for row in report.rows))
    data = []
    for direction in Direction:
        cells = {
            row.group["regime"]: float(row.measures["value_usd"] or 0)
            for row in report.rows
            if row.group["direction"] == direction.value
        }
        if cells:
            data.append(
                {
                    "type": "bar",
                    "name": t(f"direction_{direction.value}"),
                    "x": [t(f"regime_{regime}") for regime in regimes],
                    "y": [cells.get(regime, 0) for regime in regimes],
                }
            )
    return figure(data, xaxis={"type": "category"}, yaxis={"title": {"text": "USD"}})


def reinvestment_figure(rows: list[Any], t: Translate) -> dict[str, Any]:
    months = [row.period.first.strftime("%m/%Y") for row in rows]
    return figure(
        [
            {
                "type": "bar",
                "name": t("stats_col_fee_revenue_vnd"),
                "x": months,
                "y": [row.fee_revenue_vnd for row in rows],
                "marker": {"color": NOW_COLOUR},
            },
            {
                "type": "bar",
                "name": t("stats_col_disbursed_vnd"),
                "x": months,
                "y": [row.disbursed_vnd for row in rows],
                "marker": {"color": "#3a9d5d"},
            },
        ],
        barmode="group",
        xaxis={"type": "category"},
        yaxis={"title": {"text": "VND"}, "rangemode": "tozero"},
    )


@router.get("/board/statistics", response_class=HTMLResponse)
def board_statistics(
    request: Request,
    session: DbSession,
    user: BoardUser,
    now: Now,
    view: Annotated[BoardView, Query()],
) -> HTMLResponse:
    language = i18n.page_language(request)
    t = _translator(language)
    today = local_date(now)

    def trade(*groups: TradeGroup, **changes: Any) -> Report:
        query = view.trade(*groups, **changes)
        return trade_report(session=session, user=user, query=query, today=today, language=language)

    totals = trade()
    period = Period(totals.period.first, totals.period.last)
    other = compared(period, view.compare)
    said = t(f"stats_comparison_{view.compare.value}")
    names = (_span(period), f"{said} ({_span(other)})")
    then = {"period": PeriodKind.range, "at": other.first, "until": other.last, "compare": []}
    days_now, days_then = trade(TradeGroup.day), trade(TradeGroup.day, **then)
    fees = fee_report(session=session, user=user, query=view.fees(), today=today, language=language)
    by = TradeGroup(view.by)
    breakdown = trade(by)
    chapters = trade(TradeGroup.hs_chapter, limit=TOP_CHAPTERS)
    split = trade(TradeGroup.direction, TradeGroup.regime, compare=[])
    year = reinvestment(
        session=session,
        user=user,
        query=ReinvestmentQuery(period=PeriodKind.year, at=period.last, step=Step.month),
        today=today,
    )
    filters = exports.filter_line(session, user, view.trade(), language, enterprise_rows=True)
    download = view.model_dump(mode="json", exclude_none=True, exclude={"by", "compare", "lang"})
    download |= {"compare": view.compare.value, "group_by": view.by, "lang": language}
    return render(
        request,
        "statistics_board.html",
        view=view,
        gates=all_gates(session),
        periods=list(PeriodKind),
        comparisons=list(Comparison),
        groupings=list(DRILL),
        totals=totals,
        fees=fees,
        names=names,
        filters=filters,
        # The page's trade, fee and reinvestment figures, each with its sources.
        source=exports.source_line(
            exports.report_sources(totals) | exports.report_sources(fees) | set(year.total.sources),
            language,
        ),
        said=said,
        breakdown=breakdown,
        by=by,
        drill=DRILL.get(by),
        filter_of=FILTER_OF,
        label=label,
        chapters=chapters,
        split=split,
        year=year,
        value_figure=over_time_figure(
            _daily(days_now, period, "value_usd"),
            _daily(days_then, other, "value_usd"),
            period,
            names,
            "USD",
        ),
        vehicles_figure=over_time_figure(
            _daily(days_now, period, "vehicles"),
            _daily(days_then, other, "vehicles"),
            period,
            names,
            t("board_trucks"),
        ),
        breakdown_figure=breakdown_figure(breakdown, by.value, names),
        chapters_figure=breakdown_figure(chapters, "hs_chapter", names),
        split_figure=split_figure(split, t),
        reinvestment_figure=reinvestment_figure(year.rows, t),
        download_query=urlencode(download),
        week_query=urlencode({"report": "weekly", "format": "pdf", "lang": language}),
    )


class DownloadView(BoardView):
    report: Literal["trade", "fees", "reinvestment", "weekly"] = "trade"
    format: ExportFormat = ExportFormat.csv
    group_by: Literal["gate", "hs_chapter", "hs_heading", "direction", "regime"] | None = None


@router.get("/board/statistics/download")
def board_download(
    request: Request,
    session: DbSession,
    user: BoardUser,
    now: Now,
    view: Annotated[DownloadView, Query()],
) -> Response:
    """The board page's figures as a file: the breakdown, the fees, the revenue
    beside reinvestment, or the weekly report."""
    language = i18n.page_language(request)
    today = local_date(now)
    common = {"session": session, "user": user, "today": today, "language": language}
    if view.report == "weekly":
        return exports.weekly_report(**common, at=view.at, format=view.format).response()
    if view.report == "reinvestment":
        query = ReinvestmentQuery(period=PeriodKind.year, at=view.at, step=Step.month)
        return exports.reinvestment_download(**common, query=query, format=view.format).response()
    groups = [TradeGroup(view.group_by)] if view.group_by else []
    query = view.fees() if view.report == "fees" else view.trade(*groups)
    return exports.report_download(**common, query=query, format=view.format).response()


class MonthRow:
    """One month of an enterprise's own figures."""

    def __init__(self, month: Period, report: Report, fees_vnd: int):
        self.month = month
        self.measures = report.total.measures
        self.fees_vnd = fees_vnd


@router.get("/figures/mine", response_class=HTMLResponse)
def enterprise_figures(
    request: Request,
    session: DbSession,
    user: EnterpriseUser,
    now: Now,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> HTMLResponse:
    """The enterprise's own value, weight, vehicles and fees by month of a year,
    and the zone's totals for the year beside them."""
    language = i18n.page_language(request)
    today = local_date(now)
    chosen = year or today.year
    whole = Period(date(chosen, 1, 1), date(chosen, 12, 31))
    months = []
    for month in steps(whole, PeriodKind.month):
        query = TradeQuery(period=PeriodKind.month, at=month.first)
        own = trade_report(session=session, user=user, query=query, today=today, language=language)
        period = FeePeriod.model_validate({"from": month.first, "to": month.last})
        fees = fee_totals(session, period, user.enterprise_id)
        months.append(MonthRow(month, own, fees.total_vnd))
    zone = trade_report(
        session=session,
        user=user,
        query=TradeQuery(period=PeriodKind.year, at=whole.first, zone_totals=True),
        today=today,
        language=language,
    )
    t = _translator(language)
    labels = [row.month.first.strftime("%m/%Y") for row in months]
    chart = figure(
        [
            {
                "type": "bar",
                "name": t("stats_col_value_usd"),
                "x": labels,
                "y": [float(row.measures["value_usd"] or 0) for row in months],
                "marker": {"color": NOW_COLOUR},
            }
        ],
        xaxis={"type": "category"},
        yaxis={"title": {"text": "USD"}, "rangemode": "tozero"},
    )
    return render(
        request,
        "statistics_enterprise.html",
        year=chosen,
        months=months,
        zone=zone,
        source=exports.source_line(exports.report_sources(zone), language),
        own_total=trade_report(
            session=session,
            user=user,
            query=TradeQuery(period=PeriodKind.year, at=whole.first),
            today=today,
            language=language,
        ),
        fees_total=sum(row.fees_vnd for row in months),
        chart=chart,
    )


@router.get("/figures", response_class=HTMLResponse)
def figures_page(request: Request, session: DbSession, _user: MaybeUser, now: Now) -> HTMLResponse:
    """The last month that is over, per gate and direction, beside the same month
    a year before: the public feed's table, under its disclosure control."""
    figures = public_statistics(session, at=None, today=local_date(now))
    language = i18n.page_language(request)
    gates = [(g.id, g.name_vi if language == "vi" else g.name_en) for g in figures.gates]
    return render(
        request,
        "statistics_public.html",
        figures=figures,
        gates=gates,
        source=exports.source_line(
            {
                s
                for table in (figures.month, figures.year_before)
                for c in table.cells
                for s in c.sources
            },
            language,
        ),
        month=_cells(figures.month),
        year_before=_cells(figures.year_before),
        directions=list(Direction),
    )


def _cells(table: PublicTable) -> dict[tuple[int | None, Direction | None], PublicCell]:
    return {(cell.gate_id, cell.direction): cell for cell in table.cells}
