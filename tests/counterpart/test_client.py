"""``cuakhau counterpart``: registering the other side at a gate, and its client
playing a scenario against the real server (uvicorn on a port)."""

import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from cuakhau.app import create_app
from cuakhau.capacity.schemas import WindowsQuery
from cuakhau.capacity.service import window_availability
from cuakhau.cli.app import app as cli
from cuakhau.core.clock import local_date, utcnow
from cuakhau.core.config import Settings
from cuakhau.counterpart.client import CounterpartClient, CounterpartRefused
from cuakhau.models import CapacityOverride, Counterpart, CounterpartMessage
from tests.conftest import TEST_SECRET, Database
from tests.factories import make_gate, make_pattern
from tests.live.streams import serve_in_thread

runner = CliRunner()

SCENARIO = """\
name: Youyiguan (test)
acceptance:
  - {day: 0, hours: [7, 8], direction: export, trucks: 1}
  - {day: 1, hours: [9, 9], direction: export, trucks: 0}
"""


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    """The app on a real port with the real clock: a scenario's days count from today."""
    with serve_in_thread(create_app(settings)) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def registered(db: Database, settings: Settings) -> tuple[int, str, str]:
    """A gate taking 3 trucks an hour 07:00–10:00, and the other side added by the CLI."""
    with db.write() as session:
        gate = make_gate(session, holiday_calendars=[], code="HUU_NGHI_T")
        make_pattern(session, gate, capacity=3, hours=range(7, 11))
        gate_id = gate.id
    env = {
        "CUAKHAU_DATABASE_URL": settings.database_url,
        "CUAKHAU_SECRET_KEY": TEST_SECRET,
    }
    added = runner.invoke(
        cli, ["counterpart", "add", "--gate", "HUU_NGHI_T", "--name", "Youyiguan"], env=env
    )
    assert added.exit_code == 0, added.output
    key = added.output.split("Key: ")[1].split()[0]
    secret = added.output.split("(shown once): ")[1].split()[0]
    assert db.scalar(select(Counterpart.key_id)) == key
    return gate_id, key, secret


# Day 0 of the scenarios played here: tomorrow, fixed once, so a test running
# across midnight still asks about the days it sent.
START = local_date(utcnow()) + timedelta(days=1)


def capacities(db: Database, gate_id: int, days_ahead: int) -> list[int]:
    day = START + timedelta(days=days_ahead)
    with db.write() as session:
        windows = window_availability(
            session=session,
            gate_id=gate_id,
            query=WindowsQuery.model_validate({"direction": "export", "from": day, "to": day}),
            now=utcnow(),
        )
    return [w.capacity for w in windows]


def test_the_client_plays_a_scenario_against_the_real_server(
    server: str, registered: tuple[int, str, str], db: Database, tmp_path: Path
) -> None:
    gate_id, key, secret = registered
    scenario = tmp_path / "other-side.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    env = {"CUAKHAU_COUNTERPART_KEY": key, "CUAKHAU_COUNTERPART_SECRET": secret}
    play = ["counterpart", "play", str(scenario), "--url", server, "--start", START.isoformat()]
    played = runner.invoke(cli, play, env=env)
    assert played.exit_code == 0, played.output
    assert "2 messages sent; applied through 2" in played.output
    assert capacities(db, gate_id, 0) == [1, 1, 3, 3]
    assert capacities(db, gate_id, 1) == [3, 3, 0, 3]
    # Played again, it numbers on from where the server stands.
    again = runner.invoke(cli, play, env=env)
    assert "applied through 4" in again.output
    assert db.count(CounterpartMessage) == 4


def test_the_client_resends_what_the_server_names_missing(
    server: str, registered: tuple[int, str, str], db: Database
) -> None:
    gate_id, key, secret = registered
    client = CounterpartClient(server, key, secret)
    day = START.isoformat()

    def content(trucks: int) -> dict[str, object]:
        hours = [{"day": day, "hour": 7, "direction": "export", "trucks": trucks}]
        return {"kind": "acceptance", "acceptance": hours}

    client.sent[1] = {"message_id": "lost-1", "sequence": 1, **content(2)}
    answer = client.send(2, content(1))
    assert answer["applied"] == [1, 2]
    assert capacities(db, gate_id, 0)[0] == 1
    with pytest.raises(CounterpartRefused) as refused:
        CounterpartClient(server, key, "not-the-secret").status()
    assert refused.value.status == 401


def test_play_refuses_a_bad_scenario_and_missing_credentials(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("name: x\nacceptance:\n  - {day: 1, hours: [7, 8], trucks: -1}\n")
    env = {"CUAKHAU_COUNTERPART_KEY": "cp_x", "CUAKHAU_COUNTERPART_SECRET": "s"}
    bad = runner.invoke(cli, ["counterpart", "play", str(scenario)], env=env)
    assert bad.exit_code == 2
    assert "trucks" in bad.output
    assert "Traceback" not in bad.output
    assert runner.invoke(cli, ["counterpart", "play", str(scenario)], env={}).exit_code == 2


def test_add_refuses_an_unknown_gate(settings: Settings, db: Database) -> None:
    env = {"CUAKHAU_DATABASE_URL": settings.database_url, "CUAKHAU_SECRET_KEY": TEST_SECRET}
    result = runner.invoke(cli, ["counterpart", "add", "--gate", "NOWHERE", "--name", "x"], env=env)
    assert result.exit_code == 2
    assert "NOWHERE" in result.output
    assert db.count(Counterpart) == 0


def test_messages_sent_at_once_in_any_order_apply_in_their_numbering(
    server: str, registered: tuple[int, str, str], db: Database
) -> None:
    """Eight messages, each from its own thread, shuffled: every one is applied
    once, in its number's order, whatever order the server takes them in."""
    gate_id, key, secret = registered
    day = START.isoformat()
    numbers = list(range(1, 9))
    random.Random(20).shuffle(numbers)

    def send(sequence: int) -> str:
        hours = [{"day": day, "hour": 7, "direction": "export", "trucks": sequence % 3}]
        answer = CounterpartClient(server, key, secret).send(
            sequence, {"kind": "acceptance", "acceptance": hours}
        )
        return str(answer["outcome"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(send, numbers))
    assert set(outcomes) <= {"applied", "waiting"}
    assert db.scalar(select(Counterpart.applied_through)) == 8
    assert db.count(CounterpartMessage, CounterpartMessage.applied_at.is_(None)) == 0
    active = db.scalars(select(CapacityOverride).where(CapacityOverride.is_active.is_(True)))
    assert [int(o.value) for o in active] == [8 % 3]
    assert capacities(db, gate_id, 0)[0] == 8 % 3
