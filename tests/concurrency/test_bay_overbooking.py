"""No bay hour is ever over-booked, nor more stevedore teams taken than are on
shift: bursts of transload bookings over real HTTP at a multi-worker server
(docs/architecture.md, "Transload yards"). PostgreSQL with four server
processes is the case that matters; SQLite with two must hold too."""

from collections import Counter

import pytest
from sqlalchemy import func, select

from cuakhau.core.actor import Actor
from cuakhau.core.database import session_scope
from cuakhau.models import BayHour, StevedoreHour, Transload
from cuakhau.models.enums import Role
from tests.concurrency import test_no_overbooking as gate_bursts
from tests.concurrency.test_no_overbooking import Answer, Ask, Zone, burst_of
from tests.factories import (
    bearer,
    make_enterprise,
    make_open_gate,
    make_transload_yard,
    make_user,
    next_hours,
)

pytestmark = pytest.mark.slow
# The gate's bursts' migrated database and multi-process server, one per backend
# for this module too.
zone = gate_bursts.zone

REQUESTS = 200
ROOM = 7


def arrange(
    zone: Zone, bays: list[dict[str, object]], teams: int
) -> tuple[int, list[int], dict[str, str], int]:
    """A transshipment yard with these bays and teams; an enterprise's token."""
    with session_scope(zone.sessions, Actor(label="test")) as session:
        operator = make_enterprise(session, roles=["yard_operator"])
        yard, made = make_transload_yard(
            session, make_open_gate(session), operator, bays=bays, teams=teams
        )
        firm = make_enterprise(session)
        headers = bearer(session, make_user(session, Role.enterprise, enterprise=firm))
        return yard.id, [bay.id for bay in made], headers, firm.id


def asks(yard_id: int, bay_ids: list[int], headers: dict[str, str]) -> list[Ask]:
    """``REQUESTS`` bookings of the same hour (one hour's work each), the bays in turn."""
    hour = next_hours()[0].isoformat()
    return [
        Ask(
            f"/api/v1/yards/{yard_id}/transloads",
            headers,
            {
                "bay_id": bay_ids[n % len(bay_ids)],
                "starts_at": hour,
                "inbound_plate": f"12C-{n:03d}.11",
                "cargo": "Thanh long tươi",
                "perishable": True,
                "weight_kg": 9000,
            },
        )
        for n in range(REQUESTS)
    ]


def tally(answers: list[Answer]) -> Counter[tuple[int, str | None]]:
    return Counter((a.status, a.body.get("code")) for a in answers)


def test_one_bay_hour_takes_exactly_its_room(zone: Zone) -> None:
    yard_id, bays, headers, _ = arrange(
        zone, [{"code": "L1", "kind": "cold", "capacity": ROOM, "rate": 10}], teams=100
    )

    answers = burst_of(zone.base_url, asks(yard_id, bays, headers))

    seen = tally(answers)
    assert seen == {(201, None): ROOM, (409, "bay_hour_full"): REQUESTS - ROOM}, seen
    with session_scope(zone.sessions, Actor(label="test")) as session:
        assert session.scalar(select(BayHour.booked).where(BayHour.bay_id == bays[0])) == ROOM
        assert (
            session.scalar(
                select(func.count()).select_from(Transload).where(Transload.bay_id == bays[0])
            )
            == ROOM
        )
        held = session.scalar(select(StevedoreHour.booked).where(StevedoreHour.yard_id == yard_id))
        assert held == ROOM


def test_the_stevedore_teams_on_shift_bound_every_bay_together(zone: Zone) -> None:
    teams = 5
    yard_id, bays, headers, _ = arrange(
        zone,
        [{"code": f"B{n}", "kind": "ordinary", "capacity": 10, "rate": 10} for n in range(3)],
        teams=teams,
    )

    answers = burst_of(zone.base_url, asks(yard_id, bays, headers))

    seen = tally(answers)
    assert seen[(201, None)] == teams, seen
    # Refused for the teams, or for a bay already full of what the teams allowed.
    assert sum(seen.values()) == REQUESTS
    assert set(seen) <= {(201, None), (409, "stevedores_busy"), (409, "bay_hour_full")}, seen
    with session_scope(zone.sessions, Actor(label="test")) as session:
        booked = session.scalars(select(BayHour.booked).where(BayHour.bay_id.in_(bays)))
        assert sum(booked) == teams
        held = session.scalar(select(StevedoreHour.booked).where(StevedoreHour.yard_id == yard_id))
        assert held == teams
