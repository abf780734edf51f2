"""Plate reads per second through the batch endpoint of a multi-worker cuakhau
server on PostgreSQL, against plain INSERTs of the same rows in the same run.

    python benchmarks/gate/bench_plate_reads.py                  # 4 cameras, batches of 500
    python benchmarks/gate/bench_plate_reads.py --clients 2 8 --batch 1000 --reads 40000

Makes its own databases on the local server (``cuakhau_bench_reads`` and
``cuakhau_bench_reads_baseline``, dropped first). Each camera (its own account and
token) posts batches to ``POST /api/v1/plate-reads``: the first read of each
booked truck at ``yard_in`` moves it to *arrived*, later reads of it at
``gate_in`` are kept without a move, and one read in fifty has a low confidence
and becomes an alert. The baseline inserts the same rows, batch by batch, one
transaction per batch, from as many connections as there are cameras
(psycopg ``executemany``). Results are printed and written as JSON under
benchmarks/results/ (or ``--out``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import gatebench
import psycopg
from gatebench import Call, Load, Server, percentile, rounded
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.engine import make_url

# Wide enough for the results table when the output goes to a file.
console = Console(width=None if sys.stdout.isatty() else 160)

TRUCKS = 1000
LOW_CONFIDENCE_EVERY = 50

BASELINE_SCHEMA = """
CREATE TABLE plate_read (
    id bigserial PRIMARY KEY,
    camera_user_id integer NOT NULL,
    read_id varchar(64) NOT NULL,
    plate_as_read varchar(32) NOT NULL,
    plate varchar(32),
    point varchar(16) NOT NULL,
    read_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    confidence numeric(4, 3) NOT NULL,
    outcome varchar(16) NOT NULL,
    UNIQUE (camera_user_id, read_id)
);
CREATE INDEX ON plate_read (plate, read_at)
"""


def arrange(url: str, cameras: int) -> tuple[list[str], list[dict[str, str]]]:
    """Booked trucks (their plates) and camera accounts (their headers)."""
    gatebench.use_repo_imports()
    from tests.factories import (
        bearer,
        make_booking,
        make_enterprise,
        make_gate,
        make_pattern,
        make_priority_classes,
        make_user,
    )

    from cuakhau.core.actor import Actor
    from cuakhau.core.database import make_engine, session_scope
    from cuakhau.core.schema_version import upgrade
    from cuakhau.models.enums import Role

    upgrade(url)
    engine = make_engine(url)
    try:
        factory = gatebench.audited_factory(engine)
        with session_scope(factory, Actor(label="benchmark")) as session:
            make_priority_classes(session)
            gate = make_gate(session, holiday_calendars=[])
            make_pattern(session, gate, capacity=TRUCKS, hours=range(24))
            firm = make_enterprise(session)
            now = datetime.now(UTC)
            plates = [make_booking(session, firm, gate, now=now).plate for _ in range(TRUCKS)]
            headers = [bearer(session, make_user(session, Role.camera)) for _ in range(cameras)]
            return plates, headers
    finally:
        engine.dispose()


def read_batches(
    plates: list[str], cameras: int, total: int, batch: int, level: str
) -> list[tuple[int, list[dict[str, Any]]]]:
    """(camera index, reads) batches; read ids are unique per level so every
    level writes new rows."""
    # After the bookings were made: an earlier sighting is news of an earlier
    # trip and becomes an alert, not a move.
    started = datetime.now().astimezone()
    batches: list[tuple[int, list[dict[str, Any]]]] = []
    for first in range(0, total, batch):
        camera = (first // batch) % cameras
        reads = []
        for n in range(first, min(first + batch, total)):
            plate = plates[n % len(plates)]
            reads.append(
                {
                    "read_id": f"{level}-{n}",
                    "plate": plate,
                    # Each truck's first sighting moves it; the rest only count.
                    "point": "yard_in" if n < len(plates) else "gate_in",
                    "read_at": (started + timedelta(microseconds=10 * n)).isoformat(),
                    "confidence": 0.5 if n % LOW_CONFIDENCE_EVERY == 0 else 0.97,
                }
            )
        batches.append((camera, reads))
    return batches


def run_cuakhau(
    server: Server,
    headers: list[dict[str, str]],
    batches: list[tuple[int, list[dict[str, Any]]]],
    clients: int,
    progress: Progress,
) -> Load:
    calls = [
        Call("/api/v1/plate-reads", headers[camera], json.dumps({"reads": reads}).encode())
        for camera, reads in batches
    ]
    task = progress.add_task(f"cuakhau, {clients} cameras", total=len(calls))
    return gatebench.run_load(server, calls, clients, lambda: progress.advance(task))


def run_baseline(
    url: str,
    batches: list[tuple[int, list[dict[str, Any]]]],
    clients: int,
    progress: Progress,
) -> tuple[float, list[float]]:
    """The same rows by plain INSERTs: seconds in all and per-batch latencies."""
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    task = progress.add_task(f"INSERT baseline, {clients} connections", total=len(batches))
    latencies: list[float] = []
    lock = threading.Lock()
    local = threading.local()
    connections: list[psycopg.Connection[Any]] = []

    def send(item: tuple[int, list[dict[str, Any]]]) -> None:
        camera, reads = item
        if not hasattr(local, "connection"):
            local.connection = psycopg.connect(conninfo)
            with lock:
                connections.append(local.connection)
        received = datetime.now().astimezone()
        rows = [
            (
                camera + 1,
                r["read_id"],
                r["plate"],
                r["plate"],
                r["point"],
                r["read_at"],
                received,
                r["confidence"],
                "applied",
            )
            for r in reads
        ]
        started = time.perf_counter()
        with local.connection.transaction(), local.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO plate_read (camera_user_id, read_id, plate_as_read, plate, point,"
                " read_at, received_at, confidence, outcome)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )
        with lock:
            latencies.append((time.perf_counter() - started) * 1000)
        progress.advance(task)

    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(send, batches))
    finally:
        for connection in connections:
            connection.close()
    return time.perf_counter() - started, sorted(latencies)


def cpu_per_thousand(load: Load, reads: int) -> dict[str, float]:
    assert load.cpu is not None
    return {part: ms * 1000 for part, ms in load.cpu.per_request_ms(reads).items()}


def accepted_reads(answer: dict[str, Any]) -> int:
    """Reads the server stored, now or before; a refused read is not one."""
    return int(answer["taken"]) + int(answer["already_known"])


def outcomes(load: Load) -> Counter[str]:
    counted: Counter[str] = Counter()
    for outcome in load.outcomes:
        if outcome.status == 200:
            counted.update(json.loads(outcome.body)["counts"])
    return counted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[4], help="cameras at once")
    parser.add_argument("--reads", type=int, default=20_000, help="reads per camera count")
    parser.add_argument("--batch", type=int, default=500, help="reads per request (max 1000)")
    parser.add_argument("--workers", type=int, default=4, help="server processes")
    parser.add_argument("--database", default="cuakhau_bench_reads")
    parser.add_argument("--out", type=Path, default=None, help="JSON results file")
    args = parser.parse_args()

    url = gatebench.fresh_database(args.database)
    cameras = max(args.clients)
    with console.status(f"Arranging {TRUCKS} booked trucks and {cameras} cameras"):
        plates, headers = arrange(url, cameras)
    baseline_url = gatebench.fresh_database(f"{args.database}_baseline")
    with psycopg.connect(
        make_url(baseline_url).set(drivername="postgresql").render_as_string(hide_password=False)
    ) as connection:
        for statement in BASELINE_SCHEMA.split(";"):
            connection.execute(statement)  # type: ignore[call-overload]

    scratch = Path(tempfile.mkdtemp(prefix="cuakhau-bench-reads-"))
    levels = []
    with (
        gatebench.live_server(url, args.workers, scratch / "server.log") as server,
        Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress,
    ):
        for clients in args.clients:
            batches = read_batches(plates, clients, args.reads, args.batch, f"c{clients}")
            load = run_cuakhau(server, headers, batches, clients, progress)
            seconds, baseline_ms = run_baseline(baseline_url, batches, clients, progress)
            ok = [o for o in load.outcomes if o.status == 200]
            accepted = sum(accepted_reads(json.loads(o.body)) for o in ok)
            latencies = load.latencies_ms(200)
            levels.append(
                {
                    "cameras": clients,
                    "batch": args.batch,
                    "reads": args.reads,
                    "accepted_reads": accepted,
                    "statuses": load.statuses(),
                    "outcomes": dict(outcomes(load)),
                    "seconds": load.seconds,
                    "reads_per_second": accepted / load.seconds,
                    "batch_p50_ms": percentile(latencies, 0.50),
                    "batch_p99_ms": percentile(latencies, 0.99),
                    "baseline_seconds": seconds,
                    "baseline_reads_per_second": args.reads / seconds,
                    "baseline_batch_p50_ms": percentile(baseline_ms, 0.50),
                    "baseline_batch_p99_ms": percentile(baseline_ms, 0.99),
                    "cpu_ms_per_thousand_reads": cpu_per_thousand(load, accepted),
                }
            )

    table = Table(title=f"Plate reads: cuakhau ({args.workers} workers) against plain INSERTs")
    for column in (
        "cameras",
        "batch",
        "reads/s",
        "batch p50/p99 ms",
        "INSERT reads/s",
        "ratio",
        "CPU ms per 1,000 reads: server / PostgreSQL / load",
    ):
        table.add_column(column, justify="right")
    for level in levels:
        table.add_row(
            str(level["cameras"]),
            str(level["batch"]),
            rounded(level["reads_per_second"]),
            f"{rounded(level['batch_p50_ms'])} / {rounded(level['batch_p99_ms'])}",
            rounded(level["baseline_reads_per_second"]),
            f"{level['reads_per_second'] / level['baseline_reads_per_second']:.0%}",
            " / ".join(rounded(ms) for ms in level["cpu_ms_per_thousand_reads"].values()),
        )
    console.print(table)
    for level in levels:
        console.print(f"{level['cameras']} cameras: {level['statuses']} {level['outcomes']}")
    results = {
        "benchmark": "plate_reads",
        "machine": gatebench.machine(),
        "postgres": gatebench.server_settings(url),
        "workers": args.workers,
        "trucks": TRUCKS,
        "levels": levels,
    }
    path = gatebench.write_results("plate-reads", args.out, results)
    console.print(f"Results: {path}  (server log: {scratch / 'server.log'})")


if __name__ == "__main__":
    main()
