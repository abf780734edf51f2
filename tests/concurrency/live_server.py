"""A real multi-worker cuakhau server in a subprocess, for tests over real HTTP.

The in-process TestClient runs one event loop in one process; over-booking
shows itself only when several server processes share one database, so these
tests start ``python -m cuakhau serve --workers N`` and talk to it by TCP.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import TEST_SECRET

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _wait_until_up(
    process: subprocess.Popen[bytes], base_url: str, log: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            # Any HTTP answer means a worker is accepting requests.
            with urllib.request.urlopen(f"{base_url}/api/v1/gates", timeout=1):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not answer within {timeout}s:\n{log.read_text()}")


def _wait_for_all_workers(log: Path, workers: int, timeout: float) -> None:
    """One worker answering is not enough: the others must be up too, or the
    first one alone takes the burst and the test proves less than it says."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.read_text(errors="replace").count("Application startup complete") >= workers:
            return
        time.sleep(0.1)
    raise RuntimeError(f"not all {workers} workers started:\n{log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the whole process group (the supervisor and its workers), then SIGKILL."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@dataclass
class Server:
    """A started ``cuakhau serve``: its supervisor process (the leader of the
    workers' process group) and where it answers."""

    process: subprocess.Popen[bytes]
    base_url: str


def start_server(
    database_url: str,
    workers: int,
    directory: Path,
    startup_timeout: float = 60,
    environment: Mapping[str, str] | None = None,
) -> Server:
    """A server on ``database_url`` once every worker is up; the caller stops it
    (``stop``, or SIGKILL to its process group). ``environment`` adds settings."""
    port = free_port()
    log = directory / f"server-{port}.log"
    env = {
        **os.environ,
        "CUAKHAU_DATABASE_URL": database_url,
        "CUAKHAU_SECRET_KEY": TEST_SECRET,
        "CUAKHAU_DATA_DIR": str(directory),
        **(environment or {}),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cuakhau",
                "serve",
                "--workers",
                str(workers),
                "--port",
                str(port),
            ],
            # Its own folder: no stray .env is read; its own group: stop() ends every worker.
            cwd=directory,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://{HOST}:{port}"
    try:
        _wait_until_up(process, base_url, log, startup_timeout)
        _wait_for_all_workers(log, workers, startup_timeout)
    except BaseException:
        stop(process)
        raise
    return Server(process, base_url)


@contextmanager
def live_server(
    database_url: str, workers: int, directory: Path, startup_timeout: float = 60
) -> Iterator[str]:
    """The base URL of a server on ``database_url``; stopped on the way out."""
    server = start_server(database_url, workers, directory, startup_timeout)
    try:
        yield server.base_url
    finally:
        stop(server.process)
