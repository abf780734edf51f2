"""Files a run leaves behind: JSON and CSV for machines, PNG and HTML for people."""

from __future__ import annotations

import json
from pathlib import Path

from cuakhau.core.messages import translate
from cuakhau.simulation.plots import gate_lines, scenario_lines, write_html, write_png
from cuakhau.simulation.results import SimulationResult

COMPARED = (
    "wait_mean_hours",
    "wait_p90_hours",
    "wait_p99_hours",
    "peak_trucks_waiting",
    "crossed",
    "yard_overflow",
    "crossed_past_shelf_life",
    "gave_up",
)
# The hub's, beside them when every result compared has them (hub stations declared).
HUB_COMPARED = (
    "driver_wait_hours",
    "peak_driver_queue",
    "trailers_awaiting_hand_back",
    "cold_bay_wait_hours",
    "cold_bay_utilisation",
    "bay_wait_hours",
    "bay_utilisation",
)


def compared(results: list[SimulationResult]) -> tuple[str, ...]:
    """The zone's figures a comparison shows: COMPARED, and the hub's all results have."""
    hub = (name for name in HUB_COMPARED if all(name in r.summary["all"] for r in results))
    return (*COMPARED, *hub)


def write_run(result: SimulationResult, out: Path, language: str) -> list[Path]:
    """The files of one run; what people read (charts, metric names) in `language`."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"results.{suffix}" for suffix in ("json", "csv", "png", "html")]
    result.write_json(paths[0], language)
    result.write_csv(paths[1])
    title = translate(
        "sim_chart_run_title", language, name=result.scenario.name, replications=result.replications
    )
    lines = gate_lines(result, language)
    write_png(lines, title, paths[2], language)
    write_html(lines, title, paths[3], language)
    return paths


def write_comparison(results: list[SimulationResult], out: Path, language: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"comparison.{suffix}" for suffix in ("json", "png", "html")]
    names = compared(results)
    table = {
        result.scenario.name: {
            "policy": result.scenario.policy.model_dump(),
            "summary": {name: result.summary["all"][name].as_dict() for name in names},
        }
        for result in results
    }
    paths[0].write_text(json.dumps(table, ensure_ascii=False, indent=1), encoding="utf-8")
    title = translate(
        "sim_chart_compare_title",
        language,
        names=", ".join(result.scenario.name for result in results),
    )
    write_png(scenario_lines(results), title, paths[1], language)
    write_html(scenario_lines(results), title, paths[2], language)
    return paths
