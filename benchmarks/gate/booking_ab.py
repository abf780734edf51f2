"""The booking benchmark's A/B mode: a before (A) and an after (B) checkout
booking against one PostgreSQL server in alternating rounds, and their ratios
measured in the same run.

    python benchmarks/gate/bench_booking.py --ab main HEAD
    python benchmarks/gate/bench_booking.py --ab /work/main /work/wt-after --rounds 3

Databases. Each checkout serves a database of its own on the same server
(``<database>_ab_a`` and ``_ab_b``), upgraded by its own ``cuakhau db upgrade``
and filled by its own factories: ``bench_booking.arrange`` runs in a process
with the checkout on ``PYTHONPATH`` (``checkouts.call_each``; both at once).
One database both serve is not sound: each server refuses a schema that is not its own head, and
an after whose migrations add tables or install a function changes the very
thing measured. The two get the same gate, windows, enterprises and trucks,
from the same counts and the factories' same sequences; only the tokens differ
(they are random).

Servers. Both run for the whole A/B, started before any load, so start-up is not
measured; from this venv, with the checkout's ``src`` on ``PYTHONPATH`` and a
working directory in no checkout (``gatebench.live_server``); each says at
start-up which ``cuakhau`` it imported, and it must be its checkout's. This venv
must hold both checkouts' dependencies (checked first: pip never uninstalls a
dependency an after drops, so ``pip install -e '.[dev,bench]'`` keeps the
before's, and what is missing is named with the command that installs it).

Rounds. Each server is warmed up with ``--warmup`` bookings; then, at each
client count, A, B, A, B, ... (``--rounds`` each, after a lead-in round of each
that is not measured), each round a fresh batch of ``--requests`` bookings of
trucks never booked before, with the CPU each side spent read from /proc around
it. The lead-in makes every measured round follow a round of the other as large
as itself: a round leaves PostgreSQL work behind (pages to write, tables to
vacuum), and the count before leaves its pgbench's, which would otherwise fall
on A's first round. A round pair runs seconds apart, so the other
tenants of a shared machine weigh on both alike: the ratios B/A are the medians
of the pairs' ratios. The idle server stays up and idle.

Baselines, in the same run. The single-row lock-and-insert (``PGBENCH_SCRIPT``)
right after each client count's rounds, in its own database, on the connections
the two servers leave free. Then, both servers
stopped, each checkout's booking's own statements straight from pgbench on its
own database (``bench_booking.pgbench_booking``, built in the checkout's
process), A then B at each client count: last, because making them ready
changes the database (the express lane's adapter lifts the limit of open
bookings per truck). Both databases are checked for over-bookings after the
rounds and again after pgbench's bookings.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

import checkouts
import gatebench
from bench_booking import (
    ENTERPRISES,
    PGBENCH_MAX_CONNECTIONS,
    PGBENCH_SCRIPT,
    WINDOW_CAPACITY,
    BookingStatements,
    baseline_database,
    booking_calls,
    console,
    pgbench_booking_level,
    pgbench_level,
    progress_bar,
    summarise,
)
from checkouts import Checkout, StepFailed
from gatebench import Call, Load, PgbenchRun, rounded
from rich.table import Table

# The goal for the after: as fast as the before, and near what its own
# statements do straight from pgbench.
GOAL_RATIO = 0.95
GOAL_OF_PGBENCH_BOOKING = 0.90
# The single-row pgbench runs while both servers hold their connections (about
# 16 each with two workers): it leaves this many of the server's free for
# other work on it rather than fail to connect.
CONNECTIONS_SPARED = 10


@dataclass
class Side:
    """A checkout under test: its database, what its arrange made, its calls
    (warm-up first, then one batch per round), and per client count its
    rounds' loads and the CPU other processes spent during each (cores)."""

    checkout: Checkout
    url: str
    gate_id: int
    window_ids: list[int]
    calls: list[Call]
    loads: dict[int, list[Load]] = field(default_factory=dict)
    others: dict[int, list[float]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.checkout.label


def run(args: argparse.Namespace) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="cuakhau-ab-"))
    with checkouts.made(args.ab, scratch) as pair:
        for checkout in pair:
            console.print(f"{checkout}: {checkout.root}")
        missing = sorted({line for c in pair for line in checkouts.missing_dependencies(c)})
        if missing:
            wanted = " ".join(f"'{line}'" for line in missing)
            raise SystemExit(
                "This venv runs both checkouts and lacks what they depend on; install them "
                f"beside the development install:\n  {sys.executable} -m pip install {wanted}"
            )
        _run(args, pair, scratch)


def _run(args: argparse.Namespace, pair: list[Checkout], scratch: Path) -> None:
    sides = _arrange(args, pair, scratch)
    a, b = sides
    console.print(
        f"Each: {len(b.window_ids)} windows of {WINDOW_CAPACITY:,}; {ENTERPRISES} enterprises; "
        f"{args.workers} workers"
    )
    baseline, imported = _rounds(args, sides, scratch)
    checked = _overbookings(sides, scratch)
    statements, own = _pgbench_bookings(args, sides, scratch)
    checked_after = _overbookings(sides, scratch)

    levels = [
        _level(count, a, b, run, own, index)
        for index, (count, run) in enumerate(zip(args.clients, baseline, strict=True))
    ]
    over = {
        side.label: sum(
            check[side.label]["windows_over_capacity"]
            + check[side.label]["windows_disagreeing_with_crossings"]
            for check in (checked, checked_after)
        )
        for side in sides
    }
    made_by_pgbench = {
        label: checked_after[label]["crossings"] - checked[label]["crossings"] for label in own
    }
    _print(args, a, b, levels, over)
    console.print(f"Servers' cuakhau: A {imported['A']}; B {imported['B']}")
    console.print(f"Database check after the HTTP rounds: {checked}")
    console.print(f"Database check after pgbench's bookings: {checked_after}")
    for label, runs in own.items():
        transactions = sum(run.transactions for run in runs)
        console.print(f"pgbench booking {label}: {statements[label].source}")
        if made_by_pgbench[label] != transactions:
            console.print(
                f"[red]pgbench ran {transactions:,} booking transactions on {label} but booked "
                f"{made_by_pgbench[label]:,}: its baseline counts refusals[/red]"
            )
    results = {
        "benchmark": "booking-ab",
        "machine": gatebench.machine(),
        "postgres": gatebench.server_settings(b.url),
        "workers": args.workers,
        "rounds": args.rounds,
        "requests_per_round": args.requests,
        "warmup": args.warmup,
        "windows": len(b.window_ids),
        "checkouts": {
            side.label: {**asdict(side.checkout), "str": str(side.checkout)} for side in sides
        },
        "servers_imported": imported,
        "pgbench_booking_sources": {label: s.source for label, s in statements.items()},
        "levels": levels,
        "database_check": checked,
        "database_check_after_pgbench": checked_after,
        "pgbench_bookings_made": made_by_pgbench,
        "over_bookings": over,
        "goal": (
            f"B/A bookings/s >= {GOAL_RATIO} at each client count; B's bookings/s >= "
            f"{GOAL_OF_PGBENCH_BOOKING:.0%} of B's pgbench booking tps; zero over-bookings"
        ),
    }
    path = gatebench.write_results("booking-ab", args.out, results)
    chart = plot_rounds(levels, path.with_suffix(".png"))
    console.print(f"Results: {path}, {chart}  (logs: {scratch})")
    if any(over.values()):
        raise SystemExit(1)


def _arrange(args: argparse.Namespace, pair: list[Checkout], scratch: Path) -> list[Side]:
    """Each checkout's database, upgraded by its own ``cuakhau db upgrade`` and
    filled by its own factories (both at once), and its calls: warm-up, then a
    batch per round and client count."""
    total = args.warmup + (1 + args.rounds) * args.requests * len(args.clients)
    urls = [gatebench.fresh_database(f"{args.database}_ab_{c.label.lower()}") for c in pair]
    for checkout, url in zip(pair, urls, strict=True):
        checkouts.upgrade(checkout, url, scratch)
    with console.status(f"Arranging {total:,} vehicles, windows and tokens for each checkout"):
        arranged = checkouts.call_each(
            [(c, "bench_booking:arrange", [url, total]) for c, url in zip(pair, urls, strict=True)],
            scratch,
        )
    sides = [
        Side(checkout, url, gate_id, window_ids, booking_calls(gate_id, window_ids, fleet))
        for checkout, url, (gate_id, window_ids, fleet) in zip(pair, urls, arranged, strict=True)
    ]
    a, b = sides
    if len(a.window_ids) != len(b.window_ids) or len(a.calls) != len(b.calls):
        raise SystemExit(
            "the two checkouts' arrange made different data; the A/B would not compare"
        )
    return sides


def _rounds(
    args: argparse.Namespace, sides: list[Side], scratch: Path
) -> tuple[list[PgbenchRun], dict[str, str]]:
    """Both servers up, warmed up, then A, B, A, B, ... at each client count,
    each count's single-row pgbench right after its rounds. The baseline's runs,
    and which cuakhau each server imported."""
    windows = len(sides[-1].window_ids)
    baseline_url = baseline_database(f"{args.database}_ab_pgbench", windows)
    baseline: list[PgbenchRun] = []
    imported: dict[str, str] = {}
    with ExitStack() as stack, progress_bar() as progress:
        servers = {}
        for side in sides:
            log = scratch / side.label / "server.log"
            log.parent.mkdir()
            servers[side.label] = stack.enter_context(
                gatebench.live_server(side.url, args.workers, log, source=side.checkout.source)
            )
            imported[side.label] = _imported_from(log)
        for side in sides:
            warm = progress.add_task(f"warm-up {side.label}", total=args.warmup)
            gatebench.run_load(
                servers[side.label],
                side.calls[: args.warmup],
                min(args.clients),
                lambda t=warm: progress.advance(t),
            )
        start = args.warmup
        for count in args.clients:
            # Round 0, of each, is not measured: every measured round then
            # follows a round of the other checkout as large as itself. A round
            # leaves PostgreSQL work behind (pages to write, tables to vacuum),
            # and the count before leaves its pgbench's.
            for n in range(1 + args.rounds):
                for side in sides:
                    batch = side.calls[start : start + args.requests]
                    name = f"round {n}" if n else "lead-in"
                    task = progress.add_task(
                        f"{side.label} {name}, {count} clients", total=len(batch)
                    )
                    busy = gatebench.busy_seconds()
                    load = gatebench.run_load(
                        servers[side.label], batch, count, lambda t=task: progress.advance(t)
                    )
                    if n:
                        side.loads.setdefault(count, []).append(load)
                        side.others.setdefault(count, []).append(_others(load, busy))
                start += args.requests
            free = gatebench.free_connections(baseline_url) - CONNECTIONS_SPARED
            baseline.append(
                pgbench_level(
                    progress,
                    "pgbench",
                    baseline_url,
                    PGBENCH_SCRIPT,
                    count,
                    args.pgbench_seconds,
                    {"slots": str(windows)},
                    scratch / "pgbench",
                    most=max(1, min(PGBENCH_MAX_CONNECTIONS, free)),
                )
            )
    return baseline, imported


def _pgbench_bookings(
    args: argparse.Namespace, sides: list[Side], scratch: Path
) -> tuple[dict[str, BookingStatements], dict[str, list[PgbenchRun]]]:
    """Each checkout's booking statements straight from pgbench on its own
    database, A then B at each client count. A checkout whose statements cannot
    be made is said so and left out."""
    statements: dict[str, BookingStatements] = {}
    for side in sides:
        try:
            answer = checkouts.call(
                side.checkout,
                "bench_booking:pgbench_booking",
                [side.url, side.gate_id, side.window_ids],
                scratch,
            )
        except StepFailed as error:
            said = str(error).strip().splitlines()[-1]
            console.print(f"[red]No pgbench booking for {side.checkout}: {said}[/red]")
            continue
        statements[side.label] = BookingStatements(**answer)
    own: dict[str, list[PgbenchRun]] = {label: [] for label in statements}
    with progress_bar() as progress:
        for count in args.clients:
            for side in sides:
                if side.label in statements:
                    own[side.label].append(
                        pgbench_booking_level(
                            progress,
                            f"pgbench booking {side.label}",
                            side.url,
                            statements[side.label],
                            count,
                            args.pgbench_seconds,
                            scratch / f"pgbench-{side.label}",
                        )
                    )
    return statements, own


def _imported_from(log: Path) -> str:
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("cuakhau imported from "):
            return line.removeprefix("cuakhau imported from ")
    return "?"


def _others(load: Load, busy_before: float) -> float:
    """Cores' worth of CPU that processes other than the server, PostgreSQL and
    the load generator spent during a round: the machine's other tenants, whose
    work comes and goes (their PostgreSQL work counts as PostgreSQL's)."""
    assert load.cpu is not None
    ours = load.cpu.server + load.cpu.postgres + load.cpu.client
    others = gatebench.busy_seconds() - busy_before - ours
    return max(others, 0.0) / load.seconds if load.seconds else 0.0


def _overbookings(sides: list[Side], scratch: Path) -> dict[str, dict[str, int]]:
    """Each database checked with its own checkout's code, both at once."""
    answers = checkouts.call_each(
        [(side.checkout, "bench_booking:overbookings", [side.url]) for side in sides], scratch
    )
    return {side.label: answer for side, answer in zip(sides, answers, strict=True)}


def _level(
    count: int,
    a: Side,
    b: Side,
    baseline: PgbenchRun,
    own: dict[str, list[PgbenchRun]],
    index: int,
) -> dict[str, Any]:
    """One client count's figures: each side's rounds and medians, the pairs'
    ratios and their medians, and the baselines."""
    sides = {}
    for side in (a, b):
        rounds = [
            {**summarise(load), "other_processes_cpu_cores": others}
            for load, others in zip(side.loads[count], side.others[count], strict=True)
        ]
        per_second = median(r["bookings_per_second"] for r in rounds)
        runs = own.get(side.label)
        booking_run = runs[index] if runs else None
        sides[side.label] = {
            "rounds": rounds,
            "bookings_per_second": per_second,
            "p50_ms": median(r["p50_ms"] or 0.0 for r in rounds),
            "p99_ms": median(r["p99_ms"] or 0.0 for r in rounds),
            "cpu_ms_per_booking": {
                part: median(r["cpu_ms_per_booking"][part] for r in rounds)
                for part in ("server", "postgres", "client")
            },
            "refused_409": sum(r["refused_409"] for r in rounds),
            "errors": sum(
                n for r in rounds for s, n in r["statuses"].items() if int(s) == 0 or int(s) >= 500
            ),
            "ratio_to_pgbench": per_second / baseline.tps if baseline.tps else 0.0,
            "pgbench_booking": booking_run,
            "ratio_to_pgbench_booking": (
                per_second / booking_run.tps if booking_run and booking_run.tps else None
            ),
        }
    pairs = list(zip(sides["A"]["rounds"], sides["B"]["rounds"], strict=True))
    speed = [_ratio(rb["bookings_per_second"], ra["bookings_per_second"]) for ra, rb in pairs]
    cpu = [
        _ratio(rb["cpu_ms_per_booking"]["server"], ra["cpu_ms_per_booking"]["server"])
        for ra, rb in pairs
    ]
    return {
        "clients": count,
        **sides,
        "pair_ratios_bookings_per_second": speed,
        "ratio_bookings_per_second": median(speed),
        "pair_ratios_server_cpu_per_booking": cpu,
        "ratio_server_cpu_per_booking": median(cpu),
        "pgbench": baseline,
    }


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("nan")


def _print(
    args: argparse.Namespace, a: Side, b: Side, levels: list[dict[str, Any]], over: dict[str, int]
) -> None:
    rounds = Table(
        title=f"Booking A/B: {args.rounds} alternating rounds of {args.requests:,} bookings, "
        f"{args.workers} workers each\n{a.checkout}\n{b.checkout}"
    )
    for column in (
        "clients",
        "checkout",
        "bookings/s, rounds",
        "median",
        "p50 / p99 ms",
        "409s",
        "5xx/errors",
        "server CPU ms/booking, rounds",
        "CPU ms/booking: server / PostgreSQL / load",
        "other processes' cores, rounds",
        "pgbench booking tps",
        "of it",
        "of single-row pgbench tps",
    ):
        rounds.add_column(column, justify="right")
    for level in levels:
        for side in (a, b):
            figures = level[side.label]
            booking_run = figures["pgbench_booking"]
            of_it = figures["ratio_to_pgbench_booking"]
            rounds.add_row(
                str(level["clients"]),
                f"{side.label} ({side.checkout.role})",
                " ".join(rounded(r["bookings_per_second"]) for r in figures["rounds"]),
                rounded(figures["bookings_per_second"]),
                f"{rounded(figures['p50_ms'])} / {rounded(figures['p99_ms'])}",
                str(figures["refused_409"]),
                str(figures["errors"]),
                " ".join(rounded(r["cpu_ms_per_booking"]["server"], 2) for r in figures["rounds"]),
                " / ".join(rounded(ms, 2) for ms in figures["cpu_ms_per_booking"].values()),
                " ".join(rounded(r["other_processes_cpu_cores"], 2) for r in figures["rounds"]),
                rounded(booking_run.tps) if booking_run else "-",
                f"{of_it:.0%}" if of_it is not None else "-",
                f"{figures['ratio_to_pgbench']:.1%}",
            )
    console.print(rounds)

    ratios = Table(title="B/A in the same run (medians of the round pairs' ratios)")
    for column in (
        "clients",
        "bookings/s B/A",
        "per pair",
        "server CPU per booking B/A",
        "per pair",
        "pgbench conns",
        "single-row pgbench tps",
        "B of its pgbench booking",
        "over-bookings A / B",
        "goal",
    ):
        ratios.add_column(column, justify="right")
    for level in levels:
        of_it = level["B"]["ratio_to_pgbench_booking"]
        met = (
            level["ratio_bookings_per_second"] >= GOAL_RATIO
            and of_it is not None
            and of_it >= GOAL_OF_PGBENCH_BOOKING
            and not any(over.values())
        )
        ratios.add_row(
            str(level["clients"]),
            f"{level['ratio_bookings_per_second']:.3f}",
            " ".join(f"{r:.3f}" for r in level["pair_ratios_bookings_per_second"]),
            f"{level['ratio_server_cpu_per_booking']:.3f}",
            " ".join(f"{r:.3f}" for r in level["pair_ratios_server_cpu_per_booking"]),
            str(level["pgbench"].clients),
            rounded(level["pgbench"].tps),
            f"{of_it:.0%}" if of_it is not None else "-",
            f"{over['A']} / {over['B']}",
            "[green]met[/green]" if met else "[red]not met[/red]",
        )
    console.print(ratios)
    console.print(
        f"Goal: bookings/s B/A ≥ {GOAL_RATIO}, B ≥ {GOAL_OF_PGBENCH_BOOKING:.0%} of its own "
        "booking statements straight from pgbench, no over-bookings"
    )


def plot_rounds(levels: list[dict[str, Any]], path: Path) -> Path:
    """Bookings per second of each round, A and B, one panel per client count:
    the spread of the rounds beside the gap between the checkouts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, panels = plt.subplots(
        1, len(levels), figsize=(3.6 * len(levels) + 1, 3.4), squeeze=False, sharey=True
    )
    highest = 0.0
    for panel, level in zip(panels[0], levels, strict=True):
        for label, name, marker in (("A", "A (before)", "o"), ("B", "B (after)", "s")):
            per_second = [r["bookings_per_second"] for r in level[label]["rounds"]]
            panel.plot(range(1, len(per_second) + 1), per_second, marker=marker, label=name)
            highest = max(highest, *per_second)
        panel.set_title(f"{level['clients']} clients: B/A {level['ratio_bookings_per_second']:.2f}")
        panel.set_xlabel("round")
        panel.set_xticks(range(1, len(level["A"]["rounds"]) + 1))
    panels[0][0].set_ylim(0, highest * 1.1)
    panels[0][0].set_ylabel("bookings/s")
    panels[0][0].legend(loc="lower left")
    figure.suptitle("Bookings per second in each round")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path
