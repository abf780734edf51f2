"""Two versions of one tariff line are never in force on the same day, however many
ask at once: the database refuses the overlap (PostgreSQL's exclusion constraint,
SQLite's single writer)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from cuakhau.core.errors import Conflict
from cuakhau.fees.schemas import TariffUpdate
from cuakhau.fees.tariffs import update_tariff
from cuakhau.models import Tariff
from cuakhau.models.enums import Role
from tests.conftest import Database, People
from tests.factories import make_tariff

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


def _blocked_on_a_lock(db: Database) -> bool:
    if db.factory.kw["bind"].dialect.name != "postgresql":
        return True  # SQLite: the second writer waits at BEGIN IMMEDIATE, before its check
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    return bool(db.scalar(waiting))


def test_two_changes_that_overlap_only_together_leave_one(db: Database):
    """Line A ends in March and B starts in September; A is extended to July while B
    is brought forward to June. Each alone is fine; the second to commit is refused."""
    with db.write() as session:
        first = make_tariff(session, code="HT-MOVE", effective_from="2027-01-01",
                            effective_to="2027-03-31").id  # fmt: skip
        second = make_tariff(session, code="HT-MOVE", effective_from="2027-09-01").id
    first_written = threading.Event()
    refusals: list[str] = []

    def bring_forward() -> None:
        first_written.wait()
        try:
            with db.write() as session:
                line = session.get_one(Tariff, second)
                update_tariff(session, line, TariffUpdate(effective_from=date(2027, 6, 1)))
        except Conflict as refused:
            refusals.append(refused.code)

    other = threading.Thread(target=bring_forward)
    other.start()
    with db.write() as session:
        update_tariff(
            session, session.get_one(Tariff, first), TariffUpdate(effective_to=date(2027, 7, 31))
        )
        first_written.set()
        for _ in range(400):  # the other change waits for this one's commit
            if _blocked_on_a_lock(db):
                break
            time.sleep(0.025)
    other.join()
    assert refusals == ["tariff_overlap"]
    ends = db.scalars(
        select(Tariff.effective_to).where(Tariff.code == "HT-MOVE").order_by(Tariff.id)
    )
    starts = db.scalars(
        select(Tariff.effective_from).where(Tariff.code == "HT-MOVE").order_by(Tariff.id)
    )
    assert (ends, starts) == ([date(2027, 7, 31), None], [date(2027, 1, 1), date(2027, 9, 1)])
