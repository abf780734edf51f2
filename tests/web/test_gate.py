"""The gate console over HTTP, without a browser, on SQLite and PostgreSQL: who may
see it, a preview that saves nothing, a save that moves the trucks, calling next."""

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cuakhau.core.clock import local_date, utcnow
from cuakhau.core.security import hash_password
from cuakhau.crossings.booking import arrive
from cuakhau.crossings.states import move
from cuakhau.models import CapacityOverride, Crossing, CrossingWindow, Gate
from cuakhau.models.enums import CrossingState, Direction, LaneKind, Role
from cuakhau.web import i18n
from tests.conftest import Database
from tests.factories import (
    advance,
    make_booking,
    make_enterprise,
    make_gate,
    make_pattern,
    make_priority_classes,
    make_user,
)

PASSWORD = "mat-khau-thu-123"
# Hashed once: Argon2 is slow on purpose.
PASSWORD_HASH = hash_password(PASSWORD)


@dataclass
class Console:
    client: TestClient
    db: Database
    gate_id: int
    users: dict[Role, str]
    window_id: int
    crossing_ids: list[int]


@pytest.fixture
def console(client: TestClient, db: Database) -> Console:
    """The tests' app (over https: the cookies are Secure) and a gate with a full window."""
    with db.write() as session:
        make_priority_classes(session)
        gate = make_gate(session, holiday_calendars=[])
        make_pattern(session, gate, capacity=4, hours=range(24))
        enterprise = make_enterprise(session, roles=["exporter"])
        users = {
            role: make_user(
                session, role, enterprise=enterprise if role is Role.enterprise else None
            )
            for role in (Role.enterprise, Role.gate_officer)
        }
        for user in users.values():
            user.password_hash = PASSWORD_HASH
        # Four trucks fill the earliest free window.
        crossings = [make_booking(session, enterprise, gate, now=utcnow()) for _ in range(4)]
        window_ids = {c.window_id for c in crossings}
        assert len(window_ids) == 1
        arranged = (
            gate.id,
            {role: user.username for role, user in users.items()},
            window_ids.pop(),
            [c.id for c in crossings],
        )
    return Console(client, db, *arranged)


def _csrf(client: TestClient, path: str = "/login") -> str:
    page = client.get(path).text
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _log_in(console: Console, role: Role) -> None:
    answer = console.client.post(
        "/login",
        data={
            "username": console.users[role],
            "password": PASSWORD,
            "csrf_token": _csrf(console.client),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303


def _day(console: Console) -> str:
    with console.db.write() as session:
        window = session.get(CrossingWindow, console.window_id)
        assert window is not None
        return i18n.format_date(local_date(window.starts_at))


def _override(console: Console, action: str, **fields: str) -> dict[str, str]:
    return {
        "csrf_token": _csrf(console.client, "/gate"),
        "gate_id": str(console.gate_id),
        "direction": "export",
        "kind": "capacity",
        "value": "2",
        "scope": "one",
        "starts_on": _day(console),
        "ends_on": "",
        "reason": "Sửa mặt đường",
        "action": action,
        **fields,
    }


def _windows(console: Console) -> dict[int, int | None]:
    with console.db.write() as session:
        rows = session.execute(
            select(Crossing.id, Crossing.window_id).where(Crossing.id.in_(console.crossing_ids))
        )
        return {row[0]: row[1] for row in rows}


def test_only_officers_and_admins_see_the_console(console: Console):
    answer = console.client.get("/gate", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Fgate"

    _log_in(console, Role.enterprise)
    assert console.client.get("/gate").status_code == 403
    assert console.client.get("/gate/queue").status_code == 403

    _log_in(console, Role.gate_officer)
    page = console.client.get("/gate")
    assert page.status_code == 200
    assert "Bàn điều hành cửa khẩu" in page.text
    assert page.text.count('data-testid="position"') == 4
    assert "giờ TQ" in page.text


def test_a_preview_changes_nothing_and_a_save_moves_the_trucks(console: Console):
    _log_in(console, Role.gate_officer)
    before = _windows(console)

    preview = console.client.post("/gate/capacity", data=_override(console, "preview"))
    assert preview.status_code == 200, preview.text
    assert "2 xe sẽ phải chuyển khung giờ." in preview.text
    assert preview.text.count("<tr data-crossing=") == 4 + 2  # the queue, then the moves
    assert _windows(console) == before
    assert console.db.count(CapacityOverride) == 0
    with console.db.write() as session:
        window = session.get(CrossingWindow, console.window_id)
        assert window is not None
        assert (window.capacity, window.booked) == (4, 4)

    # "Save" asks first, with what would move, and saves nothing yet.
    asked = console.client.post("/gate/capacity", data=_override(console, "save"))
    assert asked.status_code == 200, asked.text
    assert "Lưu điều chỉnh này? 2 xe sẽ phải chuyển khung giờ" in asked.text
    assert 'name="action" value="confirm"' in asked.text
    assert _windows(console) == before
    assert console.db.count(CapacityOverride) == 0

    saved = console.client.post(
        "/gate/capacity", data=_override(console, "confirm"), follow_redirects=False
    )
    assert saved.status_code == 303
    assert saved.headers["location"].endswith("saved=2")
    after = _windows(console)
    assert sum(1 for c in console.crossing_ids if after[c] == console.window_id) == 2
    assert sum(1 for c in console.crossing_ids if after[c] != before[c]) == 2
    assert console.db.count(CapacityOverride) == 1
    notice = console.client.get(saved.headers["location"])
    assert "Đã lưu điều chỉnh năng lực; 2 xe được chuyển khung giờ." in notice.text

    # The same change sent again (a second click, a reload) is refused, and says why.
    twice = console.client.post("/gate/capacity", data=_override(console, "confirm"))
    assert twice.status_code == 409
    assert "trùng với điều chỉnh số" in twice.text
    assert console.db.count(CapacityOverride) == 1


def test_bad_input_keeps_what_was_typed_and_saves_nothing(console: Console):
    _log_in(console, Role.gate_officer)
    answer = console.client.post(
        "/gate/capacity",
        data=_override(console, "save", starts_on="31/02/2026", value="", reason="x"),
    )
    assert answer.status_code == 422
    assert "Ngày phải có dạng dd/mm/yyyy." in answer.text
    assert 'value="31/02/2026"' in answer.text
    assert 'value="x"' in answer.text
    assert console.db.count(CapacityOverride) == 0


def test_without_the_csrf_token_nothing_is_saved(console: Console):
    _log_in(console, Role.gate_officer)
    data = _override(console, "confirm")
    del data["csrf_token"]
    assert console.client.post("/gate/capacity", data=data).status_code == 403
    assert console.db.count(CapacityOverride) == 0


def test_calling_the_next_truck_calls_the_first_cleared_one(console: Console):
    with console.db.write() as session:
        for crossing_id in console.crossing_ids[:2]:
            crossing = session.get(Crossing, crossing_id)
            assert crossing is not None
            arrive(session, crossing, utcnow())
            move(session, crossing, CrossingState.declared, at=utcnow())
            move(session, crossing, CrossingState.cleared, at=utcnow())
    _log_in(console, Role.gate_officer)
    answer = console.client.post(
        "/gate/call",
        data={
            "csrf_token": _csrf(console.client, "/gate"),
            "gate_id": str(console.gate_id),
            "direction": Direction.export.value,
            "count": "1",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    states = console.db.scalars(
        select(Crossing.state).where(Crossing.id.in_(console.crossing_ids)).order_by(Crossing.id)
    )
    assert states.count(CrossingState.called) == 1
    assert states.count(CrossingState.cleared) == 1
    assert "Đã gọi 1 xe vào cửa khẩu." in console.client.get(answer.headers["location"]).text


def _post(console: Console, path: str, **fields: str) -> int:
    data = {
        "csrf_token": _csrf(console.client, "/gate"),
        "gate_id": str(console.gate_id),
        "direction": "export",
        **fields,
    }
    return console.client.post(path, data=data, follow_redirects=False).status_code


def test_recording_by_hand_needs_an_officer_and_the_csrf_token(console: Console):
    crossing_id = console.crossing_ids[0]
    with console.db.write() as session:
        crossing = session.get(Crossing, crossing_id)
        assert crossing is not None
        advance(session, crossing, CrossingState.called, at=utcnow())
    path = f"/gate/crossings/{crossing_id}/by-hand"
    fields = {"to_state": "crossed", "reason": "Camera hỏng"}
    _log_in(console, Role.enterprise)
    assert _post(console, path, **fields) == 403
    _log_in(console, Role.gate_officer)
    assert _post(console, path, **fields, csrf_token="forged") == 403
    assert _post(console, path, **{**fields, "to_state": "cleared"}) == 409
    assert _post(console, path, **{**fields, "to_state": "flown"}) == 422
    state = select(Crossing.state).where(Crossing.id == crossing_id)
    assert console.db.scalar(state) is CrossingState.called
    assert _post(console, path, **fields) == 303
    assert console.db.scalar(state) is CrossingState.crossed


def test_lifting_an_override_needs_an_officer_and_the_csrf_token(console: Console):
    _log_in(console, Role.gate_officer)
    saved = console.client.post(
        "/gate/capacity", data=_override(console, "confirm"), follow_redirects=False
    )
    assert saved.status_code == 303
    override_id = console.db.scalar(select(CapacityOverride.id))
    path = f"/gate/overrides/{override_id}/lift"
    _log_in(console, Role.enterprise)
    assert _post(console, path) == 403
    _log_in(console, Role.gate_officer)
    assert _post(console, path, csrf_token="forged") == 403
    active = select(CapacityOverride.is_active).where(CapacityOverride.id == override_id)
    assert console.db.scalar(active) is True
    assert _post(console, path) == 303
    assert console.db.scalar(active) is False
    with console.db.write() as session:
        window = session.get(CrossingWindow, console.window_id)
        assert window is not None
        assert window.capacity == 4
    assert _post(console, "/gate/overrides/999999/lift") == 404


def test_an_id_beyond_the_database_is_a_clear_refusal_on_the_pages(console: Console):
    """The pages' ids obey the API's rule (``core.schemas.Id``): beyond INTEGER they
    never reach the database, which on PostgreSQL would fail the request."""
    _log_in(console, Role.gate_officer)
    for path in ("/gate?gate_id=2147483648", "/gate/queue?gate_id=2147483648"):
        answer = console.client.get(path)
        assert answer.status_code == 422, (path, answer.status_code)
    _log_in(console, Role.enterprise)
    answer = console.client.get("/crossings/2147483648")
    assert answer.status_code == 422


def test_an_override_on_one_lane_leaves_the_other_lanes_alone(console: Console):
    """A closure of the perishable fast lane, chosen on the console, closes that
    lane's window only; the list of overrides names the lane."""
    with console.db.write() as session:
        gate_id = console.gate_id
        make_pattern(
            session,
            session.get_one(Gate, gate_id),
            capacity=2,
            hours=range(24),
            lane=LaneKind.perishable,
        )
    _log_in(console, Role.gate_officer)
    page = console.client.get(f"/gate?gate_id={gate_id}&direction=export")
    assert '<option value="perishable"' in page.text
    assert '<option value="unmanned"' not in page.text  # not a lane of this gate

    fields = {"kind": "closure", "value": "", "lane": "perishable"}
    saved = console.client.post(
        "/gate/capacity", data=_override(console, "confirm", **fields), follow_redirects=False
    )
    assert saved.status_code == 303, saved.text
    with console.db.write() as session:
        ordinary = session.get_one(CrossingWindow, console.window_id)
        [fast] = session.scalars(
            select(CrossingWindow).where(
                CrossingWindow.gate_id == gate_id,
                CrossingWindow.lane == LaneKind.perishable,
                CrossingWindow.starts_at == ordinary.starts_at,
            )
        )
        assert (ordinary.capacity, fast.capacity) == (4, 0)
        [override] = session.scalars(select(CapacityOverride))
        assert override.lane is LaneKind.perishable
    listed = console.client.get(saved.headers["location"])
    assert 'data-testid="override-lane">làn ưu tiên hàng tươi sống<' in listed.text
