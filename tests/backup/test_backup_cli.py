"""``cuakhau backup`` and ``cuakhau restore`` refuse what would lose or mix
data, with a message and a non-zero exit, and change nothing when they do."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from click.testing import Result
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from cuakhau.cli.app import app
from cuakhau.core.actor import Actor
from cuakhau.core.database import make_engine, session_scope
from cuakhau.core.schema_version import alembic_config, head_revision, upgrade
from cuakhau.models import Enterprise
from cuakhau.sessions import audited_session_factory
from tests.conftest import BACKENDS, fresh_database_url
from tests.factories import make_enterprise

runner = CliRunner()


@dataclass
class Databases:
    backend: str
    source: str
    target: str
    folder: Path

    def run(self, url: str, *args: str, **env: str) -> Result:
        environment = {"CUAKHAU_DATABASE_URL": url, "CUAKHAU_DEFAULT_LANGUAGE": "en", **env}
        return runner.invoke(app, list(args), env=environment)


def _with_enterprises(url: str, count: int, revision: str = "head") -> None:
    upgrade(url, revision)
    if revision != "head":
        return
    engine = make_engine(url)
    try:
        with session_scope(audited_session_factory(engine), Actor(label="test")) as session:
            for _ in range(count):
                make_enterprise(session)
    finally:
        engine.dispose()


def _enterprises(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(Enterprise)) or 0)
    finally:
        engine.dispose()


def _tables(url: str) -> int:
    engine = make_engine(url)
    query = (
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        if url.startswith("sqlite")
        else "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
    )
    try:
        with engine.connect() as connection:
            return int(connection.scalar(text(query)) or 0)
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Databases:
    backend: str = request.param
    return Databases(
        backend,
        fresh_database_url(backend, tmp_path, "cuakhau_backup_source"),
        fresh_database_url(backend, tmp_path, "cuakhau_backup_target"),
        tmp_path,
    )


def test_a_backup_does_not_overwrite_a_file_unless_forced(databases: Databases) -> None:
    _with_enterprises(databases.source, 2)
    out = databases.folder / "zone.backup"
    out.write_bytes(b"keep me")

    refused = databases.run(databases.source, "backup", str(out))
    assert refused.exit_code == 2
    assert "already exists" in refused.output
    assert "--force" in refused.output
    assert out.read_bytes() == b"keep me"

    forced = databases.run(databases.source, "backup", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert "Backed up" in forced.output
    assert not out.with_name("zone.backup.partial").exists()
    restored = databases.run(databases.target, "restore", str(out))
    assert restored.exit_code == 0, restored.output
    assert _enterprises(databases.target) == 2


def test_a_restore_does_not_overwrite_a_database_with_tables_unless_forced(
    databases: Databases,
) -> None:
    _with_enterprises(databases.source, 2)
    _with_enterprises(databases.target, 5)
    out = databases.folder / "zone.backup"
    assert databases.run(databases.source, "backup", str(out)).exit_code == 0

    refused = databases.run(databases.target, "restore", str(out))
    assert refused.exit_code == 2
    assert "--force" in refused.output
    assert "nothing was changed" in refused.output
    assert _enterprises(databases.target) == 5

    forced = databases.run(databases.target, "restore", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert _enterprises(databases.target) == 2


def test_a_backup_of_a_newer_cuakhau_is_refused(databases: Databases) -> None:
    _with_enterprises(databases.source, 1)
    engine = make_engine(databases.source)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'f00dfeedbeef'"))
    finally:
        engine.dispose()
    out = databases.folder / "zone.backup"
    assert databases.run(databases.source, "backup", str(out)).exit_code == 0

    refused = databases.run(databases.target, "restore", str(out))
    assert refused.exit_code == 2
    assert "f00dfeedbeef" in refused.output
    assert "newer cuakhau" in refused.output
    assert _tables(databases.target) == 0


def test_a_backup_of_an_older_schema_is_restored_and_the_upgrade_named(
    databases: Databases,
) -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    previous = script.get_revision(head_revision()).down_revision
    assert isinstance(previous, str)
    _with_enterprises(databases.source, 0, revision=previous)
    out = databases.folder / "zone.backup"
    assert databases.run(databases.source, "backup", str(out)).exit_code == 0

    restored = databases.run(databases.target, "restore", str(out))
    assert restored.exit_code == 0, restored.output
    assert f"at schema revision {previous}" in restored.output
    assert "Run: cuakhau db upgrade" in restored.output
    upgraded = databases.run(databases.target, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert head_revision() in upgraded.output


def test_what_is_not_a_backup_of_this_kind_is_refused(databases: Databases) -> None:
    upgrade(databases.target)
    text_file = databases.folder / "notes.txt"
    text_file.write_text("not a backup", encoding="utf-8")
    refused = databases.run(databases.target, "restore", str(text_file), "--force")
    assert refused.exit_code == 2
    assert "is not a cuakhau backup" in refused.output

    missing = databases.run(databases.target, "restore", str(databases.folder / "none"))
    assert missing.exit_code == 2
    assert "is not a cuakhau backup" in missing.output

    other = "postgresql" if databases.backend == "sqlite" else "sqlite"
    elsewhere = fresh_database_url(other, databases.folder, "cuakhau_backup_other")
    _with_enterprises(elsewhere, 1)
    out = databases.folder / "other.backup"
    assert databases.run(elsewhere, "backup", str(out)).exit_code == 0
    wrong = databases.run(databases.target, "restore", str(out), "--force")
    assert wrong.exit_code == 2
    assert "same kind of database" in wrong.output
    assert _enterprises(databases.target) == 0


def test_without_the_postgresql_tools_the_message_says_what_to_install(tmp_path: Path) -> None:
    url = fresh_database_url("postgresql", tmp_path, "cuakhau_backup_tools")
    upgrade(url)
    out = tmp_path / "zone.backup"
    result = runner.invoke(
        app,
        ["backup", str(out)],
        env={"CUAKHAU_DATABASE_URL": url, "PATH": str(tmp_path), "CUAKHAU_DEFAULT_LANGUAGE": "vi"},
    )
    assert result.exit_code == 1
    assert "pg_dump" in result.output
    assert "postgresql-client" in result.output
    assert not out.exists()


def test_a_sqlite_file_that_is_not_there_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    result = runner.invoke(
        app,
        ["backup", str(tmp_path / "zone.backup")],
        env={"CUAKHAU_DATABASE_URL": f"sqlite:///{missing}", "CUAKHAU_DEFAULT_LANGUAGE": "en"},
    )
    assert result.exit_code == 2
    assert str(missing) in result.output
    assert not missing.exists()


def test_a_folder_or_database_that_is_not_there_is_said_not_a_traceback(tmp_path: Path) -> None:
    database = tmp_path / "zone.db"
    _with_enterprises(f"sqlite:///{database}", 1)
    nowhere = tmp_path / "nowhere"
    env = {"CUAKHAU_DATABASE_URL": f"sqlite:///{database}", "CUAKHAU_DEFAULT_LANGUAGE": "en"}
    no_folder = runner.invoke(app, ["backup", str(nowhere / "zone.backup")], env=env)
    assert no_folder.exit_code == 2
    assert f"There is no folder {nowhere}" in no_folder.output
    assert not nowhere.exists()

    unreachable = "postgresql+psycopg://postgres@127.0.0.1:1/cuakhau"
    result = runner.invoke(
        app,
        ["backup", str(tmp_path / "zone.backup")],
        env={"CUAKHAU_DATABASE_URL": unreachable, "CUAKHAU_DEFAULT_LANGUAGE": "en"},
    )
    assert result.exit_code == 1
    assert "Cannot open the database postgresql+psycopg://postgres@127.0.0.1:1/cuakhau" in (
        result.output
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "zone.backup").exists()
