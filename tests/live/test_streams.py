"""Server-Sent Events from real servers: a subscriber hears about committed queue
changes of its gate and direction, never about rolled-back ones; on PostgreSQL a
subscriber of one server process hears about a change made through another."""

import http.client
import json

import pytest
from fastapi.testclient import TestClient

from cuakhau.app import create_app
from cuakhau.core.config import Settings
from cuakhau.crossings.states import move
from cuakhau.models import Crossing
from cuakhau.models.enums import CrossingState, Role
from tests.conftest import TEST_SECRET, Database, People
from tests.factories import make_booking, make_open_gate
from tests.fees.test_fees import BOOKED_AT
from tests.live.streams import Stream, serve_in_process, serve_in_thread


class RolledBack(Exception):
    pass


def bookings(db: Database, people: People) -> tuple[int, int, int, int]:
    """Two gates, a booked crossing at each and a second at the first."""
    with db.write() as session:
        gate_a, gate_b = make_open_gate(session), make_open_gate(session)
        first = make_booking(session, people.own_enterprise, gate_a, now=BOOKED_AT)
        second = make_booking(session, people.own_enterprise, gate_a, now=BOOKED_AT)
        elsewhere = make_booking(session, people.own_enterprise, gate_b, now=BOOKED_AT)
        return gate_a.id, first.id, second.id, elsewhere.id


def cancel(db: Database, crossing_id: int, then: type[Exception] | None = None) -> None:
    """Cancel a crossing; ``then`` fails the transaction after the move, rolling it back."""
    with db.write() as session:
        move(session, session.get_one(Crossing, crossing_id), CrossingState.cancelled, at=BOOKED_AT)
        if then is not None:
            raise then


def test_subscribers_hear_committed_changes_of_their_gate(
    client: TestClient, settings: Settings, people: People
):
    # A server of its own, with short heartbeats: a closed stream is noticed
    # quickly when the server stops.
    app = create_app(settings.model_copy(update={"live_heartbeat_seconds": 1}))
    db = Database(app.state.session_factory)
    gate_a, first, second, elsewhere = bookings(db, people)
    with serve_in_thread(app) as port:
        everything = Stream(port, "/api/v1/public/stream")
        gate_only = Stream(
            port,
            f"/api/v1/queue/stream?gate_id={gate_a}&direction=export",
            people[Role.enterprise],
        )
        try:
            with pytest.raises(RolledBack):
                cancel(db, first, then=RolledBack)
            cancel(db, elsewhere)
            cancel(db, second)
            heard = [everything.next(), everything.next()]
            gate_b = heard[0][1]["gate_id"]
            assert heard == [
                ("queue_changed", {"gate_id": gate_b, "direction": "export"}),
                ("queue_changed", {"gate_id": gate_a, "direction": "export"}),
            ]
            assert gate_b != gate_a
            assert gate_only.next() == ("queue_changed", {"gate_id": gate_a, "direction": "export"})
        finally:
            everything.close()
            gate_only.close()


def test_stream_needs_a_gate_and_a_direction(client: TestClient, people: People):
    response = client.get("/api/v1/queue/stream", headers=people[Role.board])
    assert response.status_code == 422
    assert client.get("/api/v1/queue/stream?gate_id=1&direction=export").status_code == 401


# Fan-out across processes is PostgreSQL's LISTEN/NOTIFY; SQLite runs one process.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_change_through_one_server_process_reaches_a_subscriber_of_another(
    client: TestClient, db: Database, settings: Settings, people: People
):
    gate_a, first, _second, _elsewhere = bookings(db, people)
    env = {
        "CUAKHAU_DATABASE_URL": settings.database_url,
        "CUAKHAU_SECRET_KEY": TEST_SECRET,
        "CUAKHAU_LIVE_HEARTBEAT_SECONDS": "1",
        "CUAKHAU_BACKGROUND_JOBS": "false",
    }
    with serve_in_process(env) as writer, serve_in_process(env) as reader:
        stream = Stream(
            reader, f"/api/v1/queue/stream?gate_id={gate_a}&direction=export", people[Role.board]
        )
        try:
            connection = http.client.HTTPConnection("127.0.0.1", writer, timeout=20)
            connection.request(
                "POST",
                f"/api/v1/crossings/{first}/moves",
                body=json.dumps({"to_state": "arrived", "reason": "xe đã đến bãi"}),
                headers={"Content-Type": "application/json", **people[Role.gate_officer]},
            )
            assert connection.getresponse().status == 200
            assert stream.next() == ("queue_changed", {"gate_id": gate_a, "direction": "export"})
        finally:
            stream.close()
