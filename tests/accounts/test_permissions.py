"""Every API endpoint, every role: who may call it and who may not.

The table is the specification; a new endpoint that is not in it fails
``test_every_endpoint_is_in_the_table``.
"""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cuakhau.app import API_PREFIX
from cuakhau.models.enums import STAFF_ROLES, Role
from tests.conftest import People

EVERYONE = frozenset(Role)
READERS = STAFF_ROLES | {Role.enterprise}
ADMIN = frozenset({Role.admin})
OWNERS = frozenset({Role.admin, Role.enterprise})
OFFICERS = frozenset({Role.admin, Role.gate_officer})
BOOKERS = OFFICERS | {Role.enterprise}
YARD_SIDE = OFFICERS | {Role.yard_operator}
BOARD = frozenset({Role.admin, Role.board})
TRANSLOAD_OPERATORS = frozenset({Role.admin, Role.yard_operator})

# (method, path pattern) -> roles allowed.
PERMISSIONS: dict[tuple[str, str], frozenset[Role]] = {
    ("GET", "/auth/me"): EVERYONE,
    ("POST", "/auth/logout"): EVERYONE,
    ("GET", "/users"): ADMIN,
    ("POST", "/users"): ADMIN,
    ("GET", "/users/{user_id}"): ADMIN,
    ("PATCH", "/users/{user_id}"): ADMIN,
    ("POST", "/users/{user_id}/disable"): ADMIN,
    ("POST", "/users/{user_id}/enable"): ADMIN,
    ("GET", "/users/{user_id}/tokens"): ADMIN,
    ("POST", "/users/{user_id}/tokens"): ADMIN,
    ("POST", "/users/{user_id}/tokens/{token_id}/revoke"): ADMIN,
    ("GET", "/audit"): frozenset({Role.admin, Role.board}),
    # Fees, notifications, live updates.
    ("GET", "/tariffs"): READERS,
    ("GET", "/tariffs/{tariff_id}"): READERS,
    ("POST", "/tariffs"): ADMIN,
    ("PATCH", "/tariffs/{tariff_id}"): ADMIN,
    ("GET", "/receipts"): READERS,
    ("GET", "/receipts/{receipt_id}"): READERS,
    ("GET", "/fees/totals"): READERS,
    ("POST", "/receipts/{receipt_id}/void"): ADMIN,
    # The board's statistics: what each may see of them is tests/statistics/test_api.py's.
    ("GET", "/statistics/trade"): READERS,
    ("GET", "/statistics/fees"): READERS,
    ("GET", "/statistics/trade/download"): READERS,
    ("GET", "/statistics/fees/download"): READERS,
    ("GET", "/statistics/transshipment"): STAFF_ROLES,
    ("GET", "/statistics/reinvestment"): BOARD,
    ("GET", "/statistics/reinvestment/download"): BOARD,
    ("GET", "/statistics/weekly"): BOARD,
    ("POST", "/statistics/history"): BOARD,
    ("GET", "/statistics/history"): BOARD,
    ("DELETE", "/statistics/history/{import_id}"): BOARD,
    ("GET", "/notifications"): READERS,
    ("GET", "/notifications/{notification_id}"): READERS,
    ("GET", "/notifications/signing-key"): OWNERS,
    # Without gate_id and direction it answers 422 rather than streaming forever.
    ("GET", "/queue/stream"): READERS,
    # The digital border gate.
    ("POST", "/crossings"): BOOKERS,
    ("GET", "/crossings"): READERS,
    ("GET", "/crossings/{crossing_id}"): READERS,
    ("GET", "/crossings/{crossing_id}/position"): READERS,
    ("POST", "/crossings/{crossing_id}/cancel"): BOOKERS,
    ("POST", "/crossings/walk-in"): YARD_SIDE,
    ("POST", "/crossings/{crossing_id}/arrive"): YARD_SIDE,
    ("POST", "/crossings/{crossing_id}/moves"): OFFICERS,
    ("PATCH", "/crossings/{crossing_id}/cargo/{line_no}"): frozenset({Role.admin, Role.customs}),
    ("GET", "/queue"): STAFF_ROLES,
    ("GET", "/gates/{gate_id}/estimate-accuracy"): STAFF_ROLES,
    ("GET", "/gates/{gate_id}/capacity-pattern"): STAFF_ROLES,
    ("PUT", "/gates/{gate_id}/capacity-pattern"): OFFICERS,
    ("GET", "/gates/{gate_id}/overrides"): STAFF_ROLES,
    ("POST", "/gates/{gate_id}/overrides"): OFFICERS,
    ("POST", "/gates/{gate_id}/overrides/{override_id}/deactivate"): OFFICERS,
    ("GET", "/booking-policy"): READERS,
    ("PATCH", "/booking-policy"): ADMIN,
    ("GET", "/priority-classes"): READERS,
    ("POST", "/priority-classes"): ADMIN,
    ("PATCH", "/priority-classes/{class_id}"): ADMIN,
    # Plate reads, yards, customs, the gate officer's desk.
    ("POST", "/plate-reads"): frozenset({Role.admin, Role.camera}),
    ("GET", "/plate-alerts"): OFFICERS,
    ("POST", "/plate-alerts/{alert_id}/resolve"): OFFICERS,
    ("POST", "/yards/{yard_id}/check-in"): YARD_SIDE,
    ("POST", "/yards/{yard_id}/check-out"): YARD_SIDE,
    ("GET", "/yards/{yard_id}/occupancy"): STAFF_ROLES,
    ("GET", "/yards/{yard_id}/occupancy/hourly"): STAFF_ROLES,
    ("GET", "/yards/{yard_id}/visits"): STAFF_ROLES,
    ("GET", "/clearance/crossings"): frozenset({Role.admin, Role.customs, Role.gate_officer}),
    ("POST", "/crossings/{crossing_id}/declaration"): frozenset({Role.admin, Role.customs}),
    ("POST", "/crossings/{crossing_id}/clearance"): frozenset({Role.admin, Role.customs}),
    ("POST", "/crossings/{crossing_id}/release"): frozenset({Role.admin, Role.customs}),
    ("POST", "/crossings/{crossing_id}/reject"): frozenset({Role.admin, Role.customs}),
    ("POST", "/gates/{gate_id}/call"): OFFICERS,
    ("POST", "/crossings/{crossing_id}/crossed"): OFFICERS,
    ("POST", "/crossings/{crossing_id}/returned"): OFFICERS,
    # The board's investment portfolio.
    ("GET", "/investment/projects"): STAFF_ROLES,
    ("POST", "/investment/projects"): BOARD,
    ("GET", "/investment/projects/{project_id}"): STAFF_ROLES,
    ("PATCH", "/investment/projects/{project_id}"): BOARD,
    ("GET", "/investment/projects/{project_id}/history"): STAFF_ROLES,
    ("POST", "/investment/projects/{project_id}/amendments"): BOARD,
    ("GET", "/investment/investors"): STAFF_ROLES,
    ("POST", "/investment/investors"): BOARD,
    ("POST", "/investment/import"): BOARD,
    ("GET", "/investment/export"): STAFF_ROLES,
    ("GET", "/investment/reports/{report}"): BOARD,
    ("GET", "/dashboard"): BOARD,
    ("POST", "/gates/{gate_id}/counterparts"): ADMIN,
    ("GET", "/gates/{gate_id}/counterparts"): STAFF_ROLES,
    # Handovers: the yard's and the gate's steps, trailers, transfer drivers.
    ("PUT", "/crossings/{crossing_id}/handover-mode"): frozenset({Role.admin, Role.yard_operator}),
    ("POST", "/crossings/{crossing_id}/handover"): YARD_SIDE,
    ("GET", "/trailers"): YARD_SIDE | {Role.board},
    ("GET", "/gates/{gate_id}/transfer-queue"): YARD_SIDE | {Role.board},
    ("GET", "/gates/{gate_id}/transfer-shifts"): YARD_SIDE | {Role.board},
    ("POST", "/gates/{gate_id}/transfer-shifts"): OFFICERS,
    # Transload yards: set up and run by their operator, booked by enterprises too.
    ("PUT", "/yards/{yard_id}/transshipment"): TRANSLOAD_OPERATORS,
    ("GET", "/yards/{yard_id}/bays"): READERS,
    ("POST", "/yards/{yard_id}/bays"): TRANSLOAD_OPERATORS,
    ("PATCH", "/yards/{yard_id}/bays/{bay_id}"): TRANSLOAD_OPERATORS,
    ("GET", "/yards/{yard_id}/stevedore-shifts"): READERS,
    ("PUT", "/yards/{yard_id}/stevedore-shifts"): TRANSLOAD_OPERATORS,
    ("POST", "/yards/{yard_id}/transloads"): TRANSLOAD_OPERATORS | {Role.enterprise},
    ("GET", "/yards/{yard_id}/transloads"): READERS,
    ("GET", "/yards/{yard_id}/transload-board"): READERS,
    ("POST", "/transloads/{transload_id}/arrive"): TRANSLOAD_OPERATORS,
    ("POST", "/transloads/{transload_id}/start"): TRANSLOAD_OPERATORS,
    ("POST", "/transloads/{transload_id}/unloaded"): TRANSLOAD_OPERATORS,
    ("POST", "/transloads/{transload_id}/loaded-out"): TRANSLOAD_OPERATORS,
    ("POST", "/transloads/{transload_id}/cancel"): TRANSLOAD_OPERATORS | {Role.enterprise},
    ("POST", "/transloads/{transload_id}/no-show"): TRANSLOAD_OPERATORS,
    ("POST", "/transloads/{transload_id}/release-hold"): frozenset({Role.admin, Role.customs}),
}
for resource, writers, updaters, lifecycle in (
    ("gates", ADMIN, ADMIN, ADMIN),
    ("yards", ADMIN, ADMIN, ADMIN),
    ("enterprises", ADMIN, OWNERS, ADMIN),
    ("vehicles", OWNERS, OWNERS, OWNERS),
    ("drivers", OWNERS, OWNERS, OWNERS),
):
    PERMISSIONS[("GET", f"/{resource}")] = READERS
    PERMISSIONS[("GET", f"/{resource}/{{row_id}}")] = READERS
    PERMISSIONS[("POST", f"/{resource}")] = writers
    PERMISSIONS[("PATCH", f"/{resource}/{{row_id}}")] = updaters
    PERMISSIONS[("POST", f"/{resource}/{{row_id}}/deactivate")] = lifecycle
    PERMISSIONS[("POST", f"/{resource}/{{row_id}}/activate")] = lifecycle

PUBLIC = {
    ("POST", "/auth/token"),
    ("GET", "/public/stream"),
    ("GET", "/public/wait-times"),
    ("GET", "/public/investment"),
    ("GET", "/public/statistics"),
    ("GET", "/gates/{gate_id}/windows"),
}


def _api_routes(client: TestClient) -> set[tuple[str, str]]:
    paths = client.get("/openapi.json").json()["paths"]
    return {
        (method.upper(), path.removeprefix(API_PREFIX))
        for path, operations in paths.items()
        if path.startswith(API_PREFIX)
        for method in operations
    }


def _concrete(path: str) -> str:
    return API_PREFIX + re.sub(r"\{[a-z_]+\}", "999999", path)


# The other side's system signs its requests (docs/counterpart.md): no role's
# token opens them.
SIGNED = {
    ("POST", "/counterpart/messages"),
    ("GET", "/counterpart/status"),
    ("GET", "/counterpart/expected-crossings"),
}


def test_every_endpoint_is_in_the_table(client: TestClient):
    assert _api_routes(client) == set(PERMISSIONS) | PUBLIC | SIGNED


@pytest.mark.parametrize("role", list(Role))
def test_no_role_opens_the_signed_endpoints(client: TestClient, people: People, role: Role):
    for method, path in SIGNED:
        response = client.request(method, _concrete(path), json={}, headers=people[role])
        assert response.status_code == 401, (role, method, path)
        assert response.json()["code"] == "counterpart_unsigned"


def test_no_token_no_entry(client: TestClient):
    for method, path in PERMISSIONS:
        response = client.request(method, _concrete(path), json={})
        assert response.status_code == 401, (method, path)
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("role", list(Role))
def test_roles(client: TestClient, people: People, role: Role):
    # Logging out revokes the token, so it goes last.
    order = sorted(PERMISSIONS.items(), key=lambda item: item[0] == ("POST", "/auth/logout"))
    for (method, path), allowed in order:
        response = client.request(method, _concrete(path), json={}, headers=people[role])
        if role in allowed:
            assert response.status_code not in (401, 403), (role, method, path, response.text)
        else:
            assert response.status_code == 403, (role, method, path, response.status_code)
            assert response.json()["code"] == "role_forbidden"


# docs/api.md: the board reads what the officers read, except their working lists.
BOARD_DOES_NOT_READ = {("GET", "/plate-alerts"), ("GET", "/clearance/crossings")}


def test_the_board_reads_what_the_roles_table_says():
    officers = {Role.gate_officer, Role.customs, Role.yard_operator}
    hidden = {
        endpoint
        for endpoint, roles in PERMISSIONS.items()
        if endpoint[0] == "GET" and roles & officers and Role.board not in roles
    }
    assert hidden == BOARD_DOES_NOT_READ
    documented = Path(__file__).resolve().parents[2] / "docs" / "api.md"
    board = next(line for line in documented.read_text().splitlines() if line.startswith("| board"))
    assert "read everything" not in board
    for _, path in BOARD_DOES_NOT_READ:
        assert f"`{path}`" in board
