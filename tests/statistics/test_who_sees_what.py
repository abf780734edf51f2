"""Who sees which figures, role by role: the board and admins everything; an
enterprise its own and the zone's totals whole; gate, customs and yard
officers their gate; a camera nothing."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cuakhau.models import Gate, User
from cuakhau.models.enums import Role
from tests.conftest import Database, People
from tests.factories import bearer, make_user
from tests.statistics.trips import crossed, two_way_gate

WOOD = {"hs_code": "940360", "description": "Đồ gỗ", "packages": 1, "weight_kg": 10}
DECEMBER = {"period": "month", "at": "2025-12-01"}


@pytest.fixture
def gates(db: Database, people: People) -> tuple[Gate, Gate]:
    """December 2025: the own enterprise once at each gate, the other twice at the first."""
    with db.write() as session:
        first, second = two_way_gate(session), two_way_gate(session)
        cargo = [{**WOOD, "value_usd": "10.00"}]
        for gate, firm, day in (
            (first, people.own_enterprise, 2),
            (second, people.own_enterprise, 3),
            (first, people.other_enterprise, 4),
            (first, people.other_enterprise, 5),
        ):
            crossed(session, gate, firm, datetime(2025, 12, day, 3, tzinfo=UTC), cargo=cargo)
        return first, second


def ask(client: TestClient, headers: dict[str, str], report: str = "trade", **params: Any) -> Any:
    return client.get(
        f"/api/v1/statistics/{report}", params={**DECEMBER, **params}, headers=headers
    )


def vehicles(response: Any) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["total"]["measures"]["vehicles"])


@pytest.mark.parametrize("role", [Role.board, Role.admin])
def test_the_board_and_admins_see_everything(
    client: TestClient, people: People, gates: tuple[Gate, Gate], role: Role
):
    assert vehicles(ask(client, people[role])) == 4
    by_firm = ask(client, people[role], group_by="enterprise").json()
    assert len(by_firm["rows"]) == 2
    assert vehicles(ask(client, people[role], enterprise_id=people.other_enterprise.id)) == 2
    assert ask(client, people[role], "fees", group_by="gate").status_code == 200


def test_an_enterprise_sees_its_own_and_the_zone_totals_whole(
    client: TestClient, people: People, gates: tuple[Gate, Gate]
):
    first, _second = gates
    headers = people[Role.enterprise]
    assert vehicles(ask(client, headers)) == 2
    assert vehicles(ask(client, headers, group_by="enterprise")) == 2
    assert vehicles(ask(client, headers, zone_totals="true")) == 4
    # The language and a download's format say how, not which figures.
    assert vehicles(ask(client, headers, zone_totals="true", lang="en")) == 4
    download = ask(client, headers, "trade/download", zone_totals="true", format="csv")
    assert download.status_code == 200, download.text
    assert ask(client, headers, "fees/download").status_code == 200
    refused = [
        {"enterprise_id": people.other_enterprise.id},
        # A zone total narrowed to a gate, a heading or a direction could be
        # another enterprise's figures alone.
        {"zone_totals": "true", "gate_id": first.id},
        {"zone_totals": "true", "hs": "94"},
        {"zone_totals": "true", "direction": "export"},
        {"zone_totals": "true", "group_by": "gate"},
        {"zone_totals": "true", "limit": 1},
    ]
    for params in refused:
        response = ask(client, headers, **params)
        assert response.status_code == 403, params
    assert ask(client, headers, "fees").status_code == 200
    assert ask(client, headers, "fees", gate_id=first.id).status_code == 403
    assert ask(client, headers, "fees", kind="infrastructure").status_code == 403


@pytest.mark.parametrize("role", [Role.gate_officer, Role.customs, Role.yard_operator])
def test_officers_see_their_gate(
    client: TestClient, db: Database, people: People, gates: tuple[Gate, Gate], role: Role
):
    first, second = gates
    assert ask(client, people[role]).status_code == 409  # an account without a gate
    with db.write() as session:
        officer = make_user(session, role)
        session.get_one(User, officer.id).gate_id = first.id
        headers = bearer(session, officer)
    assert vehicles(ask(client, headers)) == 3
    assert vehicles(ask(client, headers, group_by="enterprise")) == 3
    assert vehicles(ask(client, headers, gate_id=first.id)) == 3
    assert ask(client, headers, gate_id=second.id).status_code == 403
    assert ask(client, headers, "fees", gate_id=second.id).status_code == 403
    assert ask(client, headers, "fees").status_code == 200
    # The history imports are the board's.
    assert client.get("/api/v1/statistics/history", headers=headers).status_code == 403


def test_a_camera_and_nobody_see_nothing(client: TestClient, people: People):
    assert ask(client, people[Role.camera]).status_code == 403
    assert client.get("/api/v1/statistics/trade", params=DECEMBER).status_code == 401
