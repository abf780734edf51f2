"""Charts of results: a PNG for reports and a self-contained HTML page to explore.

Both draw the same six panels. Each simulated line carries its 95% band; observed
series from the scenario file are drawn as points beside them.
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import plotly.graph_objects as go
from matplotlib.figure import Figure
from plotly.subplots import make_subplots

from cuakhau.core.messages import translate
from cuakhau.simulation.results import SimulationResult, metric_label
from cuakhau.simulation.scenario import ObservedSeries

PANELS = (
    "trucks_waiting",
    "crossed",
    "wait_mean_hours",
    "overdue_perishable",
    "arrived",
    "gave_up",
)
# Panels for the hub's figures, drawn after those when every line has them.
HUB_PANELS = (
    "driver_queue",
    "trailers_awaiting_hand_back",
    "cold_bay_wait_hours",
    "cold_bay_utilisation",
    "bay_wait_hours",
    "bay_utilisation",
)
COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#17becf",
    "#e377c2",
    "#bcbd22",
    "#7f7f7f",
)
GOLDEN_TURN = 0.618033988749895


@dataclass(frozen=True)
class Line:
    label: str
    result: SimulationResult
    gate: str


def gate_lines(result: SimulationResult, language: str) -> list[Line]:
    """The zone and each of its gates, from one run."""
    names = {gate_id: gate.name for gate_id, gate in result.scenario.gates.items()}
    zone = translate("sim_chart_zone", language)
    return [Line(names.get(gate, zone), result, gate) for gate in result.series]


def scenario_lines(results: list[SimulationResult]) -> list[Line]:
    """The zone as a whole, one line per scenario."""
    return [Line(result.scenario.name, result, "all") for result in results]


def _observed(lines: list[Line]) -> list[ObservedSeries]:
    seen: dict[tuple[str, str, str], ObservedSeries] = {}
    for line in lines:
        for series in line.result.scenario.observed:
            if series.gate == line.gate:
                seen.setdefault((series.metric, series.gate, series.label), series)
    return list(seen.values())


def line_colours(count: int) -> list[str]:
    """A colour for each of `count` lines, no two alike (black is the observed points')."""
    extra = count - len(COLOURS)
    # Beyond the palette, hues a golden turn apart never land on one another.
    hues = ((0.05 + GOLDEN_TURN * index) % 1.0 for index in range(max(extra, 0)))
    generated = (colorsys.hsv_to_rgb(hue, 0.75, 0.8) for hue in hues)
    return [*COLOURS[:count], *(_hex(rgb) for rgb in generated)]


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(part * 255):02x}" for part in rgb)


def write_png(lines: list[Line], title: str, path: Path, language: str) -> None:
    figure = png_figure(lines, title, language)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def panels(lines: list[Line]) -> tuple[str, ...]:
    """The metrics drawn: PANELS, then the hub's that every line has."""
    hub = (
        name for name in HUB_PANELS if all(name in line.result.series[line.gate] for line in lines)
    )
    return (*PANELS, *hub)


def png_figure(lines: list[Line], title: str, language: str) -> Figure:
    drawn = panels(lines)
    rows = -(-len(drawn) // 2)
    figure, axes = plt.subplots(rows, 2, figsize=(14, 4 * rows), sharex=True)
    for axis in axes.ravel()[len(drawn) :]:
        axis.set_visible(False)
    for axis, metric in zip(axes.ravel(), drawn, strict=False):
        for colour, line in zip(line_colours(len(lines)), lines, strict=True):
            band = line.result.series[line.gate][metric]
            dates = line.result.dates
            axis.plot(dates, band.mean, color=colour, label=line.label, linewidth=1.4)
            axis.fill_between(dates, band.low, band.high, color=colour, alpha=0.2, linewidth=0)
        for series in _observed(lines):
            if series.metric == metric:
                points = sorted(series.points, key=lambda point: point.date)
                axis.plot(
                    [point.date for point in points],
                    [point.value for point in points],
                    "kD",
                    markersize=5,
                    label=translate("sim_chart_observed", language, label=series.label),
                )
        axis.set_title(metric_label(metric, language), fontsize=10)
        axis.grid(alpha=0.3)
    # Below the panels, where it can hide no line, band or observed point.
    handles, labels = axes[0][0].get_legend_handles_labels()
    figure.legend(handles, labels, fontsize=8, loc="lower center", ncol=min(len(labels), 5))
    figure.suptitle(title)
    figure.autofmt_xdate()
    rows = -(-len(labels) // 5)
    figure.tight_layout(rect=(0, 0.025 * rows + 0.01, 1, 1))
    return figure


def write_html(lines: list[Line], title: str, path: Path, language: str) -> None:
    drawn = panels(lines)
    rows = -(-len(drawn) // 2)
    titles = [metric_label(metric, language) for metric in drawn]
    figure = make_subplots(rows=rows, cols=2, shared_xaxes=True, subplot_titles=titles)
    for index, metric in enumerate(drawn):
        row, col = divmod(index, 2)
        for colour, line in zip(line_colours(len(lines)), lines, strict=True):
            band = line.result.series[line.gate][metric]
            dates = line.result.dates
            group = f"{line.label}"
            figure.add_trace(
                go.Scatter(
                    x=dates + dates[::-1],
                    y=list(band.high) + list(band.low[::-1]),
                    fill="toself",
                    fillcolor=colour,
                    opacity=0.2,
                    line={"width": 0},
                    hoverinfo="skip",
                    legendgroup=group,
                    showlegend=False,
                ),
                row=row + 1,
                col=col + 1,
            )
            figure.add_trace(
                go.Scatter(
                    x=dates,
                    y=band.mean,
                    name=line.label,
                    line={"color": colour},
                    legendgroup=group,
                    showlegend=index == 0,
                ),
                row=row + 1,
                col=col + 1,
            )
        for series in _observed(lines):
            if series.metric == metric:
                figure.add_trace(
                    go.Scatter(
                        x=[point.date for point in series.points],
                        y=[point.value for point in series.points],
                        text=[point.source for point in series.points],
                        mode="markers",
                        marker={"symbol": "diamond", "color": "black"},
                        name=translate("sim_chart_observed", language, label=series.label),
                    ),
                    row=row + 1,
                    col=col + 1,
                )
    figure.update_layout(title=title, height=round(1100 * rows / 3), hovermode="x unified")
    # The page must work at a border post with no internet: plotly.js goes inline.
    figure.write_html(path, include_plotlyjs=True, full_html=True)
