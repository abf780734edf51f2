"""A transshipment yard over the API: its set-up, and the calls that book and
step its slots."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from cuakhau.models.enums import Role
from tests.conftest import Database, People
from tests.factories import (
    bearer,
    make_enterprise,
    make_open_gate,
    make_transload_yard,
    make_user,
    next_hours,
)

API = "/api/v1"


@pytest.fixture
def zone(db: Database, people: People) -> dict[str, Any]:
    """A transshipment yard run by the yard operator account's enterprise, with a
    cold bay (two pairs at once, 10 t an hour) and an ordinary one."""
    with db.write() as session:
        gate = make_open_gate(session)
        operator = make_enterprise(session, roles=["yard_operator"])
        yard, (cold, ordinary) = make_transload_yard(
            session,
            gate,
            operator,
            bays=[
                {"code": "L1", "kind": "cold", "capacity": 2, "rate": 10},
                {"code": "T1", "kind": "ordinary", "capacity": 1, "rate": 20},
            ],
        )
        runner = bearer(session, make_user(session, Role.yard_operator, enterprise=operator))
    return {"yard": yard, "cold": cold, "ordinary": ordinary, "operator": runner}


def booking(zone: dict[str, Any], people: People, **values: Any) -> dict[str, Any]:
    return {
        "bay_id": zone["cold"].id,
        "starts_at": next_hours()[0].isoformat(),
        "enterprise_id": people.own_enterprise.id,
        "inbound_plate": "12C-456.78",
        "outbound_plate": "桂F12345",
        "cargo": "Thanh long tươi",
        "perishable": True,
        "weight_kg": 18000,
        **values,
    }


def book(client: TestClient, zone: dict[str, Any], headers: dict[str, str], body: dict[str, Any]):
    return client.post(f"{API}/yards/{zone['yard'].id}/transloads", json=body, headers=headers)


def step(client: TestClient, zone: dict[str, Any], transload_id: int, name: str, **body: Any):
    return client.post(
        f"{API}/transloads/{transload_id}/{name}", json=body or None, headers=zone["operator"]
    )
