"""The management board's dashboard, for the zone or one gate: every figure comes
from ``dashboard.service.dashboard``, the function behind ``GET /api/v1/dashboard``.

Each chart is a plotly figure made here, with labels in the reader's language, and
drawn by ``static/board.js``; the table beside it holds the same numbers, so the
page reads without JavaScript and on paper."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.core.clock import ZONE_TZ, local_date
from cuakhau.core.deps import DbSession, Now
from cuakhau.core.errors import InvalidInput
from cuakhau.counterpart.service import silent
from cuakhau.crossings.rules import policy
from cuakhau.dashboard.schemas import Dashboard, QueueCount
from cuakhau.dashboard.service import QUEUE_STATES, dashboard, gates_in_view, queue_now
from cuakhau.handovers.trailers import overdue_count
from cuakhau.models import Gate, User
from cuakhau.models.enums import CrossingState, Direction, Role
from cuakhau.web import i18n
from cuakhau.web.pages import PageRoute, page_roles, render

router = APIRouter(route_class=PageRoute)

BoardUser = Annotated[User, page_roles(Role.board, Role.admin)]
Translate = Callable[..., str]

# Colours that keep their contrast on the light and the dark theme.
DIRECTION_COLOURS = {Direction.export: "#2f7ed8", Direction.import_: "#d9822b"}
# One colour per gate and direction of the forecast (ten before they repeat).
SERIES_COLOURS = (
    "#2f7ed8", "#d9822b", "#3a9d5d", "#8e6cd1", "#d64545",
    "#0e8a8a", "#b5651d", "#5b8def", "#9c4f96", "#6b7b2f",
)  # fmt: skip
STATE_COLOURS = {
    "booked": "#9aa5b1",
    "arrived": "#5b8def",
    "declared": "#8e6cd1",
    "held": "#d64545",
    "cleared": "#3a9d5d",
    "called": "#e0a800",
}


def _chosen_gate(gate_id: str | None) -> int | None:
    """The picker's value: empty for the whole zone, otherwise a gate's id."""
    if not gate_id:
        return None
    if not gate_id.isdigit():
        raise InvalidInput("int_parsing", field="gate_id")
    return int(gate_id)


def _local(moment: datetime) -> str:
    """A time as plotly reads it on a date axis, in zone time."""
    return moment.astimezone(ZONE_TZ).strftime("%Y-%m-%d %H:%M")


def figure(data: list[dict[str, Any]], **layout: Any) -> dict[str, Any]:
    return {
        "data": data,
        "layout": {
            "barmode": "stack",
            "height": 320,
            "margin": {"l": 48, "r": 12, "t": 12, "b": 48},
            "legend": {"orientation": "h", "y": -0.2},
            **layout,
        },
    }


def queue_figure(
    directions: list[Direction], counts: dict[tuple[Direction, CrossingState], int], t: Translate
) -> dict[str, Any]:
    return figure(
        [
            {
                "type": "bar",
                "name": t(f"state_{state.value}"),
                "x": [t(f"direction_{d.value}") for d in directions],
                "y": [counts[(d, state)] for d in directions],
                "marker": {"color": STATE_COLOURS[state.value]},
            }
            for state in QUEUE_STATES
        ],
        yaxis={"title": {"text": t("board_trucks")}, "rangemode": "tozero"},
    )


def windows_figure(board: Dashboard, t: Translate) -> dict[str, Any]:
    data: list[dict[str, Any]] = []
    for direction in Direction:
        windows = [w for w in board.windows if w.direction is direction]
        if not windows:
            continue
        label = t(f"direction_{direction.value}")
        colour = DIRECTION_COLOURS[direction]
        starts = [_local(w.starts_at) for w in windows]
        data.append(
            {
                "type": "bar",
                "name": t("board_booked_of", direction=label),
                "x": starts,
                "y": [w.booked for w in windows],
                "marker": {"color": colour},
                "opacity": 0.75,
            }
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "line": {"shape": "hv", "color": colour, "width": 2},
                "name": t("board_capacity_of", direction=label),
                "x": starts,
                "y": [w.capacity for w in windows],
            }
        )
    return figure(
        data,
        barmode="group",
        xaxis={"type": "date", "tickformat": "%H:%M\n%d/%m"},
        yaxis={"title": {"text": t("board_trucks")}, "rangemode": "tozero"},
    )


def throughput_figure(board: Dashboard, t: Translate) -> dict[str, Any]:
    return figure(
        [
            {
                "type": "bar",
                "name": t(f"direction_{direction.value}"),
                "x": [f"{h.starts_at.astimezone(ZONE_TZ):%H}:00" for h in hours],
                "y": [h.crossed for h in hours],
                "marker": {"color": DIRECTION_COLOURS[direction]},
            }
            for direction in Direction
            if (hours := [h for h in board.throughput if h.direction is direction])
        ],
        xaxis={"type": "category"},
        yaxis={"title": {"text": t("board_trucks")}, "rangemode": "tozero"},
    )


def yards_figure(board: Dashboard, t: Translate) -> dict[str, Any]:
    codes = [y.code for y in board.yards]
    return figure(
        [
            {
                "type": "bar",
                "orientation": "h",
                "name": t("board_occupied"),
                "y": codes,
                "x": [y.occupied for y in board.yards],
                "marker": {"color": "#d9822b"},
            },
            {
                "type": "bar",
                "orientation": "h",
                "name": t("board_free"),
                "y": codes,
                "x": [max(y.spaces - y.occupied, 0) for y in board.yards],
                "marker": {"color": "#9aa5b1"},
            },
        ],
        height=max(160, 60 + 40 * len(codes)),
        yaxis={"type": "category", "autorange": "reversed"},
        xaxis={"title": {"text": t("board_spaces")}, "rangemode": "tozero"},
        margin={"l": 120, "r": 12, "t": 12, "b": 48},
    )


def accuracy_figure(board: Dashboard, t: Translate) -> dict[str, Any]:
    measured = [a for a in board.accuracy if a.estimates]
    codes = [a.gate_code for a in measured]
    return figure(
        [
            {
                "type": "bar",
                "name": t("board_mean_abs_error"),
                "x": codes,
                "y": [a.mean_absolute_error_minutes for a in measured],
                "marker": {"color": "#5b8def"},
            },
            {
                "type": "bar",
                "name": t("board_p90_error"),
                "x": codes,
                "y": [a.p90_absolute_error_minutes for a in measured],
                "marker": {"color": "#d64545"},
            },
        ],
        barmode="group",
        xaxis={"type": "category"},
        yaxis={"title": {"text": t("board_minutes")}, "rangemode": "tozero"},
    )


# The warning colours as the badges show them, for the forecast's threshold lines.
WARNING_COLOURS = {"yellow": "#e0a800", "orange": "#d9822b", "red": "#d64545"}


def _signed(value: float | None, language: str) -> str:
    """``+4,0`` or ``−1,5``: an error's sign is its direction."""
    if value is None:
        return "—"
    return ("+" if value >= 0 else "−") + i18n.format_number(abs(value), language, 1)


def _zone_hour(moment: datetime) -> str:
    return moment.astimezone(ZONE_TZ).strftime("%Y-%m-%dT%H:%M")


def forecast_figure(
    board: Dashboard, thresholds: dict[str, int], t: Translate, language: str
) -> dict[str, Any]:
    """Each gate and direction's expected queue hour by hour, its 95% interval a
    band around it; the queue observed in the last day's hours beside what was
    forecast for them a day before; the warning thresholds as dashed lines."""
    data: list[dict[str, Any]] = []
    shown: list[str] = []  # every hour drawn, for the thresholds' span
    for index, gate in enumerate(board.forecast.gates):
        name = f"{gate.gate_code} · {t(f'direction_{gate.direction.value}')}"
        x = [_zone_hour(hour.starts_at) for hour in gate.hours]
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        data += [
            {
                "type": "scatter",
                "mode": "lines",
                "x": x + x[::-1],
                "y": [h.queue_high for h in gate.hours] + [h.queue_low for h in gate.hours][::-1],
                "fill": "toself",
                "fillcolor": colour,
                "opacity": 0.2,
                "line": {"width": 0},
                "hoverinfo": "skip",
                "showlegend": False,
                "name": t("board_forecast_band"),
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": name,
                "x": x,
                "y": [h.queue_mean for h in gate.hours],
                "line": {"color": colour},
            },
        ]
        seen = [hour for hour in gate.measured if hour.observed_queue is not None]
        if seen:
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "name": t("board_forecast_observed", series=name),
                    "x": [_zone_hour(hour.starts_at) for hour in seen],
                    "y": [hour.observed_queue for hour in seen],
                    "text": [
                        t(
                            "board_forecast_observed_hover",
                            expected=i18n.format_number(hour.queue_mean, language, 1),
                            error=_signed(hour.error, language),
                        )
                        for hour in seen
                    ],
                    "marker": {"color": colour, "symbol": "x"},
                }
            )
        shown += x + [_zone_hour(hour.starts_at) for hour in seen]
    span = [min(shown), max(shown)] if shown else []
    for level, trucks in thresholds.items():
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": t(f"warning_{level}"),
                "x": span,
                "y": [trucks, trucks],
                "line": {"color": WARNING_COLOURS[level], "dash": "dash", "width": 1},
            }
        )
    return figure(
        data,
        xaxis={"type": "date", "tickformat": "%H:%M\n%d/%m", "dtick": 6 * 3_600_000},
        yaxis={"title": {"text": t("board_trucks")}, "rangemode": "tozero"},
    )


def day_in_words(day: date, today: date, t: Translate) -> str:
    """``hôm nay (08/12)``, ``ngày mai (09/12)``, ``ngày kia (10/12)``, else ``ngày 11/12``."""
    words = {0: "forecast_day_today", 1: "forecast_day_tomorrow", 2: "forecast_day_after"}
    return t(words.get((day - today).days, "forecast_day_on"), date=i18n.format_date(day))


def forecast_reached(board: Dashboard, today: date, t: Translate, language: str) -> dict[str, str]:
    """Each gate and direction's worst colour with the first hour and day it is expected."""
    return {
        f"{gate.gate_id}-{gate.direction.value}": t(
            "board_forecast_reached",
            colour=t(f"warning_{gate.warning.value}"),
            time=i18n.format_time(gate.warning_at, language),
            day=day_in_words(gate.warning_on, today, t),
        )
        for gate in board.forecast.gates
        if gate.warning is not None and gate.warning_at and gate.warning_on
    }


def forecast_alert_when(
    board: Dashboard, today: date, t: Translate, language: str
) -> dict[str, str]:
    """When each open warning expects orange: its first hour and day in words,
    or only the day for a warning raised before the forecasts were hourly."""
    return {
        f"{warning.gate_id}-{warning.direction.value}": (
            t(
                "forecast_from_hour",
                time=i18n.format_time(warning.reaches_at, language),
                day=day_in_words(warning.reaches_on, today, t),
            )
            if warning.reaches_at is not None
            else day_in_words(warning.reaches_on, today, t)
        )
        for warning in board.forecast.warnings
    }


def _translator(request: Request) -> Translate:
    language = i18n.page_language(request)
    return lambda key, **params: i18n.translate(key, language, **params)


def _queue_context(queue: list[QueueCount], gate_id: int | None, t: Translate) -> dict[str, Any]:
    directions = [d for d in Direction if any(q.direction is d for q in queue)]
    counts = {(q.direction, q.state): q.trucks for q in queue}
    return {
        "gate_id": gate_id,
        "directions": directions,
        "states": QUEUE_STATES,
        "counts": counts,
        "totals": {d: sum(counts[(d, state)] for state in QUEUE_STATES) for d in directions},
        "queue_figure": queue_figure(directions, counts, t),
    }


def _thresholds(session: Session) -> dict[str, int]:
    rules = policy(session)
    return {
        "yellow": rules.warning_yellow,
        "orange": rules.warning_orange,
        "red": rules.warning_red,
    }


def all_gates(session: Session) -> list[Gate]:
    return list(session.scalars(select(Gate).where(Gate.is_active).order_by(Gate.id)))


@router.get("/board", response_class=HTMLResponse)
def board_page(
    request: Request, session: DbSession, _user: BoardUser, now: Now, gate_id: str | None = None
) -> HTMLResponse:
    chosen = _chosen_gate(gate_id)
    board = dashboard(session, now, chosen)
    t = _translator(request)
    language = i18n.page_language(request)
    return render(
        request,
        "board.html",
        board=board,
        all_gates=all_gates(session),
        windows_figure=windows_figure(board, t),
        throughput_figure=throughput_figure(board, t),
        yards_figure=yards_figure(board, t),
        accuracy_figure=accuracy_figure(board, t),
        forecast_figure=forecast_figure(board, _thresholds(session), t, language),
        forecast_reached=forecast_reached(board, local_date(now), t, language),
        forecast_alert_when=forecast_alert_when(board, local_date(now), t, language),
        silent_counterparts=silent(
            session, now, request.app.state.settings.counterpart_silence_seconds, chosen
        ),
        hand_back_overdue=overdue_count(
            session, now, request.app.state.settings.hand_back_overdue_hours
        ),
        overdue_hours=request.app.state.settings.hand_back_overdue_hours,
        **_queue_context(board.queue, chosen, t),
    )


@router.get("/board/queue", response_class=HTMLResponse)
def board_queue(
    request: Request, session: DbSession, _user: BoardUser, gate_id: str | None = None
) -> HTMLResponse:
    """The queue part alone, fetched again by the page's script on each queue change."""
    chosen = _chosen_gate(gate_id)
    queue = queue_now(session, gates_in_view(session, chosen))
    return render(
        request, "board_queue.html", **_queue_context(queue, chosen, _translator(request))
    )
