"""`cuakhau serve --workers 2` comes up on a host whose CPU is kept busy, and
then serves as an operator expects: /metrics merged across the workers, log
lines as JSON each with the request's id. And the app and the CLI start
without the simulator's and charts' libraries."""

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from cuakhau.core.schema_version import upgrade
from tests.conftest import TEST_SECRET
from tests.live.streams import free_port

HEAVY = ("numpy", "matplotlib", "plotly", "openpyxl", "fpdf")
# Long enough for two workers to start on a loaded machine; the test's own
# bound, not a measurement.
START_PATIENCE = 240.0
# One spinner per core keeps every core busy, as on the host where workers died.
SPINNERS = os.cpu_count() or 2


@pytest.mark.parametrize("module", ["cuakhau.app", "cuakhau.cli.app"])
def test_the_app_and_the_cli_start_without_the_heavy_libraries(module: str):
    probe = f"import sys, {module}; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"


@contextmanager
def busy_cpu() -> Iterator[None]:
    """A few processes spinning on the CPU, as on the host where workers died."""
    spinners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(SPINNERS)
    ]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


@pytest.mark.slow
def test_two_workers_come_up_on_a_busy_host(tmp_path: Path):
    database = f"sqlite:///{tmp_path / 'serve.db'}"
    upgrade(database)
    port = free_port()
    log = tmp_path / "server.log"
    env = {
        **os.environ,
        "CUAKHAU_DATABASE_URL": database,
        "CUAKHAU_SECRET_KEY": TEST_SECRET,
        "CUAKHAU_DATA_DIR": str(tmp_path),
        "CUAKHAU_BACKGROUND_JOBS": "false",
        "CUAKHAU_LOG_FORMAT": "json",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [sys.executable, "-m", "cuakhau", "serve", "--port", str(port), "--workers", "2"]
    with busy_cpu(), log.open("w") as output:
        server = subprocess.Popen(
            [*command, "--worker-start-timeout", "120"], env=env, stderr=output, stdout=output
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_ready(server, base, log)
            with httpx.Client(base_url=base) as client:
                for n in range(20):
                    # A new connection each time, so both workers get some.
                    answer = httpx.get(f"{base}/healthz", headers={"X-Request-ID": f"probe-{n}"})
                    assert answer.headers["x-request-id"] == f"probe-{n}"
                over_https = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
                assert over_https.headers["strict-transport-security"].startswith("max-age=")
                scraped = client.get("/metrics")  # from 127.0.0.1: allowed by default
                assert scraped.status_code == 200
        finally:
            server.terminate()
            server.wait(30)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    workers = {line["message"] for line in lines if line["message"].startswith("Started server")}
    assert len(workers) == 2, log.read_text()
    assert not [line for line in lines if "died" in line["message"]], log.read_text()
    served = [line for line in lines if line["logger"] == "uvicorn.access"]
    assert {f"probe-{n}" for n in range(20)} <= {line["request_id"] for line in served}

    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(scraped.text)
        for sample in family.samples
    }
    healthz = (("method", "GET"), ("route", "/healthz"), ("status", "200"))
    # Counted by whichever worker answered, merged: every request is there.
    assert samples[("cuakhau_http_requests_total", healthz)] == 21


def _wait_ready(server: subprocess.Popen[bytes], base: str, log: Path) -> None:
    """Both workers started, and the server ready."""
    deadline = time.monotonic() + START_PATIENCE
    while True:
        assert server.poll() is None, "the server stopped"
        assert time.monotonic() < deadline, "the server did not become ready"
        started = log.read_text().count("Application startup complete")
        try:
            if started == 2 and httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
