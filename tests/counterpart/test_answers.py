"""The other side's per-truck answers, sent by the real client to the real
server: they move our crossings in the messages' order, once."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from cuakhau.app import create_app
from cuakhau.cli.app import app as cli
from cuakhau.core.clock import utcnow
from cuakhau.core.config import Settings
from cuakhau.counterpart.client import CounterpartClient
from cuakhau.counterpart.service import add_counterpart
from cuakhau.handovers.service import record_step
from cuakhau.models import (
    BayHour,
    Crossing,
    CrossingMove,
    Gate,
    Notification,
    TrailerStay,
    Transload,
)
from cuakhau.models.enums import CrossingState, HandoverMode, TrailerWait, TransloadState
from cuakhau.transload import service as transload_service
from cuakhau.transload.schemas import TransloadBooking, Unloaded
from tests.conftest import TEST_SECRET, Database
from tests.factories import (
    advance,
    make_booking,
    make_enterprise,
    make_open_gate,
    make_trailer_swap,
    make_transload_yard,
    make_yard,
    next_hours,
)
from tests.live.streams import serve_in_thread

runner = CliRunner()


@pytest.fixture
def other_side(db: Database, settings: Settings) -> Iterator[tuple[CounterpartClient, int]]:
    with db.write() as session:
        gate = make_open_gate(session)
        gate.offers_trailer_swap = True
        counterpart, secret = add_counterpart(
            session=session, gate_id=gate.id, name="Youyiguan", server_secret=TEST_SECRET
        )
        key, gate_id = counterpart.key_id, gate.id
    with serve_in_thread(create_app(settings)) as port:
        yield CounterpartClient(f"http://127.0.0.1:{port}", key, secret), gate_id


SCENARIO = """\
name: Youyiguan (test)
acceptance:
  - {day: 1, hours: [9, 9], direction: export, trucks: 5}
answers:
  - {answer: accepted, handover_mode: trailer_swap, state: trailer_dropped, trucks: 1}
  - {answer: refused, state: declared, reason: "thiếu giấy kiểm dịch"}
"""


def swap_at(db: Database, gate_id: int, state: CrossingState) -> int:
    """A trailer swap of ours at the gate, walked to ``state``."""
    with db.write() as session:
        gate = session.get_one(Gate, gate_id)
        operator = make_enterprise(session, roles=["yard_operator"])
        yard = make_yard(session, gate, operator, offers_trailer_swap=True)
        firm = make_enterprise(session)
        return make_trailer_swap(session, firm, gate, yard, state, now=utcnow()).id


def state_of(db: Database, crossing_id: int) -> CrossingState:
    return db.scalar(select(Crossing.state).where(Crossing.id == crossing_id))


def test_answers_move_our_crossings_in_their_order_and_once(
    db: Database, other_side: tuple[CounterpartClient, int]
) -> None:
    client, gate_id = other_side
    swapped = swap_at(db, gate_id, CrossingState.trailer_dropped)
    refused = swap_at(db, gate_id, CrossingState.called)

    # Sent out of order: the second waits for the first, then both apply in turn.
    later = client.send(
        2, {"kind": "answers", "answers": [{"crossing_id": swapped, "answer": "crossed"}]}
    )
    assert later["outcome"] == "waiting"
    assert later["missing"] == [1]
    assert state_of(db, swapped) is CrossingState.trailer_dropped
    first = client.send(
        1,
        {
            "kind": "answers",
            "answers": [
                {"crossing_id": swapped, "answer": "accepted"},
                {
                    "crossing_id": refused,
                    "answer": "refused",
                    "reason": "hàng thiếu giấy kiểm dịch",
                },
                {"crossing_id": 999_999, "answer": "crossed"},
            ],
        },
    )
    assert first["applied"] == [1, 2]
    assert first["answers_applied"] == 3
    assert first["answers_refused"] == [
        {"sequence": 1, "crossing_id": 999_999, "code": "not_found"}
    ]
    assert state_of(db, swapped) is CrossingState.crossed
    assert state_of(db, refused) is CrossingState.rejected
    moves = db.scalars(
        select(CrossingMove).where(CrossingMove.crossing_id == swapped).order_by(CrossingMove.id)
    )
    assert [(m.to_state, m.actor_label) for m in moves[-2:]] == [
        (CrossingState.trailer_taken, "counterpart:Youyiguan"),
        (CrossingState.crossed, "counterpart:Youyiguan"),
    ]

    # Said again, and handed back loaded: the crossing moves once.
    again = client.send(
        3,
        {
            "kind": "answers",
            "answers": [
                {"crossing_id": swapped, "answer": "crossed"},
                {"crossing_id": swapped, "answer": "handed_back", "loaded": True},
                {"crossing_id": refused, "answer": "handed_back"},
            ],
        },
    )
    assert again["answers_applied"] == 2
    assert again["answers_refused"] == [
        {"sequence": 3, "crossing_id": refused, "code": "illegal_move"}
    ]
    assert state_of(db, swapped) is CrossingState.returned
    # One move more (returned): the repeated "crossed" made none.
    assert db.count(CrossingMove, CrossingMove.crossing_id == swapped) == len(moves) + 1
    back = db.scalar(select(TrailerStay).where(TrailerStay.left_at.is_(None)))
    assert (back.crossing_id, back.is_loaded) == (swapped, True)


def test_a_scenarios_answers_go_to_the_trucks_in_our_feed(
    db: Database, other_side: tuple[CounterpartClient, int], tmp_path: Path
) -> None:
    client, gate_id = other_side
    first, second = (swap_at(db, gate_id, CrossingState.trailer_dropped) for _ in range(2))
    declared = swap_at(db, gate_id, CrossingState.declared)
    feed = client.expected(hours=72)
    assert {c["crossing_id"]: c["handover_mode"] for c in feed["crossings"]} == {
        first: "trailer_swap",
        second: "trailer_swap",
        declared: "trailer_swap",
    }
    scenario = tmp_path / "other-side.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    env = {"CUAKHAU_COUNTERPART_KEY": client.key_id, "CUAKHAU_COUNTERPART_SECRET": client.secret}
    played = runner.invoke(
        cli, ["counterpart", "play", str(scenario), "--url", client.base_url], env=env
    )
    assert played.exit_code == 0, played.output
    assert "2 answers about our trucks applied, 0 refused" in played.output
    # One truck of the rule's, the first in the feed's order; and the refusal.
    assert [state_of(db, c) for c in (first, second, declared)] == [
        CrossingState.trailer_taken,
        CrossingState.trailer_dropped,
        CrossingState.rejected,
    ]


def test_a_scenario_with_a_bad_answer_rule_is_refused(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text(SCENARIO.replace("accepted", "waved_through"), encoding="utf-8")
    played = runner.invoke(
        cli, ["counterpart", "play", str(scenario), "--key", "k", "--secret", "s"]
    )
    assert played.exit_code == 2
    assert "answers.0.answer" in played.output


def transload_at_bay(db: Database, gate_id: int, *, unloaded: bool) -> tuple[int, int]:
    """A transload of ours at the gate, called, its vehicle at a bay's slot
    (and its cargo unloaded there): the slot's id and the crossing's."""
    now, first = utcnow(), next_hours()[0]
    with db.write() as session:
        gate = session.get_one(Gate, gate_id)
        operator = make_enterprise(session, roles=["yard_operator"])
        yard, (bay,) = make_transload_yard(session, gate, operator)
        firm = make_enterprise(session)
        crossing = make_booking(session, firm, gate, now=now)
        crossing.handover_mode = HandoverMode.transload
        advance(session, crossing, CrossingState.called, at=now)
        booking = TransloadBooking(
            bay_id=bay.id,
            starts_at=first,
            enterprise_id=firm.id,
            crossing_id=crossing.id,
            inbound_plate=crossing.plate,
            outbound_plate="桂F12345",
            cargo="Thanh long",
            perishable=True,
            weight_kg=18000,
        )
        slot = transload_service.book(session, yard, booking, None, now)
        transload_service.arrive(session, slot, now)
        if unloaded:
            transload_service.start(slot, now)
            transload_service.unloaded(session, slot, Unloaded(packages=10, weight_kg=18000), now)
        return slot.id, crossing.id


def test_a_refusal_once_a_handover_began_turns_the_trailer_or_cargo_back(
    db: Database, other_side: tuple[CounterpartClient, int]
) -> None:
    client, gate_id = other_side
    dropped = swap_at(db, gate_id, CrossingState.trailer_dropped)
    taken = swap_at(db, gate_id, CrossingState.trailer_taken)
    slot, at_bay = transload_at_bay(db, gate_id, unloaded=True)
    answered = client.send(
        1,
        {
            "kind": "answers",
            "answers": [
                {"crossing_id": c, "answer": "refused", "reason": "thiếu giấy kiểm dịch"}
                for c in (dropped, taken, at_bay)
            ],
        },
    )
    assert (answered["answers_applied"], answered["answers_refused"]) == (3, [])
    assert [state_of(db, c) for c in (dropped, taken, at_bay)] == [CrossingState.turned_back] * 3
    last = {
        m.crossing_id: m
        for m in db.scalars(select(CrossingMove).order_by(CrossingMove.id))
        if m.to_state is CrossingState.turned_back
    }
    assert {(m.actor_label, m.reason) for m in last.values()} == {
        ("counterpart:Youyiguan", "Youyiguan: thiếu giấy kiểm dịch")
    }
    assert all(m.yard_id is not None for m in last.values())
    # Each enterprise hears of it, with the other side's reason.
    told = db.scalars(select(Notification).where(Notification.event == "turned_back"))
    assert sorted(n.crossing_id for n in told) == sorted((dropped, taken, at_bay))
    # Both trailers stand in the yard, loaded, waiting to be handed back; the
    # dropped one no longer waits for a transfer driver.
    waiting = db.scalars(select(TrailerStay).where(TrailerStay.left_at.is_(None)))
    assert sorted((w.crossing_id, w.waits_for, w.is_loaded) for w in waiting) == [
        (dropped, TrailerWait.hand_back, True),
        (taken, TrailerWait.hand_back, True),
    ]
    # The cargo went back to the yard: its bay slot ended, its hours free.
    assert db.scalar(select(Transload.state).where(Transload.id == slot)) is (
        TransloadState.turned_back
    )
    assert sum(db.scalars(select(BayHour.booked))) == 0

    # Said again: nothing more moves.
    again = client.send(
        2,
        {
            "kind": "answers",
            "answers": [{"crossing_id": taken, "answer": "refused", "reason": "again"}],
        },
    )
    assert (again["answers_applied"], again["answers_refused"]) == (1, [])
    moves = db.count(CrossingMove, CrossingMove.crossing_id == taken)

    # Handed back to its owner, the crossing ends refused for the other side's reason.
    with db.write() as session:
        crossing = session.get_one(Crossing, taken)
        handed = record_step(
            session, crossing, CrossingState.rejected, at=utcnow(), reason="chủ xe đã nhận lại"
        )
        assert (handed.reason_code, handed.reason_params) == (
            "handed_back_refused",
            {"refusal": "Youyiguan: thiếu giấy kiểm dịch", "note": "chủ xe đã nhận lại"},
        )
    assert state_of(db, taken) is CrossingState.rejected
    assert db.count(CrossingMove, CrossingMove.crossing_id == taken) == moves + 1
    assert (
        db.count(Notification, Notification.crossing_id == taken, Notification.event == "rejected")
        == 1
    )
    assert db.count(TrailerStay, TrailerStay.left_at.is_(None)) == 1
