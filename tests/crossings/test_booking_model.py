"""The booking against a plain model of it, through the HTTP API on PostgreSQL.

Hypothesis drives random bookings (named windows and "earliest", by enterprises
and by an officer), walk-ins, cancellations, deactivations of trucks, drivers
and enterprises, revoked tokens, capacity cuts and policy changes. The model
says, in plain Python and independently of ``crossings.rules``, what each
request must get: the crossing and its window, or the refusal's code. After
every step the database must agree with the model: no window over capacity,
each window's count equal to the open crossings holding it, no truck over its
open-bookings limit, and nothing written by a refusal.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from cuakhau.app import create_app
from cuakhau.core.clock import local_date, local_datetime
from cuakhau.core.config import Settings
from cuakhau.crossings.booking import horizon_windows
from cuakhau.crossings.rules import policy
from cuakhau.crossings.states import OPEN_STATES
from cuakhau.models import AuditEntry, Crossing, CrossingWindow, Notification
from cuakhau.models.enums import Direction, Role
from tests.conftest import Database, empty_all_tables
from tests.factories import (
    bearer,
    cargo,
    make_driver,
    make_enterprise,
    make_gate,
    make_pattern,
    make_priority_classes,
    make_user,
    make_vehicle,
)

pytestmark = [
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
    pytest.mark.slow,
]

# 03:00 on Tuesday 8 December in the zone: the day's windows are all ahead.
NOW = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)
HOURS = range(7, 12)
CAPACITY = 2
TRUCKS_EACH = 3
CARGO = ("perishable", "ordinary", "empty")


@dataclass
class Window:
    id: int
    starts_at: datetime
    capacity: int
    booked: int = 0


@dataclass
class Truck:
    id: int
    plate: str
    enterprise: int
    active: bool = True


@dataclass
class Booked:
    id: int
    truck: int
    window: int | None
    cargo: str
    open: bool = True


@dataclass
class Model:
    """The zone as the test believes it to be."""

    gate: int
    enterprises: dict[int, bool]  # id -> active
    trucks: list[Truck]
    drivers: dict[int, tuple[int, bool]]  # id -> (enterprise, active)
    windows: list[Window]
    tokens: dict[str, bool] = field(default_factory=dict)  # who -> valid
    crossings: dict[int, Booked] = field(default_factory=dict)
    open_limit: int = 1
    limits_seen: set[int] = field(default_factory=lambda: {1})

    def window(self, window_id: int) -> Window:
        return next(w for w in self.windows if w.id == window_id)

    def open_bookings(self, truck: Truck) -> int:
        return sum(1 for c in self.crossings.values() if c.open and c.truck == truck.id)

    def holding(self, window: Window, cargo: str) -> int:
        return sum(
            1
            for c in self.crossings.values()
            if c.open and c.window == window.id and c.cargo == cargo
        )

    def class_allows(self, window: Window, cargo: str) -> bool:
        # Empty returns may hold at most half a window (``make_priority_classes``).
        return cargo != "empty" or self.holding(window, cargo) < window.capacity // 2

    def bookable(self) -> list[Window]:
        return sorted((w for w in self.windows if w.starts_at > NOW), key=lambda w: w.starts_at)


def expected_booking(
    model: Model,
    who: str,
    owner: int,
    truck: Truck,
    driver: int | None,
    window_id: int | None,
    cargo_kind: str,
    named_owner: int | None,
) -> tuple[int, str | None, int | None]:
    """(status, refusal code, window) the rules must give, in their order."""
    if not model.tokens[who]:
        return 401, "token_revoked", None
    if who != "officer" and named_owner not in (None, owner):
        return 422, "referenced_missing", None
    if not model.enterprises[owner]:
        return (
            (403, "enterprise_inactive", None)
            if who != "officer"
            else (
                422,
                "referenced_missing",
                None,
            )
        )
    if truck.enterprise != owner:
        return 404, "not_found", None
    if not truck.active:
        return 422, "referenced_missing", None
    if driver is not None and model.drivers[driver] != (owner, True):
        return 422, "referenced_missing", None
    if model.open_bookings(truck) >= model.open_limit:
        return 409, "rule_open_bookings", None
    if window_id is not None:
        window = model.window(window_id)
        if window.booked >= window.capacity:
            return 409, "window_full", None
        if not model.class_allows(window, cargo_kind):
            return 409, "rule_class_share", None
        return 201, None, window.id
    with_room = [w for w in model.bookable() if w.booked < w.capacity]
    for window in with_room:
        if model.class_allows(window, cargo_kind):
            return 201, None, window.id
    if with_room:
        return 409, "rule_class_share", None
    return 409, "no_free_window", None


def expected_walk_in(model: Model, truck: Truck) -> tuple[int, str | None, int | None]:
    if not truck.active:
        return 422, "unknown_plate", None
    if not model.enterprises[truck.enterprise]:
        return 422, "referenced_missing", None
    if model.open_bookings(truck) >= model.open_limit:
        return 409, "rule_open_bookings", None
    with_room = [w for w in model.bookable() if w.booked < w.capacity]
    return 201, None, with_room[0].id if with_room else None


def _payload(cargo_kind: str) -> list[dict[str, Any]]:
    return [] if cargo_kind == "empty" else cargo(perishable=cargo_kind == "perishable")


def run(db: Database, settings_: Settings) -> None:
    class BookingMachine(RuleBasedStateMachine):
        crossing_ids = Bundle("crossings")

        def __init__(self) -> None:
            super().__init__()
            empty_all_tables(db.factory.kw["bind"])

        @initialize()
        def zone(self) -> None:
            with db.write() as session:
                rules = policy(session)
                make_priority_classes(session)
                gate = make_gate(session, holiday_calendars=[])
                make_pattern(session, gate, capacity=CAPACITY, hours=HOURS)
                horizon_windows(session, gate, Direction.export, NOW, rules)
                firms = [make_enterprise(session) for _ in range(2)]
                headers = {
                    str(i): bearer(session, make_user(session, Role.enterprise, enterprise=f))
                    for i, f in enumerate(firms)
                }
                headers["officer"] = bearer(session, make_user(session, Role.gate_officer))
                headers["admin"] = bearer(session, make_user(session, Role.admin))
                trucks = [
                    Truck(v.id, v.plate, f.id)
                    for f in firms
                    for v in (make_vehicle(session, f) for _ in range(TRUCKS_EACH))
                ]
                drivers = {make_driver(session, f).id: (f.id, True) for f in firms}
                windows = [
                    Window(w.id, w.starts_at, w.capacity)
                    for w in session.scalars(
                        select(CrossingWindow).where(
                            CrossingWindow.starts_at < NOW + timedelta(days=2)
                        )
                    )
                ]
                self.firms = [f.id for f in firms]
                self.model = Model(
                    gate.id,
                    {f.id: True for f in firms},
                    trucks,
                    drivers,
                    windows,
                    tokens=dict.fromkeys(headers, True),
                )
            self.headers = headers
            self.client = TestClient(create_app(settings_, clock=lambda: NOW))
            self.client.__enter__()

        def teardown(self) -> None:
            if hasattr(self, "client"):
                self.client.__exit__(None, None, None)

        # ---- steps -------------------------------------------------------------

        @rule(
            target=crossing_ids,
            who=st.sampled_from(["0", "1", "officer"]),
            owner=st.integers(0, 1),
            truck=st.integers(0, 2 * TRUCKS_EACH - 1),
            driver=st.none() | st.integers(0, 1),
            hour=st.none() | st.sampled_from(list(HOURS)),
            day=st.integers(0, 1),
            cargo_kind=st.sampled_from(CARGO),
            name_other=st.booleans(),
        )
        def book(
            self,
            who: str,
            owner: int,
            truck: int,
            driver: int | None,
            hour: int | None,
            day: int,
            cargo_kind: str,
            name_other: bool,
        ) -> int | None:
            model = self.model
            owner_id = self.firms[int(who)] if who != "officer" else self.firms[owner]
            named = None
            if who == "officer":
                named = owner_id
            elif name_other:
                named = self.firms[1 - int(who)]
            driver_id = list(model.drivers)[driver] if driver is not None else None
            window_id = None
            if hour is not None:
                starts = local_datetime(local_date(NOW) + timedelta(days=day), time(hour))
                window_id = next(w.id for w in model.windows if w.starts_at == starts)
            body = {
                "vehicle_id": model.trucks[truck].id,
                "gate_id": model.gate,
                "direction": "export",
                "regime": "export",
                "cargo": _payload(cargo_kind),
                "driver_id": driver_id,
                "window_id": window_id,
                "enterprise_id": named,
            }
            status, code, window = expected_booking(
                model, who, owner_id, model.trucks[truck], driver_id, window_id, cargo_kind, named
            )
            with self.nothing_written_unless(status == 201):
                answer = self.client.post("/api/v1/crossings", json=body, headers=self.headers[who])
            assert answer.status_code == status, (answer.json(), status, code)
            if status != 201:
                assert answer.json()["code"] == code
                return None
            made = answer.json()
            assert made["window_id"] == window
            model.window(window).booked += 1
            model.crossings[made["id"]] = Booked(made["id"], body["vehicle_id"], window, cargo_kind)
            return int(made["id"])

        @rule(target=crossing_ids, truck=st.integers(0, 2 * TRUCKS_EACH - 1))
        def walk_in(self, truck: int) -> int | None:
            model = self.model
            chosen = model.trucks[truck]
            body = {
                "plate": chosen.plate,
                "gate_id": model.gate,
                "direction": "export",
                "regime": "export",
            }
            status, code, window = expected_walk_in(model, chosen)
            with self.nothing_written_unless(status == 201):
                answer = self.client.post(
                    "/api/v1/crossings/walk-in", json=body, headers=self.headers["officer"]
                )
            assert answer.status_code == status, (answer.json(), status, code)
            if status != 201:
                assert answer.json()["code"] == code
                return None
            made = answer.json()
            assert made["window_id"] == window
            if window is not None:
                model.window(window).booked += 1
            model.crossings[made["id"]] = Booked(made["id"], chosen.id, window, "empty")
            return int(made["id"])

        @rule(crossing_id=consumes(crossing_ids))
        def cancel(self, crossing_id: int | None) -> None:
            if crossing_id is None:
                return
            booked = self.model.crossings[crossing_id]
            answer = self.client.post(
                f"/api/v1/crossings/{crossing_id}/cancel", headers=self.headers["officer"]
            )
            if not booked.open:
                assert answer.status_code == 409
                return
            # A walk-in has arrived already: it cannot be cancelled.
            walked_in = answer.json().get("code") == "illegal_move"
            if walked_in:
                return
            assert answer.status_code == 200, answer.json()
            booked.open = False
            if booked.window is not None:
                self.model.window(booked.window).booked -= 1

        @rule(truck=st.integers(0, 2 * TRUCKS_EACH - 1))
        def deactivate_truck(self, truck: int) -> None:
            chosen = self.model.trucks[truck]
            self.admin_post(f"/api/v1/vehicles/{chosen.id}/deactivate")
            chosen.active = False

        @rule(driver=st.integers(0, 1))
        def deactivate_driver(self, driver: int) -> None:
            driver_id = list(self.model.drivers)[driver]
            self.admin_post(f"/api/v1/drivers/{driver_id}/deactivate")
            self.model.drivers[driver_id] = (self.model.drivers[driver_id][0], False)

        @rule(firm=st.integers(0, 1))
        def deactivate_enterprise(self, firm: int) -> None:
            self.admin_post(f"/api/v1/enterprises/{self.firms[firm]}/deactivate")
            self.model.enterprises[self.firms[firm]] = False

        @rule(who=st.sampled_from(["0", "1"]))
        def revoke_token(self, who: str) -> None:
            if self.model.tokens[who]:
                answer = self.client.post("/api/v1/auth/logout", headers=self.headers[who])
                assert answer.status_code == 204
                self.model.tokens[who] = False

        @rule(day=st.integers(0, 1), factor=st.sampled_from(["0.5", "0"]))
        def cut_capacity(self, day: int, factor: str) -> None:
            on = (local_date(NOW) + timedelta(days=day)).isoformat()
            body = {
                "kind": "factor",
                "starts_on": on,
                "ends_on": on,
                "value": factor,
                "reason": "Phía bên kia giảm tiếp nhận",
            }
            answer = self.client.post(
                f"/api/v1/gates/{self.model.gate}/overrides",
                json=body,
                headers=self.headers["officer"],
            )
            assert answer.status_code == 201, answer.json()
            self.resync()

        @rule(limit=st.integers(1, 2))
        def change_policy(self, limit: int) -> None:
            answer = self.client.patch(
                "/api/v1/booking-policy",
                json={"max_open_bookings_per_vehicle": limit},
                headers=self.headers["admin"],
            )
            assert answer.status_code == 200, answer.json()
            self.model.open_limit = limit
            self.model.limits_seen.add(limit)

        # ---- checks ------------------------------------------------------------

        @invariant()
        def the_database_agrees(self) -> None:
            if not hasattr(self, "model"):
                return
            with db.write() as session:
                held = dict(
                    session.execute(
                        select(Crossing.window_id, func.count())
                        .where(Crossing.state.in_(OPEN_STATES), Crossing.window_id.is_not(None))
                        .group_by(Crossing.window_id)
                    ).all()
                )
                per_truck = session.execute(
                    select(func.count())
                    .select_from(Crossing)
                    .where(Crossing.state.in_(OPEN_STATES))
                    .group_by(Crossing.vehicle_id)
                ).scalars()
                assert max(per_truck, default=0) <= max(self.model.limits_seen)
                for window in session.scalars(select(CrossingWindow)):
                    assert 0 <= window.booked <= window.capacity, window.id
                    assert window.booked == held.get(window.id, 0), window.id
                for window in self.model.windows:
                    stored = session.get_one(CrossingWindow, window.id)
                    assert (stored.capacity, stored.booked) == (window.capacity, window.booked)

        # ---- helpers -----------------------------------------------------------

        def admin_post(self, path: str) -> None:
            answer = self.client.post(path, headers=self.headers["admin"])
            assert answer.status_code == 200, answer.json()

        def resync(self) -> None:
            """A re-plan moves trucks in its own fair order (``crossings.replan``):
            the model takes the windows it left, and the invariant checks them."""
            with db.write() as session:
                for window in self.model.windows:
                    stored = session.get_one(CrossingWindow, window.id)
                    window.capacity, window.booked = stored.capacity, stored.booked
                for booked in self.model.crossings.values():
                    booked.window = session.get_one(Crossing, booked.id).window_id

        def written(self) -> tuple[int, int, int]:
            return (
                db.count(Crossing),
                db.count(Notification),
                db.count(AuditEntry, AuditEntry.entity.in_(["crossing", "cargo_line"])),
            )

        def nothing_written_unless(self, made: bool) -> Any:
            machine = self

            class Guard:
                def __enter__(self) -> None:
                    self.before = machine.written()

                def __exit__(self, *exc: object) -> None:
                    if not made:
                        assert machine.written() == self.before

            return Guard()

    run_state_machine_as_test(
        BookingMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            derandomize=True,
        ),
    )


def test_the_booking_agrees_with_its_model(db: Database, settings: Settings) -> None:
    run(db, settings)
