"""What the gate benchmarks share: a scratch PostgreSQL database, a real
multi-worker server, a light HTTP load generator, pgbench, and the results file.

Everything talks to 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
ADMIN_URL = os.environ.get(
    "CUAKHAU_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SECRET = "benchmark-secret-key-that-is-long-enough-0123456789"
RESULTS = REPO / "benchmarks" / "results"


def use_repo_imports() -> None:
    """The test factories make data through the same services the API uses;
    the benchmarks arrange their data with them rather than a second copy: those
    of the checkout whose ``cuakhau`` is imported."""
    root = str(imported_checkout())
    if root not in sys.path:
        sys.path.insert(0, root)


def imported_checkout() -> Path:
    """The repository whose ``cuakhau`` this process imports: this one (the
    development install), or in an A/B run the checkout on ``PYTHONPATH``."""
    import cuakhau

    root = Path(cuakhau.__file__).resolve().parents[2]
    return root if (root / "tests" / "factories.py").is_file() else REPO


def audited_factory(engine: Any) -> Any:
    """The session factory that writes audit entries, as the app's does: made
    by ``cuakhau.sessions`` since the ground floor imports no feature, by
    ``core.database`` in older checkouts."""
    try:
        from cuakhau.sessions import audited_session_factory
    except ImportError:
        from cuakhau.core.database import make_session_factory as audited_session_factory
    return audited_session_factory(engine)


# ---- databases -----------------------------------------------------------------


def fresh_database(name: str) -> str:
    """Drop and create ``name`` on the local server; its SQLAlchemy URL."""
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    url = make_url(ADMIN_URL).set(database=name)
    host = url.host or HOST
    if host not in (HOST, "localhost"):
        raise SystemExit(f"benchmarks only run against {HOST}, not {host}")
    return url.render_as_string(hide_password=False)


def libpq_args(url: str) -> list[str]:
    """pgbench's connection options for a SQLAlchemy URL."""
    parsed = make_url(url)
    args = ["-h", parsed.host or HOST, "-p", str(parsed.port or 5432)]
    if parsed.username:
        args += ["-U", parsed.username]
    return [*args, parsed.database or "postgres"]


def libpq_env(url: str) -> dict[str, str]:
    password = make_url(url).password
    return {**os.environ, **({"PGPASSWORD": str(password)} if password else {})}


def free_connections(url: str) -> int:
    """How many more connections the server takes now, its superusers' reserve aside."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(
                connection.scalar(
                    text(
                        "SELECT current_setting('max_connections')::int"
                        " - current_setting('superuser_reserved_connections')::int"
                        " - (SELECT count(*) FROM pg_stat_activity"
                        " WHERE backend_type = 'client backend')"
                    )
                )
            )
    finally:
        engine.dispose()


def server_settings(url: str) -> dict[str, str]:
    """The PostgreSQL settings that bound both cuakhau and pgbench, for the record."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT name, setting FROM pg_settings WHERE name IN "
                    "('max_connections', 'shared_buffers', 'synchronous_commit', "
                    "'fsync', 'server_version')"
                )
            )
            return {str(name): str(setting) for name, setting in rows}
    finally:
        engine.dispose()


# ---- the server ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Server:
    """A running ``cuakhau serve``: where it answers, and its process group
    (the supervisor and its workers), whose CPU a load is charged with."""

    url: str
    group: int


# ``python -m cuakhau`` that first says which cuakhau it imported.
_SAYING_WHICH = (
    "import runpy, cuakhau\n"
    "print('cuakhau imported from', cuakhau.__file__, flush=True)\n"
    "runpy.run_module('cuakhau', run_name='__main__', alter_sys=True)\n"
)


def cuakhau_process(
    database_url: str, folder: Path, source: Path | None = None
) -> tuple[list[str], dict[str, str]]:
    """The command that runs ``cuakhau`` (its arguments to follow) on
    ``database_url``, with ``folder`` for its files, and its environment.

    ``source``: another checkout's ``src``, put first on ``PYTHONPATH`` (run
    it in a working directory in no checkout: this venv's development install
    comes after it). The process then says first which ``cuakhau`` it
    imported (``check_imported_from``)."""
    env = {
        **os.environ,
        "CUAKHAU_DATABASE_URL": database_url,
        "CUAKHAU_SECRET_KEY": SECRET,
        "CUAKHAU_ENVIRONMENT": "production",
        "CUAKHAU_DATA_DIR": str(folder),
    }
    if source is None:
        return [sys.executable, "-m", "cuakhau"], env
    return [sys.executable, "-c", _SAYING_WHICH], {**env, "PYTHONPATH": str(source)}


def check_imported_from(output: Path, source: Path) -> None:
    said = re.search(r"^cuakhau imported from (.+)$", output.read_text(errors="replace"), re.M)
    if said is None or not Path(said.group(1)).resolve().is_relative_to(source.resolve()):
        raise SystemExit(f"{output}: cuakhau was not imported from {source}")


@contextmanager
def live_server(
    database_url: str, workers: int, log: Path, source: Path | None = None
) -> Iterator[Server]:
    """``cuakhau serve --workers N`` on ``database_url``. The whole process
    group is stopped on the way out.

    ``source``: another checkout's ``src`` to serve (``cuakhau_process``); the
    server must say it imported that checkout's ``cuakhau``, and its workers
    are spawned with the same ``sys.path``."""
    port = free_port()
    command, env = cuakhau_process(database_url, log.parent, source)
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "serve", "--workers", str(workers), "--port", str(port)],
            cwd=log.parent,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for_workers(process, log, workers)
        if source is not None:
            check_imported_from(log, source)
        yield Server(f"http://{HOST}:{port}", process.pid)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def _wait_for_workers(process: subprocess.Popen[bytes], log: Path, workers: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}:\n{log.read_text()}")
        if log.read_text(errors="replace").count("Application startup complete") >= workers:
            return
        time.sleep(0.1)
    raise SystemExit(f"server did not start {workers} workers:\n{log.read_text()}")


# ---- load ----------------------------------------------------------------------


@dataclass
class Call:
    """One request of the load: path, headers and JSON body (none for a GET)."""

    path: str
    headers: dict[str, str]
    body: bytes = b""
    method: str = "POST"


@dataclass
class Outcome:
    status: int
    seconds: float
    body: bytes


@dataclass(frozen=True)
class CpuUse:
    """CPU seconds spent during a load: by the server's processes, by every
    PostgreSQL process, and by this process, which sends the load."""

    server: float
    postgres: float
    client: float

    def per_request_ms(self, requests: int) -> dict[str, float]:
        return {
            part: seconds * 1000 / requests if requests else 0.0
            for part, seconds in asdict(self).items()
        }


def _cpu_ticks(server_group: int) -> tuple[dict[int, int], dict[int, int]]:
    """Clock ticks of user and system time so far, per process: the server's
    process group, and every process named ``postgres``."""
    server: dict[int, int] = {}
    postgres: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended since the listing
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        # After the name: state, ppid, pgrp, ..., utime and stime are the 12th and 13th.
        ticks = int(fields[11]) + int(fields[12])
        if int(fields[2]) == server_group:
            server[int(entry.name)] = ticks
        elif name == "postgres":
            postgres[int(entry.name)] = ticks
    return server, postgres


def busy_seconds() -> float:
    """CPU seconds the whole machine has been busy so far, all cores (user,
    nice, system and interrupts: not idle, waiting on I/O, or stolen)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq = (int(n) for n in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def _client_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def cpu_used(server_group: int) -> Iterator[list[CpuUse]]:
    """The CPU a block of work costs each side, appended to the yielded list on
    the way out. Processes that end within the block are not counted; the
    server's workers and the connections' backends live through a load."""
    spent: list[CpuUse] = []
    server_before, postgres_before = _cpu_ticks(server_group)
    client_before = _client_seconds()
    yield spent
    server_after, postgres_after = _cpu_ticks(server_group)
    tick = os.sysconf("SC_CLK_TCK")

    def seconds(before: dict[int, int], after: dict[int, int]) -> float:
        return sum(ticks - before.get(pid, 0) for pid, ticks in after.items()) / tick

    spent.append(
        CpuUse(
            server=seconds(server_before, server_after),
            postgres=seconds(postgres_before, postgres_after),
            client=_client_seconds() - client_before,
        )
    )


@dataclass
class Load:
    clients: int
    seconds: float
    outcomes: list[Outcome] = field(default_factory=list)
    cpu: CpuUse | None = None

    def statuses(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            counts[str(outcome.status)] = counts.get(str(outcome.status), 0) + 1
        return counts

    def latencies_ms(self, status: int | None = None) -> list[float]:
        return sorted(
            o.seconds * 1000 for o in self.outcomes if status is None or o.status == status
        )


async def _connection(base_url: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    host, port = base_url.removeprefix("http://").split(":")
    return await asyncio.open_connection(host, int(port))


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, call: Call
) -> tuple[int, bytes]:
    """One HTTP/1.1 request on a kept-alive connection. Hand-written on purpose:
    a full client library costs more CPU per request than the server is given on
    a small machine, and would measure itself."""
    head = [f"{call.method} {call.path} HTTP/1.1", f"Host: {host}"]
    head.append("Content-Type: application/json")
    head += [f"{name}: {value}" for name, value in call.headers.items()]
    head.append(f"Content-Length: {len(call.body)}")
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + call.body)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("server closed the connection")
    status = int(status_line.split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    return status, await reader.readexactly(length)


async def _run_load(
    base_url: str, calls: Sequence[Call], clients: int, tick: Callable[[], None]
) -> Load:
    host = base_url.removeprefix("http://")
    queue: asyncio.Queue[Call] = asyncio.Queue()
    for call in calls:
        queue.put_nowait(call)
    outcomes: list[Outcome] = []

    async def client() -> None:
        reader, writer = await _connection(base_url)
        try:
            while True:
                try:
                    call = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started = time.perf_counter()
                try:
                    status, body = await _exchange(reader, writer, host, call)
                except (ConnectionError, asyncio.IncompleteReadError) as error:
                    status, body = 0, repr(error).encode()
                    writer.close()
                    reader, writer = await _connection(base_url)
                outcomes.append(Outcome(status, time.perf_counter() - started, body))
                tick()
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return Load(clients, time.perf_counter() - started, outcomes)


def run_load(server: Server, calls: Sequence[Call], clients: int, tick: Callable[[], None]) -> Load:
    """``calls`` sent by ``clients`` concurrent kept-alive connections, each
    sending its next request as soon as the last one is answered (closed loop),
    with the CPU each side spent on them."""
    with cpu_used(server.group) as spent:
        load = asyncio.run(_run_load(server.url, calls, clients, tick))
    load.cpu = spent[0]
    return load


def percentile(sorted_values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return None
    rank = max(1, round(share * len(sorted_values) + 0.5))
    return sorted_values[min(rank, len(sorted_values)) - 1]


# ---- pgbench -------------------------------------------------------------------


def pgbench_binary() -> str:
    found = shutil.which("pgbench")
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))
    if not candidates:
        raise SystemExit("pgbench not found (it comes with the PostgreSQL server packages)")
    return str(candidates[-1])


@dataclass
class PgbenchRun:
    clients: int
    seconds: float
    transactions: int
    tps: float
    p50_ms: float | None
    p99_ms: float | None
    failed: int


def run_pgbench(
    url: str,
    script: str,
    clients: int,
    seconds: int,
    variables: dict[str, str],
    scratch: Path,
    threads: int | None = None,
    prepared: bool = False,
    session_options: str = "",
) -> PgbenchRun:
    """pgbench with a custom script, per-transaction log for its percentiles;
    ``prepared``: statements prepared once per connection, as the app's are;
    ``session_options``: settings of each connection, as the app's are."""
    scratch.mkdir(parents=True, exist_ok=True)
    for old in scratch.glob("pgbench_log*"):
        old.unlink()
    script_file = scratch / "script.sql"
    script_file.write_text(script)
    jobs = threads or min(clients, os.cpu_count() or 1)
    command = [pgbench_binary(), "-n", "-c", str(clients), "-j", str(jobs), "-T", str(seconds)]
    command += ["-f", str(script_file), "-l", "--log-prefix", str(scratch / "pgbench_log")]
    if prepared:
        command += ["-M", "prepared"]
    for name, value in variables.items():
        command += ["-D", f"{name}={value}"]
    done = subprocess.run(
        [*command, *libpq_args(url)],
        env={**libpq_env(url), "PGOPTIONS": session_options},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"pgbench failed ({done.returncode}):\n{done.stderr}\n{done.stdout}")
    tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", done.stdout)
    processed = re.search(r"number of transactions actually processed: (\d+)", done.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", done.stdout)
    if tps is None or processed is None:
        raise SystemExit(f"cannot read pgbench's output:\n{done.stdout}")
    latencies = sorted(
        int(line.split()[2]) / 1000
        for log in scratch.glob("pgbench_log*")
        for line in log.read_text().splitlines()
        if line.strip()
    )
    return PgbenchRun(
        clients=clients,
        seconds=seconds,
        transactions=int(processed.group(1)),
        tps=float(tps.group(1)),
        p50_ms=percentile(latencies, 0.50),
        p99_ms=percentile(latencies, 0.99),
        failed=int(failed.group(1)) if failed else 0,
    )


# ---- results -------------------------------------------------------------------


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": sys.platform,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_results(name: str, out: Path | None, results: dict[str, Any]) -> Path:
    """JSON under benchmarks/results/ (ignored by git) unless ``--out`` says where."""
    if out is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        out = RESULTS / f"{name}-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=_plain) + "\n")
    return out


def _plain(value: object) -> object:
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)  # type: ignore[call-overload]
    return str(value)


def rounded(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"
