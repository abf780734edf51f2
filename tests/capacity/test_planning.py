"""Capacity changes and their re-plan (``capacity.planning``): a preview answers
what would move and changes nothing, in the database or in the caller's own
transaction; a save moves the trucks. The app runs on a fixed clock."""

from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from cuakhau.app import create_app
from cuakhau.capacity import planning
from cuakhau.capacity.schemas import OverrideCreate
from cuakhau.core.clock import local_date, local_datetime
from cuakhau.core.config import Settings
from cuakhau.live.changes import QUEUE_CHANGES_KEY
from cuakhau.models import (
    AuditEntry,
    CapacityOverride,
    CapacityPattern,
    Crossing,
    CrossingWindow,
    Notification,
    WindowChange,
)
from cuakhau.models.enums import Direction, OverrideKind, Role
from tests.conftest import Database
from tests.factories import (
    bearer,
    make_booking,
    make_enterprise,
    make_gate,
    make_pattern,
    make_priority_classes,
    make_user,
)

# 03:00 on Tuesday 8 December in Lạng Sơn; the first window opens at 07:00.
NOW = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)
DAY = local_date(NOW)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock=lambda: NOW)) as test_client:
        yield test_client


@pytest.fixture
def booked(db: Database) -> tuple[int, dict[str, str]]:
    """A gate whose 07:00 export window holds three trucks, one import truck at
    07:00 as well, and a gate officer's headers."""
    with db.write() as session:
        make_priority_classes(session)
        gate = make_gate(session, holiday_calendars=[])
        firm = make_enterprise(session)
        for direction in Direction:
            make_pattern(session, gate, direction=direction, capacity=3)
        for _ in range(3):
            make_booking(session, firm, gate, now=NOW)
        make_booking(session, firm, gate, now=NOW, direction=Direction.import_)
        headers = bearer(session, make_user(session, Role.gate_officer))
        return gate.id, headers


def _cut(value: str, direction: str | None = "export") -> dict[str, Any]:
    return {
        "direction": direction,
        "kind": "capacity",
        "starts_on": str(DAY),
        "ends_on": str(DAY),
        "from_time": "07:00",
        "to_time": "08:00",
        "value": value,
        "reason": "Trung Quốc giảm năng lực tiếp nhận",
    }


def _everything(db: Database) -> dict[str, Any]:
    """What a capacity change may touch."""
    with db.write() as session:
        return {
            "windows": session.execute(
                select(
                    CrossingWindow.id,
                    CrossingWindow.capacity,
                    CrossingWindow.booked,
                    CrossingWindow.note,
                ).order_by(CrossingWindow.id)
            ).all(),
            "crossings": session.execute(
                select(Crossing.id, Crossing.window_id, Crossing.state).order_by(Crossing.id)
            ).all(),
            "patterns": session.execute(
                select(
                    CapacityPattern.direction,
                    CapacityPattern.weekday,
                    CapacityPattern.starts_at,
                    CapacityPattern.capacity,
                ).order_by(CapacityPattern.direction, CapacityPattern.weekday)
            ).all(),
            **{
                name: session.scalar(select(func.count()).select_from(model))
                for name, model in (
                    ("overrides", CapacityOverride),
                    ("notifications", Notification),
                    ("audit_entries", AuditEntry),
                    ("window_changes", WindowChange),
                )
            },
        }


def test_an_override_preview_changes_nothing_and_its_save_does(
    client: TestClient, db: Database, booked: tuple[int, dict[str, str]]
):
    gate_id, officer = booked
    before = _everything(db)

    preview = client.post(
        f"/api/v1/gates/{gate_id}/overrides?preview=true", json=_cut("1"), headers=officer
    )
    assert preview.status_code == 201, preview.text
    assert preview.json()["preview"] is True
    planned = [(m["crossing_id"], m["to_starts_at"]) for m in preview.json()["moves"]]
    assert len(planned) == 2
    assert _everything(db) == before

    saved = client.post(f"/api/v1/gates/{gate_id}/overrides", json=_cut("1"), headers=officer)
    assert saved.status_code == 201, saved.text
    assert [(m["crossing_id"], m["to_starts_at"]) for m in saved.json()["moves"]] == planned
    after = _everything(db)
    assert after["overrides"] == 1
    assert after["notifications"] == before["notifications"] + 2
    assert after["window_changes"] == before["window_changes"] + 2
    assert after["audit_entries"] > before["audit_entries"]
    assert after["crossings"] != before["crossings"]


def test_a_pattern_preview_changes_nothing_and_its_save_does(
    client: TestClient, db: Database, booked: tuple[int, dict[str, str]]
):
    gate_id, officer = booked
    before = _everything(db)
    fewer = {
        "direction": "export",
        "windows": [
            {"weekdays": list(range(7)), "starts_at": "07:00", "ends_at": "19:00", "capacity": 1}
        ],
    }
    path = f"/api/v1/gates/{gate_id}/capacity-pattern"

    preview = client.put(f"{path}?preview=true", json=fewer, headers=officer)
    assert preview.status_code == 200, preview.text
    assert preview.json()["preview"] is True
    assert len(preview.json()["moves"]) == 2
    assert _everything(db) == before

    saved = client.put(path, json=fewer, headers=officer)
    assert saved.status_code == 200, saved.text
    assert saved.json()["moves"] == preview.json()["moves"]
    after = _everything(db)
    assert after["patterns"] != before["patterns"]
    assert after["notifications"] == before["notifications"] + 2


def test_a_preview_keeps_the_callers_earlier_writes(
    db: Database, booked: tuple[int, dict[str, str]]
):
    """In one transaction: a saved cut (one truck moves), then a preview of closing
    the whole day in both directions. The preview rolls back to its savepoint only:
    the cut, its move and its queue change stay, and nothing of the closure does."""
    gate_id, _ = booked
    before = _everything(db)
    with db.write() as session:
        cut = planning.create_override(
            session=session, gate_id=gate_id, data=OverrideCreate(**_cut("2")), now=NOW
        )
        assert len(cut.moves) == 1
        marked = set(session.info[QUEUE_CHANGES_KEY])
        windows = {w.id: (w.capacity, w.booked) for w in session.scalars(select(CrossingWindow))}
        closure = OverrideCreate(
            kind=OverrideKind.closure, starts_on=DAY, ends_on=DAY, reason="Đóng cửa khẩu"
        )
        preview = planning.create_override(
            session=session, gate_id=gate_id, data=closure, now=NOW, preview=True
        )
        assert len(preview.moves) == 4  # every truck of the day, both directions
        assert session.get(CapacityOverride, cut.override.id) is not None
        assert session.info[QUEUE_CHANGES_KEY] == marked
        # Windows the preview filled read as the transaction has them, not as it left them.
        assert {
            w.id: (w.capacity, w.booked) for w in session.scalars(select(CrossingWindow))
        } == windows
    overrides = db.scalars(select(CapacityOverride.id))
    assert overrides == [cut.override.id]
    after = _everything(db)
    assert after["notifications"] == before["notifications"] + 1
    assert after["window_changes"] == before["window_changes"] + 1
    moved = db.scalar(select(Crossing.window_id).where(Crossing.id == cut.moves[0].crossing_id))
    assert moved == cut.moves[0].to_window_id


def test_windows_are_those_of_the_apps_day(client: TestClient, booked: tuple[int, dict[str, str]]):
    """Without ``from``, the windows are today's by the app's clock, not the machine's."""
    gate_id, _ = booked
    windows = client.get(f"/api/v1/gates/{gate_id}/windows?direction=export").json()
    starts = [datetime.fromisoformat(w["starts_at"]) for w in windows]
    assert starts[0] == local_datetime(DAY, time(7))
    assert {local_date(start) for start in starts} == {DAY}


def test_the_same_override_twice_is_refused_with_a_message(
    client: TestClient, db: Database, booked: tuple[int, dict[str, str]]
):
    gate_id, officer = booked
    path = f"/api/v1/gates/{gate_id}/overrides"
    first = client.post(path, json=_cut("1"), headers=officer)
    assert first.status_code == 201, first.text
    again = {**_cut("1"), "reason": "Gửi lại lần hai"}
    for asked in (f"{path}?preview=true", path):
        refused = client.post(asked, json=again, headers={**officer, "Accept-Language": "vi"})
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "override_duplicate"
        assert f"điều chỉnh số {first.json()['override']['id']}" in refused.json()["detail"]
    english = client.post(path, json=again, headers={**officer, "Accept-Language": "en"})
    assert "already in force" in english.json()["detail"]
    assert db.count(CapacityOverride) == 1
    # Lifted, it no longer stands in the way.
    lifted = client.post(f"{path}/{first.json()['override']['id']}/deactivate", headers=officer)
    assert lifted.is_success, lifted.text
    assert client.post(path, json=again, headers=officer).status_code == 201


def test_a_pattern_has_its_lanes_and_their_windows_are_made_at_once(
    client: TestClient, db: Database, booked: tuple[int, dict[str, str]]
):
    """Lanes may overlap each other, not themselves; the windows a lane adds are
    made up to the horizon when it is saved, so "earliest" finds them."""
    gate_id, officer = booked
    path = f"/api/v1/gates/{gate_id}/capacity-pattern"
    every_day = list(range(7))
    ordinary = {"weekdays": every_day, "starts_at": "07:00", "ends_at": "19:00", "capacity": 3}
    unmanned = {
        "lane": "unmanned",
        "weekdays": every_day,
        "starts_at": "18:30",
        "ends_at": "20:00",
        "capacity": 4,
    }
    clash = {**unmanned, "starts_at": "19:00", "ends_at": "21:00"}

    overlapping = client.put(
        path, json={"direction": "export", "windows": [ordinary, unmanned, clash]}, headers=officer
    )
    assert overlapping.status_code == 422, overlapping.text
    saved = client.put(
        path, json={"direction": "export", "windows": [ordinary, unmanned]}, headers=officer
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["moves"] == []

    pattern = client.get(path, headers=officer).json()
    assert {(p["lane"], p["starts_at"]) for p in pattern if p["direction"] == "export"} == {
        ("ordinary", "07:00:00"),
        ("unmanned", "18:30:00"),
    }
    with db.write() as session:
        made = session.scalars(
            select(CrossingWindow.starts_at).where(
                CrossingWindow.gate_id == gate_id, CrossingWindow.lane == "unmanned"
            )
        ).all()
    # Today to the booking horizon (14 days by default), one window a day.
    assert len(made) == 15
    assert local_datetime(DAY, time(18, 30)) in made

    lane_cut = {**_cut("1"), "lane": "unmanned", "from_time": "18:00", "to_time": "19:00"}
    cut = client.post(f"/api/v1/gates/{gate_id}/overrides", json=lane_cut, headers=officer)
    assert cut.status_code == 201, cut.text
    assert cut.json()["override"]["lane"] == "unmanned"
    windows = client.get(
        f"/api/v1/gates/{gate_id}/windows?direction=export&from={DAY}&to={DAY}"
    ).json()
    by_lane = {(w["lane"], w["starts_at"][11:16]): w["capacity"] for w in windows}
    assert by_lane[("unmanned", "11:30")] == 1  # 18:30 in the zone is 11:30 UTC
    assert by_lane[("ordinary", "00:00")] == 3
