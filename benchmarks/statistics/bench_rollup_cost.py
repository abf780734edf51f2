"""What keeping the board's rollups costs the booking-to-crossing path.

    python benchmarks/statistics/bench_rollup_cost.py                 # 300 trucks a round, 3 rounds
    python benchmarks/statistics/bench_rollup_cost.py --trucks 1000 --rounds 5

Each truck goes the whole way through the services the API and the desks
use, one transaction a step as the requests make them: booked (the booking
procedure), arrived, declared, cleared, called, crossed (its fee charged, its
receipt issued, and the trade, vehicle and fee rollups kept in that same
transaction). Rounds alternate *with* the rollups kept and *without*, where
the crossing's recount (``statistics.rollups.uncount`` / ``count``, called by
``crossings.states.move``) is switched off in this process, on one PostgreSQL
database (or ``--sqlite``). Goal (#19): with ≥ 90% of without's trucks per second.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "gate"))

import gatebench


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trucks", type=int, default=300, help="trucks a round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each")
    parser.add_argument("--sqlite", action="store_true", help="a scratch SQLite file instead")
    arguments = parser.parse_args()

    gatebench.use_repo_imports()
    from tests.factories import (
        cargo,
        make_enterprise,
        make_gate,
        make_pattern,
        make_priority_classes,
        make_tariff,
        make_vehicle,
    )

    from cuakhau.core.actor import Actor
    from cuakhau.core.database import make_engine, session_scope
    from cuakhau.core.schema_version import upgrade
    from cuakhau.crossings import states
    from cuakhau.crossings.booking import arrive, book
    from cuakhau.crossings.schemas import BookingRequest
    from cuakhau.models import Crossing, VehicleDay
    from cuakhau.models.enums import CrossingState, Direction

    if arguments.sqlite:
        path = Path("benchmarks/results/rollup-cost.db")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        url = gatebench.fresh_database("cuakhau_bench_rollup_cost")
    upgrade(url)
    engine = make_engine(url)
    factory = gatebench.audited_factory(engine)
    actor = Actor(label="benchmark")
    # Well ahead of the clock, inside the booking horizon: every window still to come.
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    trucks = arguments.trucks * arguments.rounds * 2
    with session_scope(factory, actor) as session:
        make_priority_classes(session)
        make_tariff(session)
        gate = make_gate(session, holiday_calendars=[])
        make_pattern(session, gate, capacity=trucks, hours=range(24))
        firm = make_enterprise(session)
        fleet = [make_vehicle(session, firm).id for _ in range(trucks)]
        gate_id, firm_id = gate.id, firm.id

    kept_count, kept_uncount = states.count, states.uncount

    def keep_rollups(on: bool) -> None:
        states.uncount = kept_uncount if on else (lambda _session, _crossing_id: None)
        states.count = kept_count

    def trip(vehicle_id: int) -> None:
        request = BookingRequest(
            vehicle_id=vehicle_id,
            gate_id=gate_id,
            direction=Direction.export,
            regime="export",
            cargo=cargo(),
        )
        with session_scope(factory, actor) as session:
            crossing_id = book(session, request=request, now=now, enterprise_id=firm_id).id
        with session_scope(factory, actor) as session:
            arrive(session, session.get_one(Crossing, crossing_id), now)
        for state in (
            CrossingState.declared,
            CrossingState.cleared,
            CrossingState.called,
            CrossingState.crossed,
        ):
            with session_scope(factory, actor) as session:
                states.move(session, session.get_one(Crossing, crossing_id), state, at=now)

    rates: dict[bool, list[float]] = {True: [], False: []}
    vehicles = iter(fleet)
    with Progress(transient=True) as progress:
        task = progress.add_task("trucks", total=trucks)
        for _ in range(arguments.rounds):
            for on in (True, False):
                keep_rollups(on)
                started = time.perf_counter()
                for _ in range(arguments.trucks):
                    trip(next(vehicles))
                    progress.advance(task)
                rates[on].append(arguments.trucks / (time.perf_counter() - started))
    keep_rollups(True)

    with session_scope(factory, actor) as session:
        counted = session.scalar(select(func.sum(VehicleDay.vehicles))) or 0
    engine.dispose()
    kept, skipped = statistics.median(rates[True]), statistics.median(rates[False])
    table = Table(
        title=(
            f"Booking to crossing, {arguments.trucks} trucks a round, {arguments.rounds} rounds "
            f"of each ({engine.dialect.name})"
        )
    )
    for column in ("rollups", "trucks/s (each round)", "median", "of without"):
        table.add_column(column, justify="right")
    table.add_row("kept", _each(rates[True]), f"{kept:.1f}", f"{kept / skipped:.0%}")
    table.add_row("not kept", _each(rates[False]), f"{skipped:.1f}", "100%")
    Console().print(table)
    print(
        f"Vehicles the rollups counted: {counted}, for the {arguments.trucks * arguments.rounds} "
        "trucks that crossed while they were kept."
    )


def _each(values: list[float]) -> str:
    return ", ".join(f"{value:.1f}" for value in values)


if __name__ == "__main__":
    main()
