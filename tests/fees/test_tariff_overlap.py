"""Two versions of one tariff line are never in force on the same day, however many
ask at once: the database refuses the overlap (PostgreSQL's exclusion constraint,
SQLite's single writer)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from cuakhau.models import Tariff
from cuakhau.models.enums import Role
from tests.conftest import Database, People

LINE = {
    "code": "HT-RACE",
    "kind": "infrastructure",
    "vehicle_class": "truck",
    "description": "Xe tải",
    "amount_vnd": 400_000,
    "effective_from": "2027-01-01",
}
ASKS = 30


def test_thirty_identical_tariffs_at_once_store_one(
    client: TestClient, people: People, db: Database
):
    admin = people[Role.admin]
    start = threading.Barrier(ASKS)

    def ask(_: int) -> Any:
        start.wait()
        return client.post("/api/v1/tariffs", headers=admin, json=LINE)

    with ThreadPoolExecutor(ASKS) as pool:
        answers = list(pool.map(ask, range(ASKS)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] + [409] * (ASKS - 1), [a.text for a in answers if a.status_code >= 500]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"tariff_overlap"}
    assert len(db.scalars(select(Tariff.id).where(Tariff.code == "HT-RACE"))) == 1
