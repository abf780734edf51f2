"""What the statistics' PDFs draw: the charts the board's page draws for the
same figures (``web/statistics_pages.py``), as ``core/charts.py`` charts.

- A measure over the days of the period, each comparison's days beside it (its
  first day beside the period's first);
- a breakdown's rows (the largest 15) as lying bars, each comparison's beside;
- fee revenue beside the disbursement for the zone's infrastructure, by step.

Every text is in the report's language."""

from collections.abc import Callable
from datetime import date, timedelta

from cuakhau.core.charts import Chart, ChartKind, Series
from cuakhau.core.messages import translate
from cuakhau.core.tables import shown
from cuakhau.statistics.names import label
from cuakhau.statistics.periods import Comparison
from cuakhau.statistics.schemas import ComparedRead, PeriodRead, Reinvestment, Report, Step

# The rows a breakdown draws, as the board's page does.
BREAKDOWN_ROWS = 15
NAME_SIZE = 45

# A report of the measures by day over ``first``–``last``, nothing compared.
DayReport = Callable[[date, date], Report]


def _span(period: PeriodRead, language: str) -> str:
    return f"{shown(period.first, 'date', language)} – {shown(period.last, 'date', language)}"


def series_names(report: Report, language: str) -> list[str]:
    """The period's name, then each comparison's: what the legend says."""
    names = [_span(report.period, language)]
    for comparison, other in report.comparisons.items():
        said = translate(f"stats_comparison_{comparison.value}", language)
        names.append(f"{said} ({_span(other, language)})")
    return names


def _daily(report: Report, measure: str) -> list[float]:
    """The measure on each day of the report's period (nothing counted: 0)."""
    by_day = {row.group["day"]: row.measures.get(measure) or 0 for row in report.rows}
    first = report.period.first
    return [
        float(by_day.get((first + timedelta(days=i)).isoformat(), 0))
        for i in range(report.period.days)
    ]


def over_time(
    report: Report, measures: tuple[str, ...], days: DayReport, language: str
) -> list[Chart]:
    """Each of ``measures`` by day over the report's period, beside the same
    measure by day over each period it is compared with."""
    periods = [report.period, *report.comparisons.values()]
    daily = [days(period.first, period.last) for period in periods]
    names = series_names(report, language)
    categories = [
        (report.period.first + timedelta(days=i)).strftime("%d/%m")
        for i in range(report.period.days)
    ]
    charts = []
    for measure in measures:
        said = translate(f"stats_col_{measure}", language)
        charts.append(
            Chart(
                translate("stats_chart_by_day", language, measure=said),
                ChartKind.lines,
                categories,
                [Series(name, _daily(d, measure)) for name, d in zip(names, daily, strict=True)],
                axis=said,
                across=translate("stats_chart_day", language),
            )
        )
    return charts


def _short(text: str) -> str:
    return text if len(text) <= NAME_SIZE else text[: NAME_SIZE - 1] + "…"


def breakdown(title: str, report: Report, measure: str, language: str) -> Chart:
    """The report's rows as lying bars of ``measure``, the largest on top, each
    comparison's figure for the same row beside."""
    rows = report.rows[:BREAKDOWN_ROWS]
    names = series_names(report, language)
    values = [[float(row.measures.get(measure) or 0) for row in rows]]
    for comparison in report.comparisons:
        values.append([float(_then(row.compared, comparison, measure)) for row in rows])
    return Chart(
        title,
        ChartKind.lying,
        [_short(" · ".join(label(row, group) for group in report.group_by)) for row in rows],
        [Series(name, v) for name, v in zip(names, values, strict=True)],
        axis=translate(f"stats_col_{measure}", language),
    )


def _then(compared: list[ComparedRead], comparison: Comparison, measure: str) -> float:
    for other in compared:
        if other.comparison is comparison:
            return other.measures.get(measure) or 0
    return 0


def reinvestment_chart(answer: Reinvestment, language: str) -> Chart:
    """Fee revenue beside what was disbursed for the zone's infrastructure, by step."""

    def step_name(period: PeriodRead) -> str:
        if answer.step is Step.month:
            return period.first.strftime("%m/%Y")
        return _span(period, language)

    return Chart(
        translate("stats_report_reinvestment", language),
        ChartKind.bars,
        [step_name(row.period) for row in answer.rows],
        [
            Series(
                translate("stats_col_fee_revenue_vnd", language),
                [row.fee_revenue_vnd for row in answer.rows],
            ),
            Series(
                translate("stats_col_disbursed_vnd", language),
                [row.disbursed_vnd for row in answer.rows],
            ),
        ],
        axis=translate("stats_chart_amount_vnd", language),
        across=translate(f"stats_step_{answer.step.value}", language).capitalize(),
    )
