"""The booking against a plain model of it, through the HTTP API on PostgreSQL.

Hypothesis drives random bookings (named windows and "earliest", in a lane
named or given, at a gate with a perishable fast lane; by enterprises and by
an officer), walk-ins, cancellations, deactivations of trucks, drivers
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
from cuakhau.models.enums import Direction, LaneKind, Role
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
# A perishable fast lane beside the ordinary one, of one truck a window.
FAST_LANE_CAPACITY = 1
LANES = ("ordinary", "perishable")
# Mostly no lane named (one is given), now and then the fast lane.
LANE = st.sampled_from([None, None, "perishable"])
TRUCKS_EACH = 4
CARGO = ("perishable", "ordinary", "empty")
# The windows a named booking asks for (day from today, hour): few, so that
# they fill and their shares are reached.
NAMED = [(0, 7), (1, 7)]
WHO = st.sampled_from(["0", "1", "officer"])
TRUCK = st.integers(0, 2 * TRUCKS_EACH - 1)
# Mostly the asker's own truck and driver, and no other enterprise named: the
# rules past those are the ones most bookings meet.
OWN_TRUCK = st.integers(0, TRUCKS_EACH - 1)
NOW_AND_THEN = st.sampled_from([False, False, False, True])
DRIVER = st.sampled_from([None, None, "own", "other"])


@dataclass
class Window:
    id: int
    lane: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int = 0

    def order(self) -> tuple[datetime, bool, str]:
        """Earliest first; at the same start, a lane set apart before the ordinary."""
        return (self.starts_at, self.lane == "ordinary", self.lane)


def lane_allows(lane: str, cargo_kind: str) -> bool:
    """The fast lane takes perishable cargo only (no unmanned lane here)."""
    return lane != "perishable" or cargo_kind == "perishable"


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
    crossings: dict[int, Booked] = field(default_factory=dict)
    open_limit: int = 1
    limits_seen: set[int] = field(default_factory=lambda: {1})
    # Capacity cuts in force, as (day, factor): the same one again is refused.
    cuts: set[tuple[int, str]] = field(default_factory=set)
    horizon_days: int = 14

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

    def bookable(self, lane: str | None) -> list[Window]:
        last = NOW + timedelta(days=self.horizon_days + 1)
        return sorted(
            (w for w in self.windows if NOW < w.starts_at <= last and lane in (None, w.lane)),
            key=Window.order,
        )


def expected_booking(
    model: Model,
    who: str,
    owner: int,
    truck: Truck,
    driver: int | None,
    window_id: int | None,
    cargo_kind: str,
    named_owner: int | None,
    lane: str | None,
) -> tuple[int, str | None, int | None]:
    """(status, refusal code, window) the rules must give, in their order."""
    if who != "officer" and named_owner not in (None, owner):
        return 422, "referenced_missing", None
    if not model.enterprises[owner]:
        refusal = "referenced_missing" if who == "officer" else "enterprise_inactive"
        return (422 if who == "officer" else 403), refusal, None
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
        if lane not in (None, window.lane):
            return 422, "window_not_bookable", None
        if not lane_allows(window.lane, cargo_kind):
            return 422, "lane_not_allowed", None
        if window.booked >= window.capacity:
            return 409, "window_full", None
        if not model.class_allows(window, cargo_kind):
            return 409, "rule_class_share", None
        return 201, None, window.id
    with_room = [w for w in model.bookable(lane) if w.booked < w.capacity]
    for window in with_room:
        if lane_allows(window.lane, cargo_kind) and model.class_allows(window, cargo_kind):
            return 201, None, window.id
    # The window that explains: the earliest with room (of the lanes the truck
    # may take, unless it named one).
    explaining = [w for w in with_room if lane is not None or lane_allows(w.lane, cargo_kind)]
    if explaining and not lane_allows(explaining[0].lane, cargo_kind):
        return 422, "lane_not_allowed", None
    if explaining:
        return 409, "rule_class_share", None
    return 409, "no_free_window", None


def expected_walk_in(model: Model, truck: Truck) -> tuple[int, str | None, int | None]:
    if not truck.active:
        return 422, "unknown_plate", None
    if not model.enterprises[truck.enterprise]:
        return 422, "referenced_missing", None
    if model.open_bookings(truck) >= model.open_limit:
        return 409, "rule_open_bookings", None
    with_room = sorted(
        (
            w
            for w in model.windows
            if w.ends_at > NOW and w.booked < w.capacity and lane_allows(w.lane, "empty")
        ),
        key=Window.order,
    )
    return 201, None, with_room[0].id if with_room else None


def _payload(cargo_kind: str) -> list[dict[str, Any]]:
    return [] if cargo_kind == "empty" else cargo(perishable=cargo_kind == "perishable")


def run(db: Database, client: TestClient) -> None:
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
                make_pattern(
                    session,
                    gate,
                    capacity=FAST_LANE_CAPACITY,
                    hours=HOURS,
                    lane=LaneKind.perishable,
                )
                horizon_windows(session, gate, Direction.export, NOW, rules)
                firms = [make_enterprise(session) for _ in range(2)]
                users = {
                    str(i): make_user(session, Role.enterprise, enterprise=f)
                    for i, f in enumerate(firms)
                }
                headers = {who: bearer(session, user) for who, user in users.items()}
                self.users = {who: user.id for who, user in users.items()}
                headers["officer"] = bearer(session, make_user(session, Role.gate_officer))
                headers["admin"] = bearer(session, make_user(session, Role.admin))
                trucks = [
                    Truck(v.id, v.plate, f.id)
                    for f in firms
                    for v in (make_vehicle(session, f) for _ in range(TRUCKS_EACH))
                ]
                drivers = {make_driver(session, f).id: (f.id, True) for f in firms}
                windows = [
                    Window(w.id, w.lane.value, w.starts_at, w.ends_at, w.capacity)
                    for w in session.scalars(select(CrossingWindow))
                ]
                self.firms = [f.id for f in firms]
                self.model = Model(
                    gate.id,
                    {f.id: True for f in firms},
                    trucks,
                    drivers,
                    windows,
                )
            self.headers = headers
            self.client = client

        # ---- steps -------------------------------------------------------------

        def booking(
            self,
            who: str,
            owner: int,
            chosen: tuple[int, bool],
            driver: str | None,
            window_id: int | None,
            cargo_kind: str,
            name_other: bool,
            lane: str | None,
        ) -> int | None:
            """A booking by ``who`` for ``owner`` (an officer names it), of the
            owner's truck ``chosen`` or, ``foreign``, the other enterprise's,
            naming ``lane`` or none."""
            model = self.model
            side = int(who) if who != "officer" else owner
            owner_id = self.firms[side]
            named = None
            if who == "officer":
                named = owner_id
            elif name_other:
                named = self.firms[1 - side]
            index, foreign = chosen
            truck = model.trucks[index + TRUCKS_EACH * (side ^ foreign)]
            drivers = list(model.drivers)
            driver_id = {None: None, "own": drivers[side], "other": drivers[1 - side]}[driver]
            body = {
                "vehicle_id": truck.id,
                "gate_id": model.gate,
                "direction": "export",
                "regime": "export",
                "cargo": _payload(cargo_kind),
                "driver_id": driver_id,
                "window_id": window_id,
                "enterprise_id": named,
                "lane": lane,
            }
            status, code, window = expected_booking(
                model, who, owner_id, truck, driver_id, window_id, cargo_kind, named, lane
            )
            before = self.written()
            answer = self.client.post("/api/v1/crossings", json=body, headers=self.headers[who])
            assert answer.status_code == status, (answer.json(), status, code)
            if status != 201:
                assert answer.json()["code"] == code
                assert self.written() == before
                return None
            made = answer.json()
            assert made["window_id"] == window
            assert made["lane"] == model.window(window).lane
            model.window(window).booked += 1
            model.crossings[made["id"]] = Booked(made["id"], body["vehicle_id"], window, cargo_kind)
            return int(made["id"])

        @rule(
            target=crossing_ids,
            who=WHO,
            owner=st.integers(0, 1),
            truck=OWN_TRUCK,
            foreign=NOW_AND_THEN,
            driver=DRIVER,
            cargo_kind=st.sampled_from(CARGO),
            name_other=NOW_AND_THEN,
            lane=LANE,
        )
        def book_earliest(
            self,
            who: str,
            owner: int,
            truck: int,
            foreign: bool,
            driver: str | None,
            cargo_kind: str,
            name_other: bool,
            lane: str | None,
        ) -> int | None:
            chosen = (truck, foreign)
            return self.booking(who, owner, chosen, driver, None, cargo_kind, name_other, lane)

        @rule(
            target=crossing_ids,
            who=WHO,
            owner=st.integers(0, 1),
            truck=OWN_TRUCK,
            foreign=NOW_AND_THEN,
            driver=DRIVER,
            slot=st.integers(0, len(NAMED) - 1),
            window_lane=st.sampled_from(LANES),
            cargo_kind=st.sampled_from(CARGO),
            name_other=NOW_AND_THEN,
            lane=LANE,
        )
        def book_named(
            self,
            who: str,
            owner: int,
            truck: int,
            foreign: bool,
            driver: str | None,
            slot: int,
            window_lane: str,
            cargo_kind: str,
            name_other: bool,
            lane: str | None,
        ) -> int | None:
            day, hour = NAMED[slot]
            starts = local_datetime(local_date(NOW) + timedelta(days=day), time(hour))
            window_id = next(
                w.id for w in self.model.windows if (w.starts_at, w.lane) == (starts, window_lane)
            )
            chosen = (truck, foreign)
            return self.booking(who, owner, chosen, driver, window_id, cargo_kind, name_other, lane)

        @rule(target=crossing_ids, truck=TRUCK)
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
            before = self.written()
            answer = self.client.post(
                "/api/v1/crossings/walk-in", json=body, headers=self.headers["officer"]
            )
            assert answer.status_code == status, (answer.json(), status, code)
            if status != 201:
                assert answer.json()["code"] == code
                assert self.written() == before
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
            # A walk-in has arrived already: it cannot be cancelled.
            if answer.json().get("code") == "illegal_move":
                return
            assert answer.status_code == 200, answer.json()
            booked.open = False
            if booked.window is not None:
                self.model.window(booked.window).booked -= 1

        @rule(
            kind=st.sampled_from(["vehicles", "drivers", "enterprises"]),
            index=st.integers(0, 2 * TRUCKS_EACH - 1),
            active=st.booleans(),
        )
        def set_active(self, kind: str, index: int, active: bool) -> None:
            model = self.model
            if kind == "vehicles":
                truck = model.trucks[index]
                row_id, truck.active = truck.id, active
            elif kind == "drivers":
                row_id = list(model.drivers)[index % 2]
                model.drivers[row_id] = (model.drivers[row_id][0], active)
            else:
                row_id = self.firms[index % 2]
                model.enterprises[row_id] = active
            switch = "activate" if active else "deactivate"
            answer = self.client.post(
                f"/api/v1/{kind}/{row_id}/{switch}", headers=self.headers["admin"]
            )
            assert answer.status_code == 200, answer.json()

        @rule(who=st.sampled_from(["0", "1"]), truck=TRUCK)
        def rotate_token(self, who: str, truck: int) -> None:
            """A revoked token books nothing; its user is given another."""
            old = self.headers[who]
            assert self.client.post("/api/v1/auth/logout", headers=old).status_code == 204
            body = {
                "vehicle_id": self.model.trucks[truck].id,
                "gate_id": self.model.gate,
                "direction": "export",
                "regime": "export",
            }
            before = self.written()
            refused = self.client.post("/api/v1/crossings", json=body, headers=old)
            assert (refused.status_code, refused.json()["code"]) == (401, "token_revoked")
            assert self.written() == before
            issued = self.client.post(
                f"/api/v1/users/{self.users[who]}/tokens",
                json={"label": "rotated"},
                headers=self.headers["admin"],
            )
            assert issued.status_code == 201, issued.json()
            self.headers[who] = {"Authorization": f"Bearer {issued.json()['token']}"}

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
            if (day, factor) in self.model.cuts:
                assert answer.status_code == 409, answer.json()
                assert answer.json()["code"] == "override_duplicate"
                return
            assert answer.status_code == 201, answer.json()
            self.model.cuts.add((day, factor))
            self.resync()

        @rule(limit=st.integers(1, 2), horizon=st.sampled_from([1, 14]))
        def change_policy(self, limit: int, horizon: int) -> None:
            answer = self.client.patch(
                "/api/v1/booking-policy",
                json={"max_open_bookings_per_vehicle": limit, "booking_horizon_days": horizon},
                headers=self.headers["admin"],
            )
            assert answer.status_code == 200, answer.json()
            self.model.open_limit = limit
            self.model.limits_seen.add(limit)
            self.model.horizon_days = horizon

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

    run_state_machine_as_test(
        BookingMachine,
        settings=settings(
            max_examples=20,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            derandomize=True,
        ),
    )


def test_the_booking_agrees_with_its_model(db: Database, settings: Settings) -> None:
    with TestClient(create_app(settings, clock=lambda: NOW)) as client:
        run(db, client)
