"""Log lines as one JSON object each, every line written while a request is
served (in the handler's thread too) carrying that request's id."""

import io
import json
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from cuakhau.app import create_app
from cuakhau.core.config import Settings
from cuakhau.core.logs import JsonFormatter, RequestIdFilter, logging_config


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """What the app logs, as ``CUAKHAU_LOG_FORMAT=json`` writes it."""
    config = logging_config("json")
    assert config["formatters"]["line"]["()"].endswith(JsonFormatter.__name__)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("cuakhau.test")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)


def test_lines_logged_in_a_request_carry_its_id(settings: Settings, lines: io.StringIO):
    app = create_app(settings)

    @app.get("/logs-something")
    def logs_something() -> dict[str, str]:  # sync: runs in a worker thread
        logging.getLogger("cuakhau.test").warning("inside %s", "the handler", extra={"gate": 7})
        return {}

    client = TestClient(app, base_url="https://testserver")
    client.get("/logs-something", headers={"X-Request-ID": "trace-42"})
    generated = client.get("/logs-something").headers["x-request-id"]
    logging.getLogger("cuakhau.test").info("between requests")

    first, second, outside = (json.loads(line) for line in lines.getvalue().splitlines())
    assert first["request_id"] == "trace-42"
    assert first["message"] == "inside the handler"
    assert first["level"] == "warning"
    assert first["logger"] == "cuakhau.test"
    assert first["gate"] == 7
    assert first["time"].endswith("+00:00")
    assert second["request_id"] == generated != "trace-42"
    assert outside["request_id"] is None
    app.state.engine.dispose()
