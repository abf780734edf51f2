"""`cuakhau simulate`, `cuakhau simulate-compare` and `cuakhau simulate-sweep`."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from cuakhau.core.config import Settings
from cuakhau.core.messages import translate
from cuakhau.core.numbers import format_number
from cuakhau.core.spreadsheet import csv_row
from cuakhau.simulation.loader import (
    ScenarioError,
    dump_scenario,
    load_scenario,
    parse_scenario,
)
from cuakhau.simulation.scenario import Scenario

# The runner, results and outputs bring numpy, matplotlib and plotly: each
# command loads them when it runs, so `cuakhau --help` and the other commands
# start without them.
if TYPE_CHECKING:
    from cuakhau.simulation.reported import PointCheck
    from cuakhau.simulation.results import ReplicationResult, SimulationResult

EXIT_BAD_SCENARIO = 2

Replications = Annotated[int, typer.Option("--replications", "-n", min=1, help="Replications.")]
Seed = Annotated[
    int, typer.Option("--seed", "-s", help="Seed; the same seed gives the same numbers.")
]
ScenarioName = Annotated[str, typer.Argument(help="A scenario file, or a shipped scenario name.")]
Workers = Annotated[
    int, typer.Option("--workers", "-w", min=0, help="Processes; 0 means every core.")
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="A Dask scheduler's address (tcp://host:8786); without it, a local cluster.",
    ),
]


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate_command)
    app.command("simulate-compare")(compare_command)
    app.command("simulate-sweep")(sweep_command)
    app.command("simulate-from-db")(snapshot_command)
    app.command("simulate-validate")(validate_command)


def snapshot_command(
    days: Annotated[int, typer.Option(min=1, max=366, help="Days ahead to cover.")] = 7,
    out: Annotated[Path, typer.Option(help="Scenario file to write.")] = Path(
        "scenario-today.yaml"
    ),
    template: Annotated[
        str, typer.Option(help="Scenario giving what the database does not know.")
    ] = "langson-baseline",
    history_days: Annotated[
        int, typer.Option(min=1, max=366, help="Days of past arrivals that set new demand.")
    ] = 14,
) -> None:
    """Write a scenario that starts from now: the live queue, bookings and capacity."""
    from cuakhau.cli.common import fail, open_session
    from cuakhau.core.clock import utcnow
    from cuakhau.core.database import make_engine
    from cuakhau.core.schema_version import SchemaOutdated, ensure_schema_current
    from cuakhau.simulation.snapshot import SnapshotError, snapshot_scenario

    settings = Settings()
    language = settings.default_language
    base = _load(template, language)
    engine = make_engine(settings.database_url)
    try:
        ensure_schema_current(engine)
    except SchemaOutdated as error:
        fail(str(error))
    finally:
        engine.dispose()
    try:
        with open_session(settings) as session:
            raw = snapshot_scenario(
                session,
                now=utcnow(),
                days_ahead=days,
                template=base,
                history_days=history_days,
                language=language,
            )
        parse_scenario(raw, label="snapshot")  # what we write must run
    except SnapshotError as error:
        fail(translate(error.code, language))
    except ScenarioError as error:
        fail(error.render(language))
    write_scenario_file(raw, out)
    Console(soft_wrap=True).print(
        translate("sim_wrote_snapshot", language, out=out, name=raw["name"])
    )


def simulate_command(
    scenario: ScenarioName,
    replications: Replications = 20,
    seed: Seed = 1,
    workers: Workers = 0,
    out: Annotated[Path | None, typer.Option(help="Folder for the results.")] = None,
    hourly: Annotated[
        bool, typer.Option(help="Also trucks waiting and the mean wait per hour (JSON).")
    ] = False,
) -> None:
    """Simulate a scenario and write results as JSON, CSV, PNG and HTML."""
    from cuakhau.simulation.outputs import write_run

    language = Settings().default_language
    loaded = _load(scenario, language)
    result = _run(loaded, replications, seed, workers, language, hourly)
    folder = out or Path("simulation-results") / loaded.name
    write_run(result, folder, language)
    console = Console(soft_wrap=True)
    if hub := _hub_table(result, language):
        console.print(hub)
    console.print(translate("sim_wrote_results", language, out=folder))


def compare_command(
    scenarios: Annotated[list[str], typer.Argument(help="Two or more scenarios to compare.")],
    replications: Replications = 20,
    seed: Seed = 1,
    workers: Workers = 0,
    scheduler: Scheduler = None,
    out: Annotated[Path, typer.Option(help="Folder for the comparison.")] = Path(
        "simulation-results/comparison"
    ),
) -> None:
    """Simulate several scenarios with the same seed, on a Dask cluster; one table and one chart."""
    from cuakhau.simulation.outputs import write_comparison

    language = Settings().default_language
    loaded = [_load(name, language) for name in scenarios]
    results = _run_on_cluster(loaded, replications, seed, workers, scheduler, language)
    write_comparison(results, out, language)
    console = Console()
    console.print(_comparison_table(results, language))
    console.print(translate("sim_wrote_results", language, out=out), soft_wrap=True)


def sweep_command(
    sweep: Annotated[str, typer.Argument(help="A sweep file: a scenario with a `sweep:` grid.")],
    replications: Replications = 20,
    seed: Seed = 1,
    workers: Workers = 0,
    scheduler: Scheduler = None,
    out: Annotated[Path | None, typer.Option(help="Folder for the results.")] = None,
) -> None:
    """Simulate every point of a grid of a scenario's parameters, on a Dask cluster."""
    from cuakhau.simulation.outputs import write_comparison
    from cuakhau.simulation.sweep import load_sweep, write_sweep_csv

    language = Settings().default_language
    try:
        grid = load_sweep(sweep)
    except ScenarioError as error:
        _refuse(error, language)
    points = [point.scenario for point in grid.points]
    results = _run_on_cluster(points, replications, seed, workers, scheduler, language)
    folder = out or Path("simulation-results") / grid.name
    write_comparison(results, folder, language)
    write_sweep_csv(grid, results, folder / "sweep.csv")
    console = Console()
    console.print(_comparison_table(results, language, rows=[p.label for p in grid.points]))
    console.print(translate("sim_wrote_results", language, out=folder), soft_wrap=True)


def _load(name: str, language: str) -> Scenario:
    try:
        return load_scenario(name)
    except ScenarioError as error:
        _refuse(error, language)


def _refuse(error: ScenarioError, language: str) -> NoReturn:
    _say_and_exit(error.render(language))


def _say_and_exit(message: str) -> NoReturn:
    # Soft wrap here and wherever a message names a file: a line broken at the
    # terminal's width splits the user's path, which must stay copyable whole.
    Console(stderr=True, soft_wrap=True).print(message, markup=False, highlight=False)
    raise typer.Exit(EXIT_BAD_SCENARIO)


def _progress() -> Progress:
    columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn())
    return Progress(*columns, TimeElapsedColumn(), transient=True)


def _run(
    scenario: Scenario,
    replications: int,
    seed: int,
    workers: int,
    language: str,
    hourly: bool = False,
) -> SimulationResult:
    from cuakhau.simulation.results import summarise

    done = _replicate(scenario, replications, seed, workers, language, hourly)
    return summarise(scenario, done, seed)


def _replicate(
    scenario: Scenario,
    replications: int,
    seed: int,
    workers: int,
    language: str,
    hourly: bool = False,
) -> list[ReplicationResult]:
    from cuakhau.simulation.runner import replicate

    with _progress() as progress:
        task = progress.add_task(
            translate("sim_progress", language, name=scenario.name), total=replications
        )
        return replicate(
            scenario,
            replications,
            seed,
            workers=workers or None,
            on_replication=lambda: progress.advance(task),
            hourly=hourly,
        )


def _run_on_cluster(
    scenarios: list[Scenario],
    replications: int,
    seed: int,
    workers: int,
    scheduler: str | None,
    language: str,
) -> list[SimulationResult]:
    from cuakhau.simulation.cluster import SchedulerUnreachable, cluster_client, simulate_on

    with _progress() as progress:
        task = progress.add_task(
            translate("sim_progress_cluster", language, count=len(scenarios)),
            total=replications * len(scenarios),
        )
        try:
            with cluster_client(scheduler, workers or None) as client:
                return simulate_on(
                    client,
                    scenarios,
                    replications,
                    seed,
                    on_replication=lambda: progress.advance(task),
                )
        except SchedulerUnreachable as error:
            message = translate(
                "sim_scheduler_unreachable", language, address=error.address, reason=error.reason
            )
    _say_and_exit(message)


def validate_command(
    scenario: ScenarioName,
    reported: Annotated[
        Path | None,
        typer.Option(help="Reported figures; default: the shipped ones for the scenario."),
    ] = None,
    replications: Replications = 20,
    seed: Seed = 1,
    workers: Workers = 0,
    out: Annotated[Path | None, typer.Option(help="Also write the table as CSV.")] = None,
) -> None:
    """Compare a scenario with the figures the press reported, held-out ones apart."""
    from cuakhau.simulation.reported import check_points, load_reported

    language = Settings().default_language
    loaded = _load(scenario, language)
    try:
        figures = load_reported(reported or loaded.name)
        done = _replicate(loaded, replications, seed, workers, language)
        checks = check_points(loaded, figures, done)
    except ScenarioError as error:
        _refuse(error, language)
    console = Console()
    console.print(_checks_table(checks, replications, language))
    held_out = [check for check in checks if check.point.split == "held_out" and check.model]
    console.print(
        translate(
            "sim_validate_met",
            language,
            met=sum(bool(check.met) for check in held_out),
            count=len(held_out),
        ),
        soft_wrap=True,
    )
    if out is not None:
        _write_checks(checks, out)
        console.print(translate("sim_wrote_results", language, out=out), soft_wrap=True)


def _checks_table(checks: list[PointCheck], replications: int, language: str) -> Table:
    table = Table(title=translate("sim_validate_title", language, replications=replications))
    for column in ("date", "gates", "metric", "split", "reported", "model", "ratio"):
        justify = "right" if column in {"reported", "model", "ratio"} else "left"
        table.add_column(translate(f"sim_validate_{column}", language), justify=justify)
    for check in checks:
        point = check.point
        gates = "all" if point.gates == "all" else " + ".join(point.gates)
        if check.model is None:
            model = ratio = translate("sim_validate_outside", language)
        else:
            band = check.model
            model = (
                f"{format_number(band.mean[0], language, 0)} "
                f"[{format_number(band.low[0], language, 0)}–"
                f"{format_number(band.high[0], language, 0)}]"
            )
            ratio = format_number(check.ratio or 0.0, language, 2)
        table.add_row(
            point.date.isoformat(),
            gates,
            point.metric,
            translate(f"sim_split_{point.split}", language),
            format_number(point.value, language, 0),
            model,
            ratio,
        )
    return table


def _write_checks(checks: list[PointCheck], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["id", "date", "gates", "metric", "split", "reported", "model", "ci95_low",
             "ci95_high", "ratio", "source"]
        )  # fmt: skip
        for check in checks:
            point, band = check.point, check.model
            gates = "all" if point.gates == "all" else "+".join(point.gates)
            numbers = (
                ["", "", "", ""]
                if band is None
                else [f"{band.mean[0]:.6g}", f"{band.low[0]:.6g}", f"{band.high[0]:.6g}",
                      f"{check.ratio:.3f}"]
            )  # fmt: skip
            row = [point.id, point.date.isoformat(), gates, point.metric, point.split,
                   f"{point.value:g}", *numbers, point.source.url]  # fmt: skip
            writer.writerow(csv_row(row))


def _hub_table(result: SimulationResult, language: str) -> Table | None:
    """The hub's figures for the zone, if the scenario declares hub stations: each kind
    of station's queue, wait and utilisation, the trailers' stocks, and the backlog."""
    from cuakhau.simulation.results import HUB_METRICS, metric_label

    zone = result.summary["all"]
    shown = [name for name in HUB_METRICS if name in zone and name not in HUB_COUNTS]
    if not shown:
        return None
    title = translate("sim_hub_title", language, replications=result.replications)
    table = Table(title=title)
    table.add_column(translate("sim_compare_zone_column", language))
    table.add_column(result.scenario.name, justify="right", overflow="fold")
    for name in (*shown, "peak_trucks_waiting"):
        label = (
            metric_label(name, language)
            if name in HUB_METRICS
            else translate(f"sim_compared_{name}", language)
        )
        table.add_row(label, _band_cell(result, name, language))
    return table


# Totals over the horizon in a summary, where the hub table shows stocks and waits.
HUB_COUNTS = ("trailers_dropped", "trailers_handed_back")


def _band_cell(result: SimulationResult, name: str, language: str) -> str:
    band = result.summary["all"][name]
    spread = band.high[0] - band.mean[0]
    digits = 2 if name.endswith("utilisation") else 1  # a share: 0.88, not 0.9
    mean, plus = (format_number(value, language, digits) for value in (band.mean[0], spread))
    return f"{mean} ±{plus}"


def _comparison_table(
    results: list[SimulationResult], language: str, *, rows: list[str] | None = None
) -> Table:
    """A column a scenario; or, given their ``rows`` labels, a row a scenario (a
    sweep's many points)."""
    from cuakhau.simulation.outputs import compared

    names = compared(results)
    title = translate("sim_compare_title", language, replications=results[0].replications)
    table = Table(title=title)

    def cell(result: SimulationResult, name: str) -> str:
        return _band_cell(result, name, language)

    if rows is not None:
        table.add_column(translate("sim_compare_scenario_column", language), overflow="fold")
        for name in names:
            table.add_column(translate(f"sim_compared_{name}", language), justify="right")
        for label, result in zip(rows, results, strict=True):
            table.add_row(label, *(cell(result, name) for name in names))
        return table
    table.add_column(translate("sim_compare_zone_column", language), no_wrap=True)
    for result in results:
        table.add_column(result.scenario.name, justify="right", overflow="fold")
    for name in names:
        table.add_row(
            translate(f"sim_compared_{name}", language), *(cell(r, name) for r in results)
        )
    return table


def write_scenario_file(raw: dict[str, object], path: Path) -> None:
    header = "# Written by `cuakhau simulate-from-db`: the zone as the database had it.\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + dump_scenario(raw), encoding="utf-8")
