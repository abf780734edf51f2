"""The board's transshipment figures (docs/statistics.md, "Transshipment"):
trucks, tonnes and value by handover mode, and by mode and gate, against a
comparison period; the trailer swaps' trailers; the transloads through the
yards' bays. The figures come from ``statistics.transshipment``, the service
behind ``GET /api/v1/statistics/transshipment``; each chart has its table."""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from cuakhau.core.clock import local_date
from cuakhau.core.deps import AppSettings, DbSession, Now
from cuakhau.core.schemas import Id
from cuakhau.models.enums import HandoverMode
from cuakhau.statistics import exports
from cuakhau.statistics.exports import ExportFormat
from cuakhau.statistics.names import label
from cuakhau.statistics.periods import Comparison, PeriodKind
from cuakhau.statistics.schemas import (
    PeriodQuery,
    Report,
    TradeGroup,
    TradeQuery,
    TransshipmentQuery,
    YardTransloads,
)
from cuakhau.statistics.transshipment import transshipment
from cuakhau.web import i18n
from cuakhau.web.board import BoardUser, all_gates, figure
from cuakhau.web.pages import PageRoute, render
from cuakhau.web.statistics_pages import NOW_COLOUR, THEN_COLOUR

router = APIRouter(route_class=PageRoute)

# A colour per mode, kept on the light and the dark theme.
MODE_COLOURS = {
    HandoverMode.drive_through: "#2f7ed8",
    HandoverMode.trailer_swap: "#e07b00",
    HandoverMode.transload: "#3a9d5d",
}
COLD_COLOUR = "#1f8fb3"


class TransshipmentView(PeriodQuery):
    """A period, the comparison drawn beside it, a gate."""

    compare: Comparison = Comparison.year_before
    gate_id: Id | None = None

    def query(self) -> TransshipmentQuery:
        return TransshipmentQuery(
            period=self.period,
            at=self.at,
            until=self.until,
            compare=[self.compare],
            gate_id=self.gate_id,
        )


class DownloadView(TransshipmentView):
    format: ExportFormat = ExportFormat.csv


def mode_figure(report: Report, names: tuple[str, str]) -> dict[str, Any]:
    """Trucks by mode, the period's beside the comparison's."""
    labels = [label(row, "handover_mode") for row in report.rows]
    return figure(
        [
            {
                "type": "bar",
                "name": names[0],
                "x": labels,
                "y": [row.measures["vehicles"] or 0 for row in report.rows],
                "marker": {"color": NOW_COLOUR},
            },
            {
                "type": "bar",
                "name": names[1],
                "x": labels,
                "y": [row.compared[0].measures["vehicles"] or 0 for row in report.rows],
                "marker": {"color": THEN_COLOUR},
            },
        ],
        barmode="group",
        xaxis={"type": "category"},
        yaxis={"rangemode": "tozero"},
    )


def gate_figure(report: Report) -> dict[str, Any]:
    """Trucks by gate, stacked by mode."""
    gates = list(dict.fromkeys(label(row, "gate") for row in report.rows))
    data = []
    for mode in HandoverMode:
        rows = [row for row in report.rows if row.group["handover_mode"] == mode.value]
        if rows:
            cells = {label(row, "gate"): row.measures["vehicles"] or 0 for row in rows}
            data.append(
                {
                    "type": "bar",
                    "name": label(rows[0], "handover_mode"),
                    "x": gates,
                    "y": [cells.get(gate, 0) for gate in gates],
                    "marker": {"color": MODE_COLOURS[mode]},
                }
            )
    return figure(data, xaxis={"type": "category"}, yaxis={"rangemode": "tozero"})


def yard_figure(yards: list[YardTransloads], names: tuple[str, str]) -> dict[str, Any]:
    """Tonnes through each yard's bays, cold on ordinary."""
    labels = [yard.name for yard in yards]
    return figure(
        [
            {
                "type": "bar",
                "name": names[0],
                "x": labels,
                "y": [yard.cold_weight_kg / 1000 for yard in yards],
                "marker": {"color": COLD_COLOUR},
            },
            {
                "type": "bar",
                "name": names[1],
                "x": labels,
                "y": [(yard.weight_kg - yard.cold_weight_kg) / 1000 for yard in yards],
                "marker": {"color": THEN_COLOUR},
            },
        ],
        xaxis={"type": "category"},
        yaxis={"rangemode": "tozero"},
    )


@router.get("/board/transshipment", response_class=HTMLResponse)
def board_transshipment(
    request: Request,
    session: DbSession,
    user: BoardUser,
    now: Now,
    settings: AppSettings,
    view: Annotated[TransshipmentView, Query()],
) -> HTMLResponse:
    language = i18n.page_language(request)

    def t(key: str, **params: Any) -> str:
        return i18n.translate(key, language, **params)

    figures = transshipment(
        session=session,
        user=user,
        query=view.query(),
        now=now,
        overdue_hours=settings.hand_back_overdue_hours,
        language=language,
    )
    other = figures.comparisons[view.compare]
    said = t(f"stats_comparison_{view.compare.value}")
    span = f"{i18n.format_date(figures.period.first)} – {i18n.format_date(figures.period.last)}"
    then = f"{said} ({i18n.format_date(other.first)} – {i18n.format_date(other.last)})"
    download = view.model_dump(mode="json", exclude_none=True) | {"lang": language}
    return render(
        request,
        "statistics_transshipment.html",
        view=view,
        gates=all_gates(session),
        periods=[kind for kind in PeriodKind if kind is not PeriodKind.range],
        comparisons=list(Comparison),
        figures=figures,
        said=said,
        mode_figure=mode_figure(figures.by_mode, (span, then)),
        gate_figure=gate_figure(figures.by_mode_and_gate),
        yard_figure=yard_figure(
            figures.yards,
            (t("transshipment_col_cold_tonnes"), t("transshipment_ordinary_tonnes")),
        ),
        download_query=urlencode(download),
        source=exports.source_line(exports.report_sources(figures.by_mode), language),
    )


@router.get("/board/transshipment/download")
def board_transshipment_download(
    request: Request,
    session: DbSession,
    user: BoardUser,
    now: Now,
    view: Annotated[DownloadView, Query()],
) -> Response:
    """Trucks, weight and value by handover mode and gate as a file."""
    query = TradeQuery(
        period=view.period,
        at=view.at,
        until=view.until,
        compare=[view.compare],
        gate_id=view.gate_id,
        group_by=[TradeGroup.handover_mode, TradeGroup.gate],
    )
    return exports.report_download(
        session=session,
        user=user,
        query=query,
        today=local_date(now),
        language=i18n.page_language(request),
        format=view.format,
    ).response()
