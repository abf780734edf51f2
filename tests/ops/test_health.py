"""/healthz and /readyz, without logging in, on both databases: ready only when
the database answers and its schema is at the migrations' head."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cuakhau.app import create_app
from cuakhau.core.config import Settings
from cuakhau.core.schema_version import downgrade, upgrade
from tests.conftest import BACKENDS, TEST_SECRET, fresh_database_url


def test_live_and_ready_without_logging_in(client: TestClient):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready"}


def _unstarted(database_url: str, data_dir: Path) -> TestClient:
    """The app without its start-up, which would refuse such a database."""
    settings = Settings(
        database_url=database_url, data_dir=data_dir, secret_key=TEST_SECRET, background_jobs=False
    )
    return TestClient(create_app(settings), base_url="https://testserver")


@pytest.mark.parametrize("backend", BACKENDS)
def test_not_ready_while_the_schema_is_behind(backend: str, tmp_path: Path):
    url = fresh_database_url(backend, tmp_path, "cuakhau_readyz")
    client = _unstarted(url, tmp_path)
    empty = client.get("/readyz")
    assert empty.status_code == 503
    assert empty.json()["status"] == "not ready"
    assert "cuakhau db upgrade" in empty.json()["reason"]
    assert client.get("/healthz").status_code == 200  # alive all the same

    upgrade(url)
    assert client.get("/readyz").status_code == 200
    downgrade(url, "-1")
    behind = client.get("/readyz")
    assert behind.status_code == 503
    assert "out of date" in behind.json()["reason"]
    client.app.state.engine.dispose()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-folder/cuakhau.db",
        "postgresql+psycopg://postgres@127.0.0.1:1/cuakhau",
    ],
    ids=BACKENDS,
)
def test_not_ready_when_the_database_does_not_answer(url: str, tmp_path: Path):
    answer = _unstarted(url, tmp_path).get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["reason"].startswith("The database does not answer: ")
