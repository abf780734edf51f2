"""Bookings per second through a multi-worker cuakhau server on PostgreSQL,
against pgbench running the same single-row lock-and-insert transaction.

Two more figures say where the rest goes. Beside each booking load, the same
server answers as many bare authenticated reads (``GET /api/v1/auth/me``: the
token check and a small answer): the most this server stack does per request,
whatever a booking costs. And pgbench runs the booking's own statements (the
express lane's, ``crossings.express``: who books, lock the truck, lock the
window, write the crossing, cargo, move, notice and audit entries; or those a
checkout's ``benchmarks/gate/pgbench_booking.py`` gives): the most the database
does per booking, with no HTTP and no Python.

    python benchmarks/gate/bench_booking.py                      # 50 and 200 clients
    python benchmarks/gate/bench_booking.py --clients 50 200 --requests 4000 --workers 4
    python benchmarks/gate/bench_booking.py --ab main HEAD       # before and after: booking_ab.py

Makes its own databases on the local server (``cuakhau_bench`` and
``cuakhau_bench_pgbench``, dropped first), books real crossings over HTTP
(``POST /api/v1/crossings`` for a chosen window, one vehicle per booking, spread
over many windows with room), then counts over-bookings. Results are printed and
written as JSON under benchmarks/results/ (or ``--out``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import runpy
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import gatebench
from gatebench import Call, Load, PgbenchRun, percentile, rounded
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import create_engine, text

# Wide enough for the results table when the output goes to a file.
console = Console(width=None if sys.stdout.isatty() else 160)

# One-hour windows round the clock, each with more room than a run can fill:
# the benchmark measures booking, not refusal.
WINDOW_CAPACITY = 100_000
HORIZON_DAYS = 14
ENTERPRISES = 50
# The zone's days: windows are made for them.
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# pgbench opens one connection per client; the server allows 100 in all, and the
# app itself never uses more than its pools (15 per worker), so the baseline
# stops at this many connections and says so.
PGBENCH_MAX_CONNECTIONS = 64

PGBENCH_SCHEMA = """
CREATE TABLE slot (
    id integer PRIMARY KEY,
    capacity integer NOT NULL,
    booked integer NOT NULL DEFAULT 0,
    CHECK (booked <= capacity)
);
CREATE TABLE booking (
    id bigserial PRIMARY KEY,
    slot_id integer NOT NULL REFERENCES slot (id),
    vehicle_id integer NOT NULL,
    state varchar(16) NOT NULL DEFAULT 'booked',
    booked_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON booking (slot_id);
INSERT INTO slot (id, capacity) SELECT g, 1000000000 FROM generate_series(1, :slots) AS g;
"""

# The transaction the app's booking is measured against: lock the window row,
# take a unit only while there is room, insert the booking.
PGBENCH_SCRIPT = """\\set id random(1, :slots)
\\set vehicle random(1, 10000000)
BEGIN;
SELECT booked, capacity FROM slot WHERE id = :id FOR UPDATE;
UPDATE slot SET booked = booked + 1 WHERE id = :id AND booked < capacity;
INSERT INTO booking (slot_id, vehicle_id) VALUES (:id, :vehicle);
COMMIT;
"""


def arrange(url: str, bookings: int) -> tuple[int, list[int], list[tuple[dict[str, str], int]]]:
    """A gate, its windows to the horizon, enterprises with tokens, one vehicle
    per booking. Made through the services the API uses."""
    gatebench.use_repo_imports()
    from tests.factories import (
        bearer,
        make_enterprise,
        make_gate,
        make_pattern,
        make_priority_classes,
        make_user,
        make_vehicle,
    )

    from cuakhau.capacity.service import ensure_windows
    from cuakhau.core.actor import Actor
    from cuakhau.core.database import make_engine, session_scope
    from cuakhau.core.schema_version import upgrade
    from cuakhau.crossings.rules import policy
    from cuakhau.models.enums import Direction, Role

    upgrade(url)
    engine = make_engine(url)
    try:
        factory = gatebench.audited_factory(engine)
        with session_scope(factory, Actor(label="benchmark")) as session:
            policy(session).booking_horizon_days = HORIZON_DAYS
            make_priority_classes(session)
            gate = make_gate(session, holiday_calendars=[])
            make_pattern(session, gate, capacity=WINDOW_CAPACITY, hours=range(24))
            today = datetime.now(ZONE).date()
            windows = ensure_windows(
                session, gate, Direction.export, today, today + timedelta(days=HORIZON_DAYS)
            )
            # Well clear of now: a window must still be in the future when booked.
            soon = datetime.now(UTC) + timedelta(hours=2)
            window_ids = [w.id for w in windows if w.starts_at > soon]
            firms = []
            for _ in range(ENTERPRISES):
                firm = make_enterprise(session)
                firms.append(
                    (firm, bearer(session, make_user(session, Role.enterprise, enterprise=firm)))
                )
            fleet = []
            for n in range(bookings):
                firm, headers = firms[n % ENTERPRISES]
                fleet.append((headers, make_vehicle(session, firm).id))
            return gate.id, window_ids, fleet
    finally:
        engine.dispose()


def booking_calls(
    gate_id: int, window_ids: list[int], fleet: list[tuple[dict[str, str], int]]
) -> list[Call]:
    calls = []
    for n, (headers, vehicle_id) in enumerate(fleet):
        body = {
            "vehicle_id": vehicle_id,
            "gate_id": gate_id,
            "direction": "export",
            "regime": "export",
            "window_id": window_ids[n % len(window_ids)],
            "cargo": [
                {
                    "hs_code": "940360",
                    "description": "Đồ gỗ",
                    "packages": 800,
                    "weight_kg": 16000,
                    "value_usd": "12000.00",
                }
            ],
        }
        calls.append(Call("/api/v1/crossings", headers, json.dumps(body).encode()))
    return calls


def overbookings(url: str) -> dict[str, int]:
    """After the run: windows over capacity, windows whose count disagrees with
    their open crossings, and crossings in all."""
    # The open states of the checkout whose cuakhau is imported (an A/B run
    # checks each database with its own checkout's).
    from cuakhau.crossings.states import OPEN_STATES

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            over = connection.scalar(
                text("SELECT count(*) FROM crossing_window WHERE booked > capacity")
            )
            disagree = connection.scalar(
                text(
                    "SELECT count(*) FROM crossing_window w LEFT JOIN ("
                    " SELECT window_id, count(*) AS n FROM crossing"
                    " WHERE state = ANY(:open) GROUP BY window_id) c ON c.window_id = w.id"
                    " WHERE w.booked <> coalesce(c.n, 0)"
                ),
                {"open": [state.name for state in OPEN_STATES]},
            )
            crossings = connection.scalar(text("SELECT count(*) FROM crossing"))
            booked = connection.scalar(text("SELECT coalesce(sum(booked), 0) FROM crossing_window"))
    finally:
        engine.dispose()
    return {
        "windows_over_capacity": int(over or 0),
        "windows_disagreeing_with_crossings": int(disagree or 0),
        "crossings": int(crossings or 0),
        "units_booked": int(booked or 0),
    }


def baseline_database(name: str, slots: int) -> str:
    """pgbench's own database for the single-row lock-and-insert baseline."""
    url = gatebench.fresh_database(name)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for statement in PGBENCH_SCHEMA.replace(":slots", str(slots)).split(";"):
                if statement.strip():
                    connection.execute(text(statement))
    finally:
        engine.dispose()
    return url


def pgbench_level(
    progress: Progress,
    label: str,
    url: str,
    script: str,
    count: int,
    seconds: int,
    variables: dict[str, str],
    scratch: Path,
    prepared: bool = False,
    session_options: str = "",
    most: int = PGBENCH_MAX_CONNECTIONS,
) -> PgbenchRun:
    """One pgbench run of ``script`` for a client count, up to the connections
    allowed (``most``)."""
    connections = min(count, most)
    task = progress.add_task(f"{label}, {connections} clients", total=None)
    run = gatebench.run_pgbench(
        url,
        script,
        connections,
        seconds,
        variables,
        scratch,
        prepared=prepared,
        session_options=session_options,
    )
    progress.update(task, total=1, completed=1)
    return run


# A checkout whose booking is not the express lane's says here how pgbench runs
# its booking's own statements (the contract is in benchmarks/README.md).
OWN_PGBENCH_BOOKING = Path("benchmarks") / "gate" / "pgbench_booking.py"


@dataclass(frozen=True)
class BookingStatements:
    """The booking's own statements as pgbench runs them: the script, its
    variables (``-D``), each connection's settings, and the file they came from."""

    script: str
    variables: dict[str, str]
    session_settings: dict[str, str]
    source: str

    def session_options(self) -> str:
        return " ".join(f"-c {name}={value}" for name, value in self.session_settings.items())


def pgbench_booking(url: str, gate_id: int, window_ids: list[int]) -> BookingStatements:
    """The booking's own statements of the checkout whose ``cuakhau`` this
    process imports: its ``benchmarks/gate/pgbench_booking.py``, or for a
    checkout without one, the express lane's (``express_pgbench.py``)."""
    own = gatebench.imported_checkout() / OWN_PGBENCH_BOOKING
    if own.is_file():
        source, names = own, runpy.run_path(str(own))
    else:
        try:
            adapter = importlib.import_module("express_pgbench")
        except ImportError as error:
            raise SystemExit(
                f"{own.parents[2]} has no {OWN_PGBENCH_BOOKING}, and its booking is not the "
                f"express lane's ({error}): benchmarks/README.md says what the file gives"
            ) from error
        source, names = Path(str(adapter.__file__)), vars(adapter)
    script, variables = names["pgbench_booking_script"](url, gate_id, window_ids)
    return BookingStatements(
        script=script,
        variables=dict(variables),
        session_settings=dict(names.get("SESSION_SETTINGS", {})),
        source=str(source),
    )


def booking_baseline(
    url: str, gate_id: int, window_ids: list[int], clients: list[int], seconds: int, scratch: Path
) -> list[PgbenchRun]:
    """The booking's own statements, straight from pgbench: what the database
    alone does for a whole booking, with no HTTP and no Python."""
    statements = pgbench_booking(url, gate_id, window_ids)
    with progress_bar() as progress:
        return [
            pgbench_booking_level(
                progress, "pgbench booking", url, statements, count, seconds, scratch
            )
            for count in clients
        ]


def pgbench_booking_level(
    progress: Progress,
    label: str,
    url: str,
    statements: BookingStatements,
    count: int,
    seconds: int,
    scratch: Path,
) -> PgbenchRun:
    """One pgbench run of the booking's own statements, each prepared once per
    connection, as the app's are."""
    return pgbench_level(
        progress,
        label,
        url,
        statements.script,
        count,
        seconds,
        statements.variables,
        scratch,
        prepared=True,
        session_options=statements.session_options(),
    )


def progress_bar() -> Progress:
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def summarise(load: Load) -> dict[str, Any]:
    created = load.statuses().get("201", 0)
    latencies = load.latencies_ms()
    assert load.cpu is not None
    return {
        "clients": load.clients,
        "requests": len(load.outcomes),
        "seconds": load.seconds,
        "created": created,
        "refused_409": load.statuses().get("409", 0),
        "statuses": load.statuses(),
        "bookings_per_second": created / load.seconds if load.seconds else 0.0,
        "p50_ms": percentile(latencies, 0.50),
        "p99_ms": percentile(latencies, 0.99),
        "cpu_ms_per_booking": load.cpu.per_request_ms(created),
        "first_errors": sorted(
            {o.body.decode(errors="replace")[:300] for o in load.outcomes if o.status >= 500}
        )[:3],
    }


def plot_cpu(rows: list[dict[str, Any]], cpus: int, path: Path) -> Path:
    """Where a booking's CPU goes, per client count, beside what the goal allows:
    at 25% of pgbench's rate, this machine's cores can spend at most
    cpus / (0.25 x tps) on each booking, all parts together."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    parts = {"server": "cuakhau server", "postgres": "PostgreSQL", "client": "load generator"}
    allowed = [cpus * 1000 / (0.25 * row["pgbench"].tps) for row in rows]
    labels = [
        f"{row['clients']} clients\n(goal ≤ {most:.2f} ms)"
        for row, most in zip(rows, allowed, strict=True)
    ]
    figure, axes = plt.subplots(figsize=(8, 1.6 + 0.9 * len(rows)))
    left = [0.0] * len(rows)
    for part, name in parts.items():
        widths = [row["cpu_ms_per_booking"][part] for row in rows]
        axes.barh(labels, widths, left=left, label=name)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for n, most in enumerate(allowed):
        axes.plot(
            [most, most],
            [n - 0.45, n + 0.45],
            color="black",
            linewidth=2,
            label="25% of pgbench allows" if n == 0 else None,
        )
    axes.set_xlabel(f"CPU ms per booking ({cpus} cores)")
    axes.set_title("Where a booking's CPU goes, and what 25% of pgbench allows")
    axes.invert_yaxis()
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=4, fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[50, 200])
    parser.add_argument(
        "--requests",
        type=int,
        default=3000,
        help="bookings per client count (with --ab: per round and checkout)",
    )
    parser.add_argument("--warmup", type=int, default=200, help="bookings before measuring")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="server processes (default: one per core; more only compete for them)",
    )
    parser.add_argument("--pgbench-seconds", type=int, default=15)
    parser.add_argument("--database", default="cuakhau_bench")
    parser.add_argument("--out", type=Path, default=None, help="JSON results file")
    parser.add_argument(
        "--ab",
        nargs=2,
        metavar=("BEFORE", "AFTER"),
        help="compare two checkouts (folders, or revisions of this repository) in alternating "
        "rounds against one PostgreSQL server (booking_ab.py)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="with --ab: rounds of each")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.ab:
        import booking_ab

        booking_ab.run(args)
        return

    url = gatebench.fresh_database(args.database)
    total = args.warmup + args.requests * len(args.clients)
    with console.status(f"Arranging {total:,} vehicles, windows and tokens in {args.database}"):
        gate_id, window_ids, fleet = arrange(url, total)
    calls = booking_calls(gate_id, window_ids, fleet)
    console.print(f"{len(window_ids)} windows of {WINDOW_CAPACITY:,}; {ENTERPRISES} enterprises")

    scratch = Path(tempfile.mkdtemp(prefix="cuakhau-bench-"))
    baseline_url = baseline_database("cuakhau_bench_pgbench", len(window_ids))
    loads: list[Load] = []
    bare: list[Load] = []
    # Each level's baseline runs right after its load: on a shared machine the
    # other tenants' work comes and goes, and a baseline measured a minute later
    # may meet another machine.
    baseline: list[PgbenchRun] = []
    with (
        gatebench.live_server(url, args.workers, scratch / "server.log") as server,
        progress_bar() as progress,
    ):
        warm = progress.add_task("warm-up", total=args.warmup)
        gatebench.run_load(
            server, calls[: args.warmup], min(args.clients), lambda: progress.advance(warm)
        )
        start = args.warmup
        for count in args.clients:
            batch = calls[start : start + args.requests]
            start += args.requests
            task = progress.add_task(f"cuakhau, {count} clients", total=len(batch))
            loads.append(
                gatebench.run_load(server, batch, count, lambda t=task: progress.advance(t))
            )
            slots = {"slots": str(len(window_ids))}
            baseline.append(
                pgbench_level(
                    progress,
                    "pgbench",
                    baseline_url,
                    PGBENCH_SCRIPT,
                    count,
                    args.pgbench_seconds,
                    slots,
                    scratch,
                )
            )
            reads = [Call("/api/v1/auth/me", call.headers, method="GET") for call in batch]
            task = progress.add_task(f"bare GET, {count} clients", total=len(reads))
            bare.append(
                gatebench.run_load(server, reads, count, lambda t=task: progress.advance(t))
            )
    checked = overbookings(url)
    crossings_before = checked["crossings"]
    whole = booking_baseline(
        url, gate_id, window_ids, args.clients, args.pgbench_seconds, scratch / "booking"
    )
    after_pgbench = overbookings(url)
    booked_by_pgbench = after_pgbench["crossings"] - crossings_before

    table = Table(title=f"Booking: cuakhau ({args.workers} workers) against pgbench")
    for column in (
        "clients",
        "cuakhau bookings/s",
        "p50 ms",
        "p99 ms",
        "409s",
        "5xx/errors",
        "pgbench conns",
        "pgbench tps",
        "pgbench p50/p99 ms",
        "ratio",
        "bare GET/s",
        "bare ratio",
        "pgbench booking tps",
        "of it",
        "over-bookings",
        "CPU ms per booking: server / PostgreSQL / load",
    ):
        table.add_column(column, justify="right")
    rows = []
    over = sum(
        check["windows_over_capacity"] + check["windows_disagreeing_with_crossings"]
        for check in (checked, after_pgbench)
    )
    for load, reads, run, own in zip(loads, bare, baseline, whole, strict=True):
        summary = summarise(load)
        errors = sum(n for s, n in summary["statuses"].items() if int(s) == 0 or int(s) >= 500)
        ratio = summary["bookings_per_second"] / run.tps if run.tps else 0.0
        bare_per_second = reads.statuses().get("200", 0) / reads.seconds if reads.seconds else 0.0
        bare_ratio = bare_per_second / run.tps if run.tps else 0.0
        of_booking = summary["bookings_per_second"] / own.tps if own.tps else 0.0
        rows.append(
            {
                **summary,
                "pgbench": run,
                "ratio": ratio,
                "errors": errors,
                "bare_get_per_second": bare_per_second,
                "bare_get_ratio": bare_ratio,
                "pgbench_booking": own,
                "ratio_to_pgbench_booking": of_booking,
            }
        )
        table.add_row(
            str(load.clients),
            rounded(summary["bookings_per_second"]),
            rounded(summary["p50_ms"]),
            rounded(summary["p99_ms"]),
            str(summary["refused_409"]),
            str(errors),
            str(run.clients),
            rounded(run.tps),
            f"{rounded(run.p50_ms)} / {rounded(run.p99_ms)}",
            f"{ratio:.1%}",
            rounded(bare_per_second),
            f"{bare_ratio:.0%}",
            rounded(own.tps),
            f"{of_booking:.0%}",
            str(over),
            " / ".join(rounded(ms, 2) for ms in summary["cpu_ms_per_booking"].values()),
        )
    console.print(table)
    console.print(f"Database check after the HTTP run: {checked}")
    console.print(f"Database check after pgbench's bookings: {after_pgbench}")
    transactions = sum(run.transactions for run in whole)
    if booked_by_pgbench != transactions:
        console.print(
            f"[red]pgbench ran {transactions:,} booking transactions but booked "
            f"{booked_by_pgbench:,}: its baseline counts refusals[/red]"
        )
    results = {
        "benchmark": "booking",
        "machine": gatebench.machine(),
        "postgres": gatebench.server_settings(url),
        "workers": args.workers,
        "windows": len(window_ids),
        "levels": rows,
        "database_check": checked,
        "database_check_after_pgbench": after_pgbench,
        "pgbench_bookings_made": booked_by_pgbench,
        "goal": "cuakhau bookings/s >= 25% of pgbench tps; zero over-bookings",
    }
    path = gatebench.write_results("booking", args.out, results)
    chart = plot_cpu(rows, os.cpu_count() or 1, path.with_suffix(".png"))
    console.print(f"Results: {path}, {chart}  (server log: {scratch / 'server.log'})")
    if over:
        sys.exit(1)


if __name__ == "__main__":
    main()
