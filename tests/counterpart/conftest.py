"""What the counterpart tests share: an app on a fixed clock, and the other side's
system signing as ``cuakhau counterpart`` does."""

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cuakhau.app import create_app
from cuakhau.core.clock import local_date
from cuakhau.core.config import Settings
from cuakhau.counterpart import signing
from cuakhau.counterpart.service import add_counterpart
from tests.conftest import TEST_SECRET, Database
from tests.factories import (
    make_booking,
    make_enterprise,
    make_gate,
    make_pattern,
    make_priority_classes,
)

# 03:00 on Tuesday 8 December in Lạng Sơn; the 07:00 window is four hours off.
NOW = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)
DAY = local_date(NOW)
MESSAGES = "/api/v1/counterpart/messages"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock=lambda: NOW)) as test_client:
        yield test_client


class Other:
    """The other side's system, signing as ``cuakhau counterpart`` does."""

    def __init__(self, client: TestClient, key_id: str, secret: str, gate_id: int):
        self.client, self.key_id, self.secret, self.gate_id = client, key_id, secret, gate_id

    def call(self, method: str, path: str, body: bytes = b"", *, at: datetime = NOW, **extra: Any):
        headers = signing.signed_headers(
            self.key_id, self.secret, int(at.timestamp()), method, path, body
        )
        headers.update(extra.pop("headers", {}))
        return self.client.request(method, path, content=body, headers=headers, **extra)

    def send(self, sequence: int, trucks: int, *, hour: int = 7, message_id: str = "", **kw: Any):
        return self.call("POST", MESSAGES, message(sequence, trucks, hour, message_id), **kw)


def message(
    sequence: int, trucks: int, hour: int = 7, message_id: str = "", day: date = DAY
) -> bytes:
    content = {
        "message_id": message_id or f"m-{sequence}",
        "sequence": sequence,
        "kind": "acceptance",
        "acceptance": [
            {"day": day.isoformat(), "hour": hour, "direction": "export", "trucks": trucks}
        ],
    }
    return json.dumps(content).encode()


@pytest.fixture
def other(client: TestClient, db: Database) -> Other:
    """A gate whose 07:00 and 08:00 export windows take 3 trucks each, three trucks
    booked at 07:00, and the other side's system registered at the gate."""
    with db.write() as session:
        make_priority_classes(session)
        gate = make_gate(session, holiday_calendars=[])
        make_pattern(session, gate, capacity=3, hours=range(7, 10))
        firm = make_enterprise(session)
        for _ in range(3):
            make_booking(session, firm, gate, now=NOW)
        counterpart, secret = add_counterpart(
            session=session, gate_id=gate.id, name="Youyiguan", server_secret=TEST_SECRET
        )
        return Other(client, counterpart.key_id, secret, gate.id)
