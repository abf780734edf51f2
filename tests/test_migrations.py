"""The migrations build the schema the models describe, on both databases, and undo it."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import inspect

from cuakhau.app import create_app
from cuakhau.core.config import Settings
from cuakhau.core.database import make_engine
from cuakhau.core.schema_version import (
    SchemaOutdated,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
)
from cuakhau.models import Base
from tests.conftest import BACKENDS, TEST_SECRET, fresh_database_url


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return fresh_database_url(request.param, tmp_path, "cuakhau_migrations")


def test_upgrade_matches_models_and_downgrade_empties(empty_database_url: str):
    engine = make_engine(empty_database_url)
    try:
        upgrade(empty_database_url)
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
        downgrade(empty_database_url, "base")
        assert current_revision(engine) is None
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(empty_database_url)
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_server_refuses_an_out_of_date_schema(empty_database_url: str, tmp_path: Path):
    settings = Settings(database_url=empty_database_url, data_dir=tmp_path, secret_key=TEST_SECRET)
    app = create_app(settings)
    with pytest.raises(SchemaOutdated, match="cuakhau db upgrade"), TestClient(app):
        pass
    app.state.engine.dispose()
