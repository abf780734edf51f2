"""The whole API, fuzzed: schemathesis draws requests from the OpenAPI document,
valid and invalid ones, for every operation; each drawn request is sent as every
role and with no login, on SQLite and PostgreSQL, and no answer may be a 5xx.
A fixed seed and a few examples per operation keep the run the same each time
and short (docs/api.md, "What input is refused")."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from requests import Request
from schemathesis import GenerationMode
from sqlalchemy import update

from cuakhau.app import create_app
from cuakhau.core.config import Settings
from cuakhau.models import User
from cuakhau.models.enums import Role
from tests.conftest import BASE_URL, Database
from tests.factories import (
    bearer,
    make_booking,
    make_enterprise,
    make_open_gate,
    make_tariff,
    make_user,
    make_vehicle,
    make_yard,
)

NOW = datetime(2026, 3, 2, 8, tzinfo=UTC)
SEED = 17
EXAMPLES = 4
"""Drawn requests per operation; each goes out once per caller."""

CALLERS = (*Role, None)
# Event streams never end; their query is checked before they start
# (tests/test_input_rules.py).
STREAMS = {"/api/v1/queue/stream", "/api/v1/public/stream"}


def _arrange(db: Database) -> dict[Role, User]:
    """A little of everything, so that small ids name real rows."""
    with db.write() as session:
        own = make_enterprise(session, roles=["exporter", "importer", "yard_operator"])
        gate = make_open_gate(session)
        make_yard(session, gate, own)
        make_vehicle(session, own)
        make_booking(session, own, gate, now=NOW)
        make_tariff(session)
        return {
            role: make_user(session, role, enterprise=own if role is Role.enterprise else None)
            for role in Role
        }


def _headers(db: Database, users: dict[Role, User]) -> dict[Role | None, dict[str, str]]:
    """Fresh tokens, every account enabled: a drawn request may have logged out or
    disabled one, and the next operation is asked by everyone again."""
    with db.write() as session:
        session.execute(update(User).values(is_active=True))
        headers: dict[Role | None, dict[str, str]] = {
            role: bearer(session, session.merge(user)) for role, user in users.items()
        }
    headers[None] = {}
    return headers


def _each_drawn(strategy: Any, send: Callable[[Any], None]) -> None:
    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        send(case)

    run()


def _send(client: TestClient, case: Any, headers: dict[str, str]) -> int:
    """The drawn request, sent by the test's own client (on PostgreSQL the app's
    connections live on that client's event loop); its answer's status."""
    request = Request(**case.as_transport_kwargs(base_url=BASE_URL, headers=headers)).prepare()
    response = client.request(
        request.method or "GET",
        request.url or "/",
        headers=dict(request.headers),
        content=request.body,
    )
    return response.status_code


# Over a minute on each database on a busy two-core machine: with the slow group.
@pytest.mark.slow
def test_no_answer_is_a_server_error(settings: Settings, db: Database) -> None:
    users = _arrange(db)
    app = create_app(settings, clock=lambda: NOW)
    schema = schemathesis.openapi.from_dict(app.openapi())
    server_errors: list[str] = []
    sent = 0
    # A server error is an answer to count and list, not an exception ending the run.
    with TestClient(app, base_url=BASE_URL, raise_server_exceptions=False) as client:
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.path in STREAMS:
                continue
            strategy = st.one_of(
                operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
            )
            headers = _headers(db, users)

            def send(case: Any, headers: dict[Role | None, dict[str, str]] = headers) -> None:
                nonlocal sent
                for caller in CALLERS:
                    status = _send(client, case, headers[caller])
                    sent += 1
                    if status >= 500:
                        who = caller.value if caller else "no login"
                        server_errors.append(f"{who}: {case.as_curl_command()} -> {status}")

            _each_drawn(strategy, send)
    assert sent > 1000
    assert server_errors == [], f"{len(server_errors)} of {sent} answers were 5xx"
