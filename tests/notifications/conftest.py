import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

# The app's own delivery loop is off in the tests (``background_jobs=False`` in
# tests/conftest.py): each test runs the delivery passes it means to.


@dataclass
class Receiver:
    """A real webhook endpoint on 127.0.0.1 answering with ``statuses`` in turn
    (the last one repeats), and keeping every request it got."""

    url: str
    statuses: list[int]
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def ids(self) -> list[int]:
        return [json.loads(body)["id"] for _, body in self.requests]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box: dict[str, Receiver] = {}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                hook = box["receiver"]
                hook.requests.append((dict(self.headers), body))
                status = hook.statuses[min(len(hook.requests), len(hook.statuses)) - 1]
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box["receiver"] = Receiver(f"http://127.0.0.1:{server.server_port}/hook", [204])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box["receiver"]
    server.shutdown()
    server.server_close()
