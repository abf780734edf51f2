"""The board's standard set of reports at two sizes of history (issue #19,
"Speed, measured"), on PostgreSQL.

For each size: a scratch database, migrated; the Lạng Sơn reference data and
tariffs through the services; then, in the database with set-based SQL (not
the ORM), a thousand enterprises with their trucks and SIZE crossed shipments
over three years (December 2023 – November 2026) with one to three cargo
lines each and a receipt with its infrastructure fee. ``cuakhau statistics
rebuild`` fills the rollups (its time and the command's peak memory are
reported). Then the board's standard set, each report timed through the same
service functions the API calls (median of ``--repeat`` runs), and one straight
aggregate over the raw rows for the same month. Results printed and written as
JSON under ``benchmarks/results/`` (ignored by git).

    python benchmarks/statistics/bench_statistics.py                      # 100,000 and 10,000,000
    python benchmarks/statistics/bench_statistics.py --sizes 100000 1000000
    python benchmarks/statistics/bench_statistics.py --keep    # then, after a change: --reuse
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from cuakhau.core.actor import Actor
from cuakhau.core.config import Settings
from cuakhau.core.database import make_engine, session_scope
from cuakhau.core.schema_version import upgrade
from cuakhau.fees.tariffs import load_tariffs, shipped_tariffs
from cuakhau.models import User
from cuakhau.models.enums import Role
from cuakhau.reference.loader import load_reference, shipped_file
from cuakhau.sessions import audited_session_factory
from cuakhau.statistics.schemas import FeeQuery, TradeQuery
from cuakhau.statistics.service import fee_report, trade_report

ADMIN_URL = os.environ.get(
    "CUAKHAU_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
RESULTS = Path(__file__).resolve().parents[1] / "results"
ENTERPRISES = 1000
HEADINGS = [
    "0810",
    "0804",
    "0803",
    "0714",
    "0709",
    "4407",
    "9403",
    "0306",
    "1006",
    "4001",
    "8471",
    "8517",
    "8708",
    "5407",
    "3105",
    "0808",
    "8418",
    "7308",
    "3923",
    "6403",
]
FRUIT = ("0810", "0804", "0803", "0709")
FIRST = "2023-12-01"
DAYS = 1096  # to 30 November 2026
MONTH = date(2026, 11, 1)


def database_url(size: int) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + f"/cuakhau_bench_statistics_{size}"


def recreate(size: int) -> str:
    name = f"cuakhau_bench_statistics_{size}"
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return database_url(size)


GENERATE = [
    # A thousand enterprises, three trucks each.
    f"""INSERT INTO enterprise (tax_code, name_vi, country, is_exporter, is_importer,
        is_logistics, is_yard_operator, is_illustrative, is_active)
    SELECT 'B' || lpad(i::text, 9, '0'), 'Doanh nghiệp ' || i, 'VN',
        true, true, false, false, true, true
    FROM generate_series(1, {ENTERPRISES}) i""",
    """INSERT INTO vehicle (enterprise_id, plate, plate_country, kind, axles, payload_kg, is_active)
    SELECT e.id, '12B' || lpad((e.id * 3 + k)::text, 6, '0'), 'VN', 'truck', 3, 30000, true
    FROM enterprise e, generate_series(0, 2) k""",
    # SIZE crossings spread evenly over the days and the hours, 72% import.
    """INSERT INTO crossing (enterprise_id, vehicle_id, plate, gate_id, direction, regime,
        priority_class_id, state, queued_at, is_walk_in, needs_quarantine, version,
        crossed_at, vehicle_kind)
    SELECT v.enterprise_id,
        v.id, v.plate, g.id, d.direction, d.direction, (SELECT min(id) FROM priority_class),
        'crossed', t.at, false, false, 1, t.at, 'truck'
    FROM generate_series(1, :size) i
    CROSS JOIN LATERAL (SELECT timestamptz '2023-12-01 00:00+07'
        + (i::float8 / :size * :days) * interval '1 day' AS at) t
    CROSS JOIN LATERAL (SELECT CASE WHEN i % 25 < 7 THEN 'export' ELSE 'import_' END AS direction) d
    JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM gate
          WHERE code IN ('HUU-NGHI', 'TAN-THANH', 'CHI-MA', 'COC-NAM')) g
        ON g.n = (CASE WHEN i % 20 < 11 THEN 0 WHEN i % 20 < 16 THEN 1
                       WHEN i % 20 < 19 THEN 2 ELSE 3 END)
    JOIN vehicle v
        ON v.id = (SELECT min(id) FROM vehicle)
            + (i::bigint * 7919) % (SELECT count(*) FROM vehicle)""",
    # One to three cargo lines each.
    f"""INSERT INTO cargo_line (crossing_id, hs_code, description, packages, weight_kg, value_usd,
        perishable, origin_country, destination_country)
    SELECT c.id, h.code || '10', 'Hàng ' || h.code, 10 + c.id % 50, 1000 + (c.id * 37 + n) % 20000,
        round((500 + (c.id * 53 + n * 11) % 40000)::numeric + 0.25, 2),
        h.code = ANY(ARRAY{list(FRUIT)}),
        CASE WHEN c.direction = 'export' THEN 'VN' ELSE 'CN' END,
        CASE WHEN c.direction = 'export' THEN 'CN' ELSE 'VN' END
    FROM crossing c
    CROSS JOIN LATERAL generate_series(0, c.id % 3) n
    CROSS JOIN LATERAL (
        SELECT (ARRAY{HEADINGS})[1 + (c.id * 13 + n * 7) % {len(HEADINGS)}] AS code
    ) h""",
    """INSERT INTO receipt (number, crossing_id, enterprise_id, total_vnd, issued_at, vehicle_class)
    SELECT 'BENCH-' || c.id, c.id, c.enterprise_id, 300000, c.crossed_at, 'truck'
    FROM crossing c""",
    """INSERT INTO fee (receipt_id, tariff_id, kind, quantity, amount_vnd)
    SELECT r.id, (SELECT min(id) FROM tariff), 'infrastructure', 1, 300000 FROM receipt r""",
]


def generate(url: str, size: int) -> float:
    settings = Settings(database_url=url)
    engine = make_engine(url)
    with session_scope(audited_session_factory(engine), Actor(label="bench")) as session:
        load_reference(session, shipped_file("langson.yaml"), settings)
        load_tariffs(session, shipped_tariffs())
    started = time.perf_counter()
    with engine.begin() as connection:
        for statement in GENERATE:
            connection.execute(sa.text(statement), {"size": size, "days": DAYS})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


def rebuild(url: str) -> dict[str, float]:
    """``cuakhau statistics rebuild`` as its own process: wall time and peak RSS."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(
        [sys.executable, "-m", "cuakhau", "statistics", "rebuild"],
        env={**os.environ, "CUAKHAU_DATABASE_URL": url},
        check=True,
        capture_output=True,
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": time.perf_counter() - started, "peak_rss_mb": max(peak, before) / 1024}


def standard_set(enterprise_id: int) -> dict[str, Callable[..., Any]]:
    board = User(role=Role.board, username="bench", full_name="bench")
    today = date(2026, 11, 30)

    def trade(**query: Any) -> Callable[[Any], Any]:
        return lambda session: trade_report(
            session=session, user=board, query=TradeQuery(**query), today=today
        )

    def fees_by_gate_and_month(session: Any) -> None:
        for month in range(1, 12):
            query = FeeQuery(period="month", at=date(2026, month, 1), group_by=["gate"])
            fee_report(session=session, user=board, query=query, today=today)

    return {
        "month by gate × direction, both comparisons": trade(
            period="month",
            at=MONTH,
            group_by=["gate", "direction"],
            compare=["year_before", "month_before"],
        ),
        "year to date against last year": trade(
            period="year_to_date", at=today, compare=["year_before"]
        ),
        "top 20 HS headings of a quarter": trade(
            period="quarter", at=date(2026, 7, 1), group_by=["hs_heading"], limit=20
        ),
        "fee revenue by gate and month": fees_by_gate_and_month,
        "one enterprise's year": trade(
            period="year",
            at=date(2026, 1, 1),
            enterprise_id=enterprise_id,
            group_by=["gate"],
            compare=["year_before"],
        ),
    }


RAW_MONTH = """SELECT c.gate_id, c.direction,
    sum(l.value_usd), sum(l.weight_kg), count(DISTINCT c.id)
FROM crossing c JOIN cargo_line l ON l.crossing_id = c.id
WHERE c.state IN ('crossed', 'returned') AND c.crossed_at >= timestamptz '2026-11-01 00:00+07'
  AND c.crossed_at < timestamptz '2026-12-01 00:00+07'
GROUP BY c.gate_id, c.direction"""


def timed(run: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(url: str, repeat: int) -> dict[str, Any]:
    engine = make_engine(url)
    with engine.connect() as connection:
        enterprise_id = connection.scalar(sa.text("SELECT min(id) + 7 FROM enterprise"))
        counts = {
            table: connection.scalar(sa.text(f"SELECT count(*) FROM {table}"))
            for table in (
                "crossing",
                "cargo_line",
                "receipt",
                "trade_day",
                "vehicle_day",
                "fee_day",
                "trade_month",
                "trade_enterprise_month",
                "vehicle_month",
                "vehicle_enterprise_month",
            )
        }
        size_mb = connection.scalar(sa.text("SELECT pg_database_size(current_database())")) / 2**20
    factory = audited_session_factory(engine)
    reports = {}
    with factory() as session:
        for name, report in standard_set(enterprise_id).items():
            report(session)  # warm
            reports[name] = timed(lambda report=report: report(session), repeat)
        raw = timed(lambda: session.execute(sa.text(RAW_MONTH)).all(), repeat)
    engine.dispose()
    return {"rows": counts, "database_mb": round(size_mb), "reports": reports, "raw_month": raw}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=int, nargs=2, default=[100_000, 10_000_000], metavar=("SMALL", "LARGE")
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the scratch databases")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the reports on the databases an earlier --keep run left (upgraded to the"
        " latest schema), without generating or rebuilding them again",
    )
    args = parser.parse_args()
    results: dict[str, Any] = {}
    for size in args.sizes:
        if args.reuse:
            url = database_url(size)
            upgrade(url)
            results[str(size)] = {"generate_seconds": None, "rebuild": None}
        else:
            url = recreate(size)
            upgrade(url)
            results[str(size)] = {"generate_seconds": generate(url, size), "rebuild": rebuild(url)}
        results[str(size)].update(measure(url, args.repeat))
        print(json.dumps({size: results[str(size)]}, indent=1, ensure_ascii=False), flush=True)
    small, large = (results[str(size)] for size in args.sizes)
    print(f"\n{'report':48} {args.sizes[0]:>12,} {args.sizes[1]:>12,}  ratio")
    for name in small["reports"]:
        a, b = small["reports"][name], large["reports"][name]
        print(f"{name:48} {a * 1000:10.1f}ms {b * 1000:10.1f}ms  {b / a:5.2f}×")
    for label, key in (("standard set (sum)", None), ("raw aggregate, one month", "raw_month")):
        a = sum(small["reports"].values()) if key is None else small[key]
        b = sum(large["reports"].values()) if key is None else large[key]
        print(f"{label:48} {a * 1000:10.1f}ms {b * 1000:10.1f}ms  {b / a:5.2f}×")
    set_large = sum(large["reports"].values())
    print(
        f"standard set at {args.sizes[1]:,} ÷ raw month aggregate: "
        f"{set_large / large['raw_month']:.2f}"
    )
    for size in args.sizes if not args.reuse else ():
        r = results[str(size)]
        print(
            f"{size:>12,}: database {r['database_mb']} MB,"
            f" generated in {r['generate_seconds']:.0f} s,"
            f" rebuild {r['rebuild']['seconds']:.0f} s"
            f" (peak RSS {r['rebuild']['peak_rss_mb']:.0f} MB)"
        )
    RESULTS.mkdir(exist_ok=True)
    reused = "-reused" if args.reuse else ""
    out = RESULTS / f"statistics-{args.sizes[0]}-{args.sizes[1]}{reused}.json"
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    if not (args.keep or args.reuse):
        admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for size in args.sizes:
                connection.execute(
                    sa.text(f"DROP DATABASE IF EXISTS cuakhau_bench_statistics_{size} WITH (FORCE)")
                )
        admin.dispose()


if __name__ == "__main__":
    main()
