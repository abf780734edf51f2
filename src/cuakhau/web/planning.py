"""The board's planning page: run a small what-if from the browser.

A shipped scenario, or today's position read from the database
(``simulation.snapshot``), with a few knobs turned (``simulation.whatif``), is run on
the server with a hard cap on its size; bigger runs are refused with the command
that does them on the command line. The charts are plotly figures made here and
drawn by ``static/board.js``; the table beside them holds the same numbers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.core.deps import DbSession, Now
from cuakhau.core.errors import InvalidInput
from cuakhau.core.messages import has_message
from cuakhau.models import Gate, User
from cuakhau.models.enums import Role
from cuakhau.simulation import ScenarioError, load_scenario, parse_scenario
from cuakhau.simulation.loader import dump_scenario, load_raw, shipped_names
from cuakhau.simulation.scenario import Scenario
from cuakhau.simulation.snapshot import SnapshotError, gate_key, snapshot_scenario
from cuakhau.simulation.whatif import WhatIf, expected_trucks
from cuakhau.web import i18n
from cuakhau.web.pages import CsrfChecked, FormState, PageRoute, SubmittedForm, page_roles, render

# The simulator's runner and results bring numpy: loaded at the first run.
if TYPE_CHECKING:
    from cuakhau.simulation.results import SimulationResult

router = APIRouter(route_class=PageRoute)

Planner = Annotated[User, page_roles(Role.board, Role.admin)]
Translate = Callable[..., str]

TODAY = "today"
TEMPLATE = "langson-baseline"
MAX_REPLICATIONS = 10
# Trucks simulated per request, all replications and both runs together: a few
# seconds on one core. Beyond it the page gives the command line instead.
MAX_TRUCK_RUNS = 400_000
TODAY_DAYS, TODAY_MAX_DAYS = 7, 31
SEED = 1
FIELDS = (
    "scenario",
    "days",
    "gate",
    "direction",
    "factor",
    "starts_on",
    "ends_on",
    "admission",
    "priority",
    "replications",
    "compare",
)
DEFAULTS = {"scenario": "langson-2021-12", "factor": "1", "replications": "3", "compare": "on"}
ADMISSIONS = ("walk_in", "booked_windows", "hold_inland")
CHARTS = ("trucks_waiting", "crossed", "wait_mean_hours", "gave_up", "overdue_perishable")
TABLE = (
    "wait_mean_hours",
    "wait_p90_hours",
    "peak_trucks_waiting",
    "crossed",
    "gave_up",
    "crossed_past_shelf_life",
)
COLOURS = {"planned": "#9aa5b1", "what_if": "#2f7ed8"}


class PlanRefused(Exception):
    """The form cannot be run as it is; the message says why, in the reader's language."""

    def __init__(self, message: str, field: str = "form") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Run:
    key: str  # planned or what_if
    result: SimulationResult


@cache
def _shipped_gates() -> tuple[tuple[str, str], ...]:
    """(id, name) of every gate in the shipped scenarios: read once per process."""
    names: dict[str, str] = {}
    for name in shipped_names():
        for gate_id, gate in load_scenario(name).gates.items():
            names.setdefault(gate_id, gate.name)
    return tuple(names.items())


def _gates(session: Session, language: str) -> list[tuple[str, str]]:
    """Every gate a planner may pick: the shipped scenarios' and the database's."""
    names = dict(_shipped_gates())
    for gate in session.scalars(select(Gate).where(Gate.is_active.is_(True))):
        names[gate_key(gate)] = gate.name_vi if language == "vi" else gate.name_en
    return sorted(names.items(), key=lambda item: item[1])


def _scenario_title(name: str, language: str) -> str:
    """What a planner reads for a scenario: a shipped one's title in the page's
    language, today's position in words; a scenario of the planner's own by its name."""
    key = "planning_today" if name == TODAY else f"scenario_title_{name}"
    return i18n.translate(key, language) if has_message(key) else name


def _page(
    request: Request,
    session: Session,
    form: FormState,
    *,
    runs: list[Run] | None = None,
    gate: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    language = i18n.page_language(request)
    t = _translator(language)
    context: dict[str, Any] = {}
    if runs:
        context = {
            "charts": [(metric, _figure(runs, gate, metric, t)) for metric in CHARTS],
            "table": _table(runs, gate),
            "runs": runs,
            "scope": gate or "all",
        }
    return render(
        request,
        "planning.html",
        status_code=status_code,
        form=form,
        scenarios=[(name, _scenario_title(name, language)) for name in [*shipped_names(), TODAY]],
        chosen_title=_scenario_title(form.values.get("scenario", ""), language),
        gates=_gates(session, language),
        admissions=ADMISSIONS,
        max_replications=MAX_REPLICATIONS,
        today_max_days=TODAY_MAX_DAYS,
        **context,
    )


@router.get("/planning", response_class=HTMLResponse)
def planning_page(request: Request, session: DbSession, _user: Planner) -> HTMLResponse:
    return _page(request, session, FormState(values=dict(DEFAULTS)))


@router.post("/planning", response_class=HTMLResponse, dependencies=[CsrfChecked])
def planning_run(
    request: Request, session: DbSession, _user: Planner, now: Now, submitted: SubmittedForm
) -> HTMLResponse:
    form = FormState.read(submitted, FIELDS)
    language = i18n.page_language(request)
    t = _translator(language)
    try:
        name, replications, compare = _basics(form, t)
        raw = _scenario_raw(session, name, form, t, language, now)
        # Nothing is written: end the transaction now, so no lock is held while it runs.
        session.commit()
        what_if = _what_if(form, _parse(raw, name, language), t)
        runs_wanted = {"what_if": what_if.apply(raw)}
        if compare:
            runs_wanted["planned"] = WhatIf(days=what_if.days).apply(raw)
        scenarios = {key: _parse(changed, name, language) for key, changed in runs_wanted.items()}
        _check_size(scenarios, replications, name, what_if, t, language)
    except PlanRefused as refused:
        form.message = refused.message
        if refused.field != "form":
            form.errors[refused.field] = refused.message
        return _page(request, session, form, status_code=422)
    from cuakhau.simulation.runner import simulate

    runs = [
        Run(key, simulate(scenario, replications, SEED, 1))
        for key, scenario in sorted(scenarios.items(), key=lambda item: item[0] != "planned")
    ]
    return _page(request, session, form, runs=runs, gate=what_if.gate)


@router.get("/planning/today.yaml")
def planning_snapshot(
    request: Request, session: DbSession, _user: Planner, now: Now, days: str = str(TODAY_DAYS)
) -> Response:
    """Today's position as a scenario file, to run or change on the command line."""
    if not days.isdigit() or not 1 <= int(days) <= TODAY_MAX_DAYS:
        raise InvalidInput("int_parsing", field="days")
    try:
        raw = snapshot_scenario(
            session,
            now=now,
            days_ahead=int(days),
            template=load_scenario(TEMPLATE),
            language=i18n.page_language(request),
        )
    except SnapshotError:
        raise InvalidInput("planning_no_gates") from None
    return Response(
        dump_scenario(raw),
        media_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{raw["name"]}.yaml"'},
    )


# --- reading the form -------------------------------------------------------------


def _translator(language: str) -> Translate:
    return lambda key, **params: i18n.translate(key, language, **params)


def _basics(form: FormState, t: Translate) -> tuple[str, int, bool]:
    name = form.values["scenario"]
    if name != TODAY and name not in shipped_names():
        raise PlanRefused(t("planning_unknown_scenario"), "scenario")
    replications = _integer(form, "replications", 1, MAX_REPLICATIONS, t, default=3)
    return name, replications, form.values.get("compare") == "on"


def _integer(
    form: FormState, field: str, low: int, high: int, t: Translate, default: int | None = None
) -> int:
    text = form.values.get(field, "")
    if not text and default is not None:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise PlanRefused(t("planning_bad_whole_number", low=low, high=high), field)
    return int(text)


def _scenario_raw(
    session: Session, name: str, form: FormState, t: Translate, language: str, now: dt.datetime
) -> dict[str, Any]:
    if name != TODAY:
        return load_raw(name)
    days = _integer(form, "days", 1, TODAY_MAX_DAYS, t, default=TODAY_DAYS)
    try:
        return snapshot_scenario(
            session,
            now=now,
            days_ahead=days,
            template=load_scenario(TEMPLATE),
            language=language,
        )
    except SnapshotError:
        raise PlanRefused(t("planning_no_gates"), "scenario") from None


def _what_if(form: FormState, base: Scenario, t: Translate) -> WhatIf:
    values = form.values
    days = _integer(form, "days", 1, base.days, t) if values.get("days") else None
    horizon = days or base.days
    first, last = base.start, base.start + dt.timedelta(days=horizon - 1)
    gate = values.get("gate") or None
    if gate is not None and gate not in base.gates:
        raise PlanRefused(t("planning_unknown_gate", known=", ".join(base.gates)), "gate")
    direction = values.get("direction") or None
    if direction not in (None, "export", "import"):
        raise PlanRefused(t("planning_bad_choice"), "direction")
    factor = _factor(values.get("factor", ""), t)
    starts_on = _date(values.get("starts_on", ""), "starts_on", first, last, t)
    ends_on = _date(values.get("ends_on", ""), "ends_on", first, last, t)
    if starts_on and ends_on and ends_on < starts_on:
        raise PlanRefused(t("planning_dates_order"), "ends_on")
    if factor != 1 and not any(
        g.crossing is not None for gate_id, g in base.gates.items() if gate in (None, gate_id)
    ):
        raise PlanRefused(t("planning_no_capacity"), "factor")
    admission = values.get("admission") or None
    if admission not in (None, *ADMISSIONS):
        raise PlanRefused(t("planning_bad_choice"), "admission")
    priority = {"": None, "on": True, "off": False}.get(values.get("priority", ""), "bad")
    if priority == "bad":
        raise PlanRefused(t("planning_bad_choice"), "priority")
    return WhatIf(
        days=days,
        gate=gate,
        direction=direction,  # type: ignore[arg-type]
        capacity_factor=factor,
        starts_on=starts_on,
        ends_on=ends_on,
        admission=admission,  # type: ignore[arg-type]
        perishable_priority=priority,  # type: ignore[arg-type]
    )


def _factor(text: str, t: Translate) -> float:
    try:
        factor = float(text.replace(",", ".")) if text else 1.0
    except ValueError:
        factor = math.nan
    if not 0 <= factor <= 10:
        raise PlanRefused(t("planning_bad_factor"), "factor")
    return factor


def _date(text: str, field: str, first: dt.date, last: dt.date, t: Translate) -> dt.date | None:
    if not text:
        return None
    try:
        day = (
            dt.datetime.strptime(text, "%d/%m/%Y").date()
            if "/" in text
            else dt.date.fromisoformat(text)
        )
    except ValueError:
        raise PlanRefused(t("planning_bad_date"), field) from None
    if not first <= day <= last:
        raise PlanRefused(
            t("planning_date_outside", first=i18n.format_date(first), last=i18n.format_date(last)),
            field,
        )
    return day


def _parse(raw: dict[str, Any], name: str, language: str) -> Scenario:
    """The scenario, or a refusal that says each of its problems in the page's language."""
    try:
        return parse_scenario(raw, label=name)
    except ScenarioError as error:
        detail = error.render(language)
        raise PlanRefused(i18n.translate("planning_refused", language, detail=detail)) from None


def _check_size(
    scenarios: dict[str, Scenario],
    replications: int,
    name: str,
    what_if: WhatIf,
    t: Translate,
    language: str,
) -> None:
    trucks = sum(expected_trucks(scenario) for scenario in scenarios.values()) * replications
    if trucks <= MAX_TRUCK_RUNS:
        return
    scenario = scenarios["what_if"]
    if name == TODAY:
        command = (
            f"cuakhau simulate-from-db --days {scenario.days} --out today.yaml && "
            f"cuakhau simulate today.yaml -n {replications}"
        )
    else:
        command = f"cuakhau simulate {name} -n {replications}"
    raise PlanRefused(
        t(
            "planning_too_big",
            trucks=i18n.format_number(trucks, language),
            limit=i18n.format_number(MAX_TRUCK_RUNS, language),
            command=command,
        ),
        "replications",
    )


# --- what the page shows ----------------------------------------------------------


def _table(runs: list[Run], gate: str | None) -> list[tuple[str, list[tuple[float, float]]]]:
    """Per metric, (mean, 95% half-width) of each run over the whole horizon."""
    rows = []
    for metric in TABLE:
        cells = []
        for run in runs:
            band = run.result.summary[gate or "all"][metric]
            mean, high = float(band.mean[0]), float(band.high[0])
            cells.append((mean, high - mean if math.isfinite(high) else math.nan))
        rows.append((metric, cells))
    return rows


def _figure(runs: list[Run], gate: str | None, metric: str, t: Translate) -> dict[str, Any]:
    data: list[dict[str, Any]] = []
    for run in runs:
        band = run.result.series[gate or "all"][metric]
        dates = [day.isoformat() for day in run.result.dates]
        colour = COLOURS[run.key]
        data.append(
            {
                "type": "scatter",
                "x": dates + dates[::-1],
                "y": _plain([*band.high, *band.low[::-1]]),
                "fill": "toself",
                "fillcolor": colour,
                "opacity": 0.25,
                "line": {"width": 0},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": t(f"planning_{run.key}"),
                "x": dates,
                "y": _plain(list(band.mean)),
                "line": {"color": colour, "width": 2},
            }
        )
    for series in runs[-1].result.scenario.observed:
        if series.metric == metric and series.gate == (gate or "all"):
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "name": t("planning_observed", label=series.label),
                    "x": [point.date.isoformat() for point in series.points],
                    "y": [point.value for point in series.points],
                    "text": [point.source for point in series.points],
                    "marker": {"symbol": "diamond", "color": "#222", "size": 9},
                }
            )
    return {
        "data": data,
        "layout": {
            "height": 300,
            "margin": {"l": 56, "r": 12, "t": 12, "b": 48},
            "legend": {"orientation": "h", "y": -0.25},
            "xaxis": {"type": "date", "tickformat": "%d/%m"},
            "yaxis": {"title": {"text": t(f"planning_metric_{metric}")}, "rangemode": "tozero"},
        },
    }


def _plain(values: list[float]) -> list[float | None]:
    """JSON has no NaN: a day nobody crossed is a gap in the line."""
    return [round(float(value), 3) if math.isfinite(value) else None for value in values]
