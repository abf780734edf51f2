"""The migrations build the schema the models describe, on both databases, and undo it."""

from contextlib import nullcontext
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError

from cuakhau.app import create_app
from cuakhau.core.actor import Actor
from cuakhau.core.clock import utcnow
from cuakhau.core.config import Settings
from cuakhau.core.database import make_engine, session_scope
from cuakhau.core.schema_version import (
    SchemaOutdated,
    alembic_config,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
)
from cuakhau.models import (
    Base,
    Crossing,
    CrossingMove,
    TradeDay,
    VehicleDay,
    WindowChange,
    YardSpace,
    YardVisit,
)
from cuakhau.models.enums import CrossingState, HandoverMode, LaneKind
from cuakhau.sessions import audited_session_factory
from cuakhau.yards.visits import CheckIn, check_in
from tests.conftest import BACKENDS, TEST_SECRET, fresh_database_url
from tests.factories import (
    advance,
    make_booking,
    make_enterprise,
    make_open_gate,
    make_pattern,
    make_yard,
)
from tests.statistics.straight import rolled_up
from tests.statistics.trips import at, crossed, two_way_gate


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


def _one_booking(url: str, engine: Engine) -> tuple[int, int | None]:
    """The schema at its head, and one booked crossing: its id and window's."""
    upgrade(url)
    with session_scope(audited_session_factory(engine), Actor(label="test")) as session:
        gate = make_open_gate(session)
        crossing = make_booking(session, make_enterprise(session), gate, now=utcnow())
        return crossing.id, crossing.window_id


def test_reasons_written_as_words_get_their_codes(empty_database_url: str):
    """Migration 0006 codes the English words moves were given before reasons had
    codes, and a hold's grounds; a person's words stay words."""
    engine = make_engine(empty_database_url)
    try:
        crossing_id, _window_id = _one_booking(empty_database_url, engine)
        downgrade(empty_database_url, "0005")
        old_words = [
            "booked",
            "called to gate HN-01",
            "declaration 30551/XK, red channel",
            "red channel: physical inspection; quarantine",
            "by hand: camera 3 down",
            "xe hỏng, chờ cứu hộ",
        ]
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM crossing_move"))
            for words in old_words:
                connection.execute(
                    text(
                        "INSERT INTO crossing_move (crossing_id, to_state, at, actor_label, reason)"
                        " VALUES (:crossing, 'booked', :at, 'test', :words)"
                    ),
                    {"crossing": crossing_id, "at": utcnow(), "words": words},
                )
            connection.execute(
                text("UPDATE crossing SET hold_reason = :words WHERE id = :crossing"),
                {"crossing": crossing_id, "words": old_words[3]},
            )
        upgrade(empty_database_url)
        with session_scope(audited_session_factory(engine), Actor(label="test")) as session:
            moves = session.scalars(select(CrossingMove).order_by(CrossingMove.id)).all()
            coded = [(m.reason, m.reason_code, m.reason_params) for m in moves]
            grounds = session.get_one(Crossing, crossing_id).hold_grounds
    finally:
        engine.dispose()
    assert coded == [
        ("booked", "booked", {}),
        ("called to gate HN-01", "called", {"gate": "HN-01"}),
        ("declaration 30551/XK, red channel", "declared", {"number": "30551/XK", "channel": "red"}),
        (old_words[3], "held", {"grounds": ["inspection", "quarantine"]}),
        ("by hand: camera 3 down", "by_hand", {"reason": "camera 3 down"}),
        ("xe hỏng, chờ cứu hộ", None, None),
    ]
    assert grounds == ["inspection", "quarantine"]


def test_window_changes_written_as_words_get_their_codes(empty_database_url: str):
    """Migration 0007 codes the English words window changes were given before;
    words it does not know stay words."""
    engine = make_engine(empty_database_url)
    try:
        crossing_id, window_id = _one_booking(empty_database_url, engine)
        downgrade(empty_database_url, "0006")
        old_words = ["capacity reduced", "late: lost its window", "walk-in", "moved by the board"]
        with engine.begin() as connection:
            for words in old_words:
                connection.execute(
                    text(
                        "INSERT INTO window_change (crossing_id, from_window_id, at, reason)"
                        " VALUES (:crossing, :window, :at, :words)"
                    ),
                    {"crossing": crossing_id, "window": window_id, "at": utcnow(), "words": words},
                )
        upgrade(empty_database_url)
        with session_scope(audited_session_factory(engine), Actor(label="test")) as session:
            changes = session.scalars(select(WindowChange).order_by(WindowChange.id)).all()
            coded = [(c.reason, c.reason_code, c.reason_params) for c in changes]
    finally:
        engine.dispose()
    assert coded == [
        ("capacity reduced", "capacity_reduced", {}),
        ("late: lost its window", "late", {}),
        ("walk-in", "walk_in", {}),
        ("moved by the board", None, None),
    ]


def _tariff_line(connection: Connection, effective_from: str) -> None:
    connection.execute(
        text(
            "INSERT INTO tariff (code, kind, description, amount_vnd, effective_from,"
            " is_illustrative, created_at, updated_at) VALUES ('HT-1', 'infrastructure',"
            " 'Xe tải', 1000, :day, false, :now, :now)"
        ),
        {"day": date.fromisoformat(effective_from), "now": utcnow()},
    )


def test_tariff_lines_in_force_together_are_refused_by_the_database(empty_database_url: str):
    """Migration 0012: on PostgreSQL an exclusion constraint refuses a second version
    of a line in force on the same day; an upgrade finding such lines names them and
    changes nothing; its downgrade lets them in again."""
    engine = make_engine(empty_database_url)
    postgres = engine.dialect.name == "postgresql"
    try:
        upgrade(empty_database_url)
        with engine.begin() as connection:
            _tariff_line(connection, "2027-01-01")
        with pytest.raises(IntegrityError) if postgres else nullcontext(), engine.begin() as c:
            _tariff_line(c, "2027-06-01")
        downgrade(empty_database_url, "0011")
        with engine.begin() as connection:
            _tariff_line(connection, "2027-03-01")
        if postgres:
            with pytest.raises(RuntimeError, match=r"HT-1: 1 and \d+"):
                upgrade(empty_database_url)
            assert current_revision(engine) == "0011"
    finally:
        engine.dispose()


def test_visits_of_crossings_that_left_end_when_they_left(empty_database_url: str):
    """Migration 0014 ends the yard visits the old code left open after their
    crossing left the zone, at the moment it left, and gives their spaces back;
    a truck still waiting stays in the yard."""
    engine = make_engine(empty_database_url)
    arrived_at = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
    crossed_at = arrived_at + timedelta(hours=3)
    try:
        upgrade(empty_database_url)
        with session_scope(audited_session_factory(engine), Actor(label="test")) as session:
            gate = make_open_gate(session)
            firm = make_enterprise(session, roles=["exporter", "yard_operator"])
            yard = make_yard(session, gate, firm, spaces={"truck": 5})
            gone, waiting = (make_booking(session, firm, gate, now=arrived_at) for _ in range(2))
            for crossing in (gone, waiting):
                check_in(session, yard, CheckIn(plate=crossing.plate), arrived_at)
            advance(session, gone, CrossingState.returned, at=crossed_at)
            gone_id, waiting_id, yard_id = gone.id, waiting.id, yard.id
        downgrade(empty_database_url, "0012")
        # As the code before it left them: the crossed truck still inside.
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE yard_visit SET checked_out_at = NULL WHERE crossing_id = :id"),
                {"id": gone_id},
            )
            connection.execute(text("UPDATE yard_space SET occupied = occupied + 1"))
        upgrade(empty_database_url)
        with session_scope(audited_session_factory(engine), Actor(label="test")) as session:
            ended = {v.crossing_id: v.checked_out_at for v in session.scalars(select(YardVisit))}
            occupied = session.scalar(
                select(YardSpace.occupied).where(YardSpace.yard_id == yard_id)
            )
    finally:
        engine.dispose()
    assert ended == {gone_id: crossed_at, waiting_id: None}
    assert occupied == 1


def test_the_rollups_cells_count_as_drive_through_across_migration_0021(empty_database_url: str):
    """Migration 0021 adds the handover mode to the trade and vehicle rollups:
    undone, a day's cells of two modes are added together; done again, the
    cells there are are drive-through (a rebuild puts them under their modes)."""
    before = ScriptDirectory.from_config(alembic_config(empty_database_url)).get_revision("0021")
    engine = make_engine(empty_database_url)
    cargo = [{"hs_code": "0810", "description": "x", "packages": 1, "weight_kg": 1000,
              "value_usd": "10.00"}]  # fmt: skip
    try:
        upgrade(empty_database_url)
        with session_scope(audited_session_factory(engine), Actor(label="test")) as session:
            gate = two_way_gate(session)
            firm = make_enterprise(session)
            for mode in (HandoverMode.drive_through, HandoverMode.trailer_swap):
                crossed(session, gate, firm, at("2026-12-02"), cargo=cargo, mode=mode)
        downgrade(empty_database_url, str(before.down_revision))
        with engine.connect() as connection:
            merged = connection.execute(text("SELECT lines, weight_kg FROM trade_day")).all()
            trucks = connection.execute(text("SELECT vehicles FROM vehicle_day")).all()
        upgrade(empty_database_url)
        with session_scope(audited_session_factory(engine), Actor(label="test")) as session:
            modes = session.scalars(select(TradeDay.handover_mode)).all()
            vehicles = session.scalars(select(VehicleDay.vehicles)).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in merged] == [(2, 2000)]
    assert [tuple(row) for row in trucks] == [(2,)]
    assert modes == [HandoverMode.drive_through]
    assert vehicles == [2]


def test_lanes_downgrade_keeps_the_ordinary_lane_and_frees_the_others_trucks(
    empty_database_url: str,
):
    """Migration 0020's downgrade: the ordinary lane's windows and bookings
    stay; a crossing booked in another lane waits for capacity; up again, every
    row is the ordinary lane's."""
    engine = make_engine(empty_database_url)
    now = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)
    try:
        upgrade(empty_database_url)
        with session_scope(audited_session_factory(engine), Actor(label="test")) as session:
            gate = make_open_gate(session)
            make_pattern(session, gate, capacity=5, hours=range(24), lane=LaneKind.perishable)
            firm = make_enterprise(session)
            ordinary = make_booking(session, firm, gate, now=now)
            fast = make_booking(session, firm, gate, now=now, perishable=True)
            assert (ordinary.lane, fast.lane) == (LaneKind.ordinary, LaneKind.perishable)
            ids = ordinary.id, ordinary.window_id, fast.id
        downgrade(empty_database_url, "0019")
        with engine.connect() as connection:
            held = dict(connection.execute(text("SELECT id, window_id FROM crossing")).all())
        upgrade(empty_database_url)
        with engine.connect() as connection:
            lanes = set(connection.scalars(text("SELECT DISTINCT lane FROM crossing_window")))
    finally:
        engine.dispose()
    ordinary_id, ordinary_window, fast_id = ids
    assert held == {ordinary_id: ordinary_window, fast_id: None}
    assert lanes == {"ordinary"}


def test_the_month_rollups_are_filled_from_the_day_rollups_by_migration_0023(
    empty_database_url: str,
):
    """A database upgraded past 0023 with crossings already counted: the month
    rollups hold the day rollups' cells regrouped, as counting them would have."""
    engine = make_engine(empty_database_url)
    cargo = [{"hs_code": "0810", "description": "x", "packages": 1, "weight_kg": 1000,
              "value_usd": "10.00"}]  # fmt: skip
    try:
        upgrade(empty_database_url)
        with session_scope(audited_session_factory(engine), Actor(label="test")) as session:
            gate = two_way_gate(session)
            firms = [make_enterprise(session), make_enterprise(session)]
            for day, firm in (("2026-12-02", 0), ("2026-12-20", 1), ("2027-01-05", 0)):
                crossed(session, gate, firms[firm], at(day), cargo=cargo)
        with session_scope(audited_session_factory(engine), Actor(label="test")) as session:
            counted = rolled_up(session)[3:]
        downgrade(empty_database_url, "0022")
        upgrade(empty_database_url)
        with session_scope(audited_session_factory(engine), Actor(label="test")) as session:
            migrated = rolled_up(session)[3:]
    finally:
        engine.dispose()
    trade_month, trade_enterprise_month, vehicle_month, _ = migrated
    assert migrated == counted
    assert sorted((key[0], cell[3]) for key, cell in trade_month.items()) == [
        (date(2026, 12, 1), 2),
        (date(2027, 1, 1), 1),
    ]
    assert len(trade_enterprise_month) == 3
    assert sum(cell[0] for cell in vehicle_month.values()) == 3
