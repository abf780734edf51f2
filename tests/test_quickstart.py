"""The README's quick start, as a new user runs it: a fresh virtual environment,
``pip install .``, ``cuakhau demo``, then the home page and the API docs."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _quick_start_commands() -> list[str]:
    block = README.split("## Quick start", 1)[1]
    return re.findall(r"```sh\n(.+?)\n```", block, flags=re.S)[:2]


def test_readme_names_the_two_commands_and_ci_runs_the_second():
    demo, tests = _quick_start_commands()
    assert "cuakhau demo" in demo
    assert "pytest" in tests
    assert tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode("utf-8")


@pytest.mark.slow
def test_demo_from_a_fresh_install(tmp_path: Path):
    demo_command = _quick_start_commands()[0]
    assert demo_command.startswith("python3 -m venv .venv && .venv/bin/pip install .")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # Byte-compiling every dependency at install is most of pip's time here (40 s
    # against 24); Python compiles what the demo imports when it imports it.
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "--no-compile", str(ROOT)],
        check=True,
        timeout=900,
    )
    port = _free_port()
    workdir = tmp_path / "work"
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUAKHAU_")}
    server = subprocess.Popen(
        [str(venv / "bin" / "cuakhau"), "demo", "--port", str(port)],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, home = _get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "the demo server did not start"
                time.sleep(0.5)
        assert status == 200
        assert "Hữu Nghị" in home
        docs_status, docs = _get(f"http://127.0.0.1:{port}/docs")
        assert docs_status == 200
        assert "swagger-ui-bundle.js" in docs
        assert "cdn" not in docs.lower()
        assert (workdir / "cuakhau-demo.db").exists()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert "admin" in output
    assert "camera.huunghi" in output
