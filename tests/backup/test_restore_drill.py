"""The restore drill (docs/operations.md): a zone in service is backed up with
``cuakhau backup``, restored with ``cuakhau restore`` into a fresh database,
and the two compared table by table, row by row; the restored one then serves.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, select, text
from typer.testing import CliRunner

from cuakhau.clearance.schemas import Declaration
from cuakhau.clearance.service import decide, declare
from cuakhau.cli.app import app
from cuakhau.core.actor import Actor
from cuakhau.core.config import Settings
from cuakhau.core.database import make_engine, session_scope
from cuakhau.core.schema_version import ensure_schema_current, head_revision, upgrade
from cuakhau.crossings.booking import procedures
from cuakhau.gateops.service import call_next, record_by_hand
from cuakhau.models import Base, Crossing, Gate
from cuakhau.models.enums import CrossingState, CustomsChannel, Direction
from cuakhau.reference.demo import DEMO_GATE, load_demo
from cuakhau.sessions import audited_session_factory
from tests.conftest import BACKENDS, TEST_SECRET, fresh_database_url

# 10:00 in the zone on a working day: the demo's windows are open.
NOW = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
# The demo leaves two export trucks in the yard (and one truck free to book).
TRUCKS_CROSSED = 2

runner = CliRunner()


def _zone_in_service(database_url: str) -> None:
    """The demo as `cuakhau demo` loads it, then a few more trucks through the
    whole trip: declared green, cleared, called and crossed by hand."""
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with session_scope(audited_session_factory(engine), Actor(label="drill")) as session:
            load_demo(session, NOW, Settings(database_url=database_url, secret_key=TEST_SECRET))
            gate = session.scalars(select(Gate).where(Gate.code == DEMO_GATE)).one()
            waiting = session.scalars(
                select(Crossing)
                .where(
                    Crossing.gate_id == gate.id,
                    Crossing.state == CrossingState.arrived,
                    Crossing.direction == Direction.export,
                )
                .order_by(Crossing.id)
                .limit(TRUCKS_CROSSED)
            ).all()
            assert len(waiting) == TRUCKS_CROSSED
            later = NOW + timedelta(minutes=30)
            for n, crossing in enumerate(waiting):
                number = f"{n + 1:05d}/XK-DIENTAP"
                declaration = Declaration(declaration_no=number, channel=CustomsChannel.green)
                declare(session, crossing, declaration, at=later)
                decide(session, crossing, at=later)
            called = call_next(session, gate.id, Direction.export, TRUCKS_CROSSED, at=later).called
            assert len(called) == TRUCKS_CROSSED
            for crossing in called:
                record_by_hand(session, crossing, CrossingState.crossed, "drill", at=later)
    finally:
        engine.dispose()


def _rows(connection: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the models, and Alembic's, in primary-key order."""
    tables = {
        table.name: connection.execute(select(table).order_by(*table.primary_key.columns)).all()
        for table in Base.metadata.sorted_tables
    }
    tables["alembic_version"] = connection.execute(
        text("SELECT version_num FROM alembic_version")
    ).all()
    return {name: [tuple(row) for row in rows] for name, rows in tables.items()}


def _sequences(connection: Connection) -> dict[str, int | None]:
    if connection.dialect.name != "postgresql":
        return {}
    found = connection.execute(
        text("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
    )
    return {str(name): value for name, value in found}


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_restored_backup_holds_every_row(backend: str, tmp_path: Path) -> None:
    source = fresh_database_url(backend, tmp_path, "cuakhau_drill_source")
    target = fresh_database_url(backend, tmp_path, "cuakhau_drill_target")
    _zone_in_service(source)
    backup_file = tmp_path / "zone.backup"

    backed_up = runner.invoke(
        app, ["backup", str(backup_file)], env={"CUAKHAU_DATABASE_URL": source}
    )
    assert backed_up.exit_code == 0, backed_up.output
    restored = runner.invoke(
        app,
        ["restore", str(backup_file)],
        env={"CUAKHAU_DATABASE_URL": target, "CUAKHAU_DEFAULT_LANGUAGE": "en"},
    )
    assert restored.exit_code == 0, restored.output
    assert f"revision {head_revision()}, the code's own" in restored.output

    engines = [make_engine(source), make_engine(target)]
    try:
        with engines[0].connect() as before, engines[1].connect() as after:
            expected, found = _rows(before), _rows(after)
            assert _sequences(after) == _sequences(before)
        assert found.keys() == expected.keys()
        for name, rows in expected.items():
            assert found[name] == rows, name
        compared = sum(len(rows) for rows in expected.values())
        filled = [name for name, rows in expected.items() if rows]
        print(f"restore drill ({backend}): {compared} rows of {len(expected)} tables compared")
        assert len(expected["crossing"]) > TRUCKS_CROSSED
        assert len(filled) >= 30
        # The restored database serves: schema and booking functions are current.
        ensure_schema_current(engines[1], procedures())
    finally:
        for engine in engines:
            engine.dispose()
