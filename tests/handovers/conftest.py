"""A gate open round the clock that offers every handover mode, with a yard
that does too, and a helper that books a crossing of a mode through the API."""

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cuakhau.crossings.states import move
from cuakhau.models import Crossing
from cuakhau.models.enums import CrossingState, Role
from tests.conftest import Database, People
from tests.factories import (
    bearer,
    cargo,
    make_enterprise,
    make_open_gate,
    make_user,
    make_vehicle,
    make_yard,
)

EVERY_MODE = {"offers_trailer_swap": True, "offers_transload": True}


@dataclass(frozen=True)
class Hub:
    gate_id: int
    yard_id: int
    # The yard's own operator (a yard operator sees only its enterprise's yards).
    operator: dict[str, str]


@pytest.fixture
def hub(db: Database, people: People) -> Hub:
    with db.write() as session:
        gate = make_open_gate(session)
        for name, value in EVERY_MODE.items():
            setattr(gate, name, value)
        operator = make_enterprise(session, roles=["yard_operator"])
        yard = make_yard(session, gate, operator, **EVERY_MODE)
        user = make_user(session, Role.yard_operator, enterprise=operator)
        return Hub(gate.id, yard.id, bearer(session, user))


def book(client: TestClient, people: People, db: Database, gate_id: int, mode: str) -> Any:
    with db.write() as session:
        vehicle = make_vehicle(session, people.own_enterprise)
        vehicle.trailer_plate = f"12R-{vehicle.id % 1000:03d}.45"
    body = {
        "vehicle_id": vehicle.id,
        "gate_id": gate_id,
        "direction": "export",
        "regime": "export",
        "cargo": cargo(),
        "handover_mode": mode,
    }
    return client.post("/api/v1/crossings", json=body, headers=people[Role.enterprise])


def called(client: TestClient, people: People, db: Database, gate_id: int, mode: str) -> int:
    """A crossing of the mode, booked through the API and walked to ``called``."""
    answer = book(client, people, db, gate_id, mode)
    assert answer.status_code == 201, answer.text
    crossing_id: int = answer.json()["id"]
    with db.write() as session:
        crossing = session.get_one(Crossing, crossing_id)
        at = crossing.queued_at
        for state in (
            CrossingState.arrived,
            CrossingState.declared,
            CrossingState.cleared,
            CrossingState.called,
        ):
            move(session, crossing, state, at=at, reason="test")
    return crossing_id
