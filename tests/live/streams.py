"""Real servers and event-stream readers for the live-update tests."""

import http.client
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI

# Only a guard against a hung test; no assertion depends on it.
PATIENCE = 20.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve_in_thread(app: FastAPI) -> Iterator[int]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + PATIENCE
    while not server.started:
        assert thread.is_alive(), "server stopped"
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(PATIENCE)


@contextmanager
def serve_in_process(env: dict[str, str]) -> Iterator[int]:
    """``cuakhau.app:create_app`` in its own process, as ``cuakhau serve`` runs it."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "cuakhau.app:create_app", "--factory"]
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env={**os.environ, **env},
    )
    try:
        deadline = time.monotonic() + PATIENCE
        while True:
            assert process.poll() is None, "server exited"
            assert time.monotonic() < deadline, "server did not start"
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/openapi.json")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(PATIENCE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Stream:
    """An SSE subscriber: events (name, data) arrive on ``events`` from a reader thread."""

    def __init__(self, port: int, path: str, headers: dict[str, str] | None = None):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=PATIENCE)
        self.connection.request(
            "GET", path, headers={"Accept": "text/event-stream", **(headers or {})}
        )
        self.response = self.connection.getresponse()
        assert self.response.status == 200, self.response.read()
        assert self.response.headers["content-type"].startswith("text/event-stream")
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.subscribed = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        assert self.subscribed.wait(PATIENCE), "no subscription confirmed"

    def _read(self) -> None:
        name, data = "message", None
        try:
            for raw in iter(self.response.readline, b""):
                line = raw.decode().rstrip("\r\n")
                if line == ": subscribed":
                    self.subscribed.set()
                elif line.startswith("event: "):
                    name = line.removeprefix("event: ")
                elif line.startswith("data: "):
                    data = json.loads(line.removeprefix("data: "))
                elif line == "" and data is not None:
                    self.events.put((name, data))
                    name, data = "message", None
        except OSError:
            pass  # the test closed the stream

    def next(self) -> tuple[str, Any]:
        return self.events.get(timeout=PATIENCE)

    def close(self) -> None:
        # Leaving, as a browser tab does; the reader sees the end before anything is freed.
        if self.connection.sock is not None:
            self.connection.sock.shutdown(socket.SHUT_RDWR)
        self.reader.join(PATIENCE)
        self.connection.close()
