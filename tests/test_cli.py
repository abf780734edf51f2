import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from cuakhau import __version__
from cuakhau.cli.app import app
from cuakhau.core.database import make_engine
from cuakhau.core.schema_version import ensure_schema_current, head_revision
from cuakhau.crossings.booking import procedures
from cuakhau.reference.loader import shipped_file
from tests.conftest import BACKENDS, fresh_database_url

runner = CliRunner()


@pytest.fixture(params=BACKENDS)
def env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    url = fresh_database_url(request.param, tmp_path, "cuakhau_cli")
    return {"CUAKHAU_DATABASE_URL": url, "CUAKHAU_DATA_DIR": str(tmp_path)}


def run(env: dict[str, str], *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env)


def test_version():
    result = runner.invoke(app, ["version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_database_lifecycle(env: dict[str, str]):
    assert "OUT OF DATE" in run(env, "db", "current").output
    upgraded = run(env, "db", "upgrade")
    assert upgraded.exit_code == 0
    assert f"revision {head_revision()}" in upgraded.output
    assert "up to date" in run(env, "db", "current").output
    assert "base (empty)" in run(env, "db", "downgrade", "base").output


def test_serve_refuses_an_empty_database(env: dict[str, str]):
    result = run(env, "serve", "--port", "8999")
    assert result.exit_code == 1
    assert "cuakhau db upgrade" in result.output


def test_serve_says_when_the_booking_functions_are_missing(tmp_path: Path):
    """The booking's functions come from the code, installed by ``db upgrade``
    (docs/architecture.md): a database without this version's refuses to
    serve, naming the command that fixes it, and the command does."""
    url = fresh_database_url("postgresql", tmp_path, "cuakhau_functions")
    env = {"CUAKHAU_DATABASE_URL": url, "CUAKHAU_DATA_DIR": str(tmp_path)}
    assert run(env, "db", "upgrade").exit_code == 0
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for procedure in procedures():
                connection.execute(text(f"DROP FUNCTION {procedure.function_name()}"))
        refused = run(env, "serve", "--port", "8999")
        assert refused.exit_code == 1
        assert "cuakhau db upgrade" in refused.output
        assert procedures()[0].function_name() in refused.output
        assert run(env, "db", "upgrade").exit_code == 0
        ensure_schema_current(engine, procedures())
    finally:
        engine.dispose()


def test_production_needs_a_secret(env: dict[str, str]):
    run(env, "db", "upgrade")
    result = run({**env, "CUAKHAU_ENVIRONMENT": "production"}, "serve", "--port", "8999")
    assert result.exit_code == 1
    assert "CUAKHAU_SECRET_KEY" in result.output


def test_reference_and_users(env: dict[str, str], tmp_path: Path):
    run(env, "db", "upgrade")
    loaded = run(env, "reference", "load", str(shipped_file("langson.yaml")))
    assert loaded.exit_code == 0, loaded.output
    assert "gates" in loaded.output

    bad = tmp_path / "bad.yaml"
    bad.write_text("gates:\n  - code: X\n", encoding="utf-8")
    refused = run(env, "reference", "load", str(bad))
    assert refused.exit_code == 2
    assert "nothing was changed" in refused.output
    assert "gates.0.name_vi" in refused.output

    admin = run(env, "users", "create", "boss", "--role", "admin", "--full-name", "Boss")
    assert admin.exit_code == 0, admin.output
    assert "Generated password for boss" in admin.output
    camera = run(env, "users", "create", "cam1", "--role", "camera", "--full-name", "Cam 1")
    assert "API token for cam1" in camera.output
    firm = run(
        env,
        "users",
        "create",
        "firm",
        "--role",
        "enterprise",
        "--full-name",
        "F",
        "--enterprise",
        "4900909966",
    )
    assert firm.exit_code == 0, firm.output
    typed_wide = " \uff14\uff19\uff10\uff10\uff19\uff10\uff19\uff19\uff16\uff16 "
    second = run(env, "users", "create", "firm2", "--role", "enterprise", "--full-name", "F2",
                 "--enterprise", typed_wide)  # fmt: skip
    assert second.exit_code == 0, second.output
    missing = run(
        env,
        "users",
        "create",
        "ghost",
        "--role",
        "enterprise",
        "--full-name",
        "G",
        "--enterprise",
        "0100109106",
    )
    assert missing.exit_code == 1
    assert "No enterprise with tax code 0100109106" in missing.output
    duplicate = run(env, "users", "create", "boss", "--role", "admin", "--full-name", "B")
    assert duplicate.exit_code == 1
    assert "already exists" in duplicate.output

    listed = run(env, "users", "list").output
    assert "boss" in listed
    assert "cam1" in listed
    assert "ghost" not in listed
    assert run(env, "users", "disable", "cam1").exit_code == 0
    assert "no" in run(env, "users", "list").output
    assert "API token for boss" in run(env, "users", "token", "boss").output
    assert run(env, "users", "disable", "nobody").exit_code == 1


def test_a_setting_that_cannot_be_read_is_named_not_a_traceback(tmp_path: Path):
    env = {
        **os.environ,
        "CUAKHAU_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        "CUAKHAU_ACCESS_TOKEN_MINUTES": "abc",
    }
    command = [sys.executable, "-m", "cuakhau", "db", "current"]
    vietnamese = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert vietnamese.returncode == 2
    assert "Cấu hình CUAKHAU_ACCESS_TOKEN_MINUTES không hợp lệ: Phải là số nguyên." in (
        vietnamese.stderr
    )
    assert "Traceback" not in vietnamese.stderr
    english = subprocess.run(
        command,
        env={**env, "CUAKHAU_DEFAULT_LANGUAGE": "en"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert english.returncode == 2
    assert "The setting CUAKHAU_ACCESS_TOKEN_MINUTES is not valid: Must be a whole number." in (
        english.stderr
    )
