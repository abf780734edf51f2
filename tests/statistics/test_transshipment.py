"""The statistics by handover mode: the rollups move a crossing's figures to its
mode on its day when the yard operator changes the mode or a crossing is
corrected; ``GET /api/v1/statistics/trade?group_by=handover_mode`` names the
modes; ``GET /api/v1/statistics/transshipment`` gives the board's figures
(trucks, weight, value by mode and gate; trailers; transloads) to whoever may
see them, on SQLite and PostgreSQL."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cuakhau.core.config import Settings
from cuakhau.crossings.states import move
from cuakhau.handovers.service import change_mode
from cuakhau.models import Gate, User, Yard
from cuakhau.models.enums import CrossingState as S
from cuakhau.models.enums import Direction, HandoverMode, Regime, Role, TrailerWait
from cuakhau.reference.demo import load_demo
from cuakhau.statistics.history import Figure, import_figures
from cuakhau.statistics.periods import PeriodKind, period_of
from cuakhau.statistics.schemas import TransshipmentQuery
from cuakhau.statistics.transshipment import transshipment
from tests.conftest import Database, People
from tests.factories import bearer, make_enterprise, make_user, make_yard
from tests.statistics.hub import cold_and_ordinary_bay, finished_transload, stay
from tests.statistics.trips import DURIAN, WOOD, at, called, cross, crossed, two_way_gate

FRUIT = [{**DURIAN, "weight_kg": 20_000, "value_usd": "30000.00", "perishable": True}]
TIMBER = [{**WOOD, "value_usd": "1000.00"}]
DECEMBER = {"period": "month", "at": "2026-12-01"}
# The board looks on 2 January 2027: December is over.
NOW = datetime(2027, 1, 2, 3, tzinfo=UTC)


def get(client: TestClient, headers: dict[str, str], report: str, **params: Any) -> Any:
    response = client.get(f"/api/v1/statistics/{report}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def by_mode(report: dict[str, Any], measure: str = "vehicles") -> dict[Any, Any]:
    return {
        tuple(row["group"].values()) if len(row["group"]) > 1 else row["group"]["handover_mode"]: (
            row["measures"][measure]
        )
        for row in report["rows"]
    }


def test_a_mode_changed_before_crossing_or_after_an_undo_counts_where_it_crossed(
    client: TestClient, db: Database, people: People
):
    with db.write() as session:
        gate = two_way_gate(session)
        # Booked to drive through; the yard operator swaps its trailer instead.
        swapped = called(session, gate, people.own_enterprise, FRUIT)
        change_mode(session, swapped, HandoverMode.trailer_swap, reason="đầu kéo hỏng")
        cross(session, swapped, at("2026-12-02"))
        # Recorded as crossed on the 5th by mistake; it was transloaded on the 6th.
        corrected = crossed(session, gate, people.own_enterprise, at("2026-12-05"), cargo=TIMBER)
        move(session, corrected, S.called, at=at("2026-12-05"), reason="ghi nhầm")
        change_mode(session, corrected, HandoverMode.transload, reason="sang tải")
        cross(session, corrected, at("2026-12-06"))
    report = get(client, people[Role.board], "trade", **DECEMBER, group_by=["handover_mode", "day"])
    assert by_mode(report) == {
        ("trailer_swap", "2026-12-02"): 1,
        ("transload", "2026-12-06"): 1,
    }
    assert by_mode(report, "value_usd") == {
        ("trailer_swap", "2026-12-02"): "30000.00",
        ("transload", "2026-12-06"): "1000.00",
    }
    # Filtered by mode: the vehicle rollup counts each truck once.
    only = get(client, people[Role.board], "trade", **DECEMBER, handover_mode="transload")
    assert only["total"]["measures"]["vehicles"] == 1


def test_the_modes_are_named_in_the_readers_language(
    client: TestClient, db: Database, people: People
):
    with db.write() as session:
        gate = two_way_gate(session)
        crossed(session, gate, people.own_enterprise, at("2026-12-02"), cargo=FRUIT)
        crossed(
            session,
            gate,
            people.own_enterprise,
            at("2026-12-03"),
            cargo=TIMBER,
            mode=HandoverMode.trailer_swap,
        )
    vi = get(client, people[Role.board], "trade", **DECEMBER, group_by="handover_mode")
    en = get(client, people[Role.board], "trade", **DECEMBER, group_by="handover_mode", lang="en")
    assert {row["group"]["handover_mode"]: row["names"]["handover_mode"] for row in vi["rows"]} == {
        "drive_through": "Xe tự qua cửa khẩu",
        "trailer_swap": "Đổi đầu kéo",
    }
    assert {row["names"]["handover_mode"] for row in en["rows"]} == {
        "Drive-through",
        "Trailer swap",
    }


@dataclass
class Hub:
    first: Gate
    second: Gate
    yard: Yard


@pytest.fixture
def hub(db: Database, people: People) -> Hub:
    """December 2026 at two gates: trucks of each mode, trailers that stood in
    the first gate's yard and one in the second's, transloads in the first's bays."""
    with db.write() as session:
        first, second = two_way_gate(session), two_way_gate(session)
        operator = make_enterprise(session, roles=["yard_operator"])
        yard, other_yard = make_yard(session, first, operator), make_yard(session, second, operator)
        firm = people.own_enterprise
        crossed(session, first, firm, at("2026-12-02"), cargo=FRUIT)
        swap = crossed(
            session, first, firm, at("2026-12-03"), cargo=TIMBER, mode=HandoverMode.trailer_swap
        )
        crossed(session, second, firm, at("2026-12-04"), cargo=FRUIT, mode=HandoverMode.transload)
        crossed(session, first, firm, at("2026-11-03"), cargo=FRUIT, mode=HandoverMode.trailer_swap)
        # Hand-backs of 30 h (overdue past 24 h) and 10 h, a transfer driver
        # after 4 h, one still waiting since the 30th (overdue by the 31st's
        # end), and at the second gate a hand-back of 6 h.
        stay(session, yard, swap.id, TrailerWait.hand_back, "2026-12-01T00:00", 30)
        stay(session, yard, swap.id, TrailerWait.hand_back, "2026-12-10T00:00", 10)
        stay(session, yard, swap.id, TrailerWait.transfer_driver, "2026-12-03T00:00", 4)
        stay(session, yard, swap.id, TrailerWait.hand_back, "2026-12-30T00:00", None)
        stay(session, other_yard, swap.id, TrailerWait.hand_back, "2026-12-05T00:00", 6)
        # Left in November: not December's.
        stay(session, yard, swap.id, TrailerWait.hand_back, "2026-11-20T00:00", 40)
        cold, ordinary = cold_and_ordinary_bay(session, yard)
        finished_transload(session, cold, "2026-12-02T03:00", 18_000)
        finished_transload(session, ordinary, "2026-12-03T03:00", 14_250, held=True)
        finished_transload(session, cold, "2026-11-02T03:00", 9_000)
        return Hub(first, second, yard)


@pytest.fixture
def looking_on_2_january(client: TestClient) -> Iterator[None]:
    state = client.app.state  # type: ignore[attr-defined]
    clock, state.clock = state.clock, lambda: NOW
    yield
    state.clock = clock


@pytest.mark.usefixtures("looking_on_2_january")
def test_the_boards_transshipment_figures(client: TestClient, people: People, hub: Hub):
    figures = get(client, people[Role.board], "transshipment", **DECEMBER, compare="month_before")
    modes = {row["group"]["handover_mode"]: row for row in figures["by_mode"]["rows"]}
    assert {mode: row["measures"]["vehicles"] for mode, row in modes.items()} == {
        "drive_through": 1,
        "trailer_swap": 1,
        "transload": 1,
    }
    assert modes["transload"]["measures"]["weight_kg"] == 20_000
    swap_then = modes["trailer_swap"]["compared"][0]
    assert swap_then["measures"]["value_usd"] == "30000.00"
    assert Decimal(swap_then["change"]["value_usd"]["absolute"]) == Decimal("-29000.00")
    assert figures["comparisons"]["month_before"]["first"] == "2026-11-01"
    cells = {
        (row["group"]["handover_mode"], row["group"]["gate"]): row["measures"]["vehicles"]
        for row in figures["by_mode_and_gate"]["rows"]
    }
    assert cells[("transload", hub.second.id)] == 1
    swaps = figures["trailer_swaps"]
    assert (swaps["handed_back"], swaps["overdue_hand_backs"]) == (3, 2)
    assert Decimal(swaps["mean_hours"]) == Decimal("12.5")
    waits = {wait["waits_for"]: wait for wait in swaps["waits"]}
    assert Decimal(waits["hand_back"]["mean_hours"]) == Decimal("15.3")
    assert (waits["transfer_driver"]["stays"], waits["transfer_driver"]["name"]) == (
        1,
        "Lái xe trung chuyển",
    )
    loads = figures["transloads"]
    assert (loads["transloads"], loads["weight_kg"], loads["cold_weight_kg"]) == (2, 32_250, 18_000)
    assert Decimal(loads["cold_share"]) == Decimal("0.5581")
    assert loads["holds_opened"] == 1
    assert [yard["yard_id"] for yard in figures["yards"]] == [hub.yard.id]


@pytest.mark.usefixtures("looking_on_2_january")
@pytest.mark.parametrize("role", [Role.gate_officer, Role.customs, Role.yard_operator])
def test_an_officer_sees_his_gates_transshipment(
    client: TestClient, db: Database, people: People, hub: Hub, role: Role
):
    with db.write() as session:
        officer = make_user(session, role)
        session.get_one(User, officer.id).gate_id = hub.first.id
        headers = bearer(session, officer)
    figures = get(client, headers, "transshipment", **DECEMBER)
    assert figures["by_mode"]["total"]["measures"]["vehicles"] == 2
    assert figures["trailer_swaps"]["handed_back"] == 2
    assert Decimal(figures["trailer_swaps"]["mean_hours"]) == Decimal("14.7")
    refused = client.get(
        "/api/v1/statistics/transshipment",
        params={**DECEMBER, "gate_id": hub.second.id},
        headers=headers,
    )
    assert refused.status_code == 403


def test_an_enterprise_and_a_camera_see_no_transshipment(client: TestClient, people: People):
    for role in (Role.enterprise, Role.camera):
        response = client.get(
            "/api/v1/statistics/transshipment", params=DECEMBER, headers=people[role]
        )
        assert response.status_code == 403, role


def test_the_demo_shows_transshipment_figures(db: Database, settings: Settings) -> None:
    """The demo's crossed trailer swap, its trailer's stay and its finished,
    held transload are in the figures of the day it opens."""
    now = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)
    with db.write() as session:
        load_demo(session, now, settings)
        board = session.scalars(select(User).where(User.role == Role.board)).first()
        assert board is not None
        figures = transshipment(
            session=session,
            user=board,
            query=TransshipmentQuery(period="day"),
            now=now,
            overdue_hours=24,
        )
        yesterday = transshipment(
            session=session,
            user=board,
            query=TransshipmentQuery(period="day", at=date(2026, 12, 7)),
            now=now,
            overdue_hours=24,
        )
    vehicles = {
        row.group["handover_mode"]: row.measures["vehicles"] for row in figures.by_mode.rows
    }
    assert vehicles["trailer_swap"] == 1
    assert vehicles["drive_through"] > 0
    assert figures.trailer_swaps.waits[0].stays == 1
    assert figures.transloads.weight_kg > 0
    assert figures.transloads.holds_opened == 1
    # The day before, the synthetic history's modes, marked synthetic.
    assert yesterday.by_mode.sources == ["synthetic"]
    assert {row.group["handover_mode"] for row in yesterday.by_mode.rows} == {
        "drive_through",
        "trailer_swap",
        "transload",
    }


def test_synthetic_figures_with_a_mode_count_by_mode_and_say_synthetic(
    client: TestClient, db: Database, people: People
):
    """The demo's synthetic history says each figure's mode: grouped or
    filtered by mode they count, marked synthetic; the customs office's
    figures say none, and are left out (and counted as left out)."""
    november = period_of(PeriodKind.month, date(2026, 11, 1))
    with db.write() as session:
        gate = two_way_gate(session)

        def figure(hs_code: str, vehicles: int, mode: HandoverMode | None) -> Figure:
            return Figure(1, november, gate.id, Direction.export, Regime.export, hs_code,
                          100_000 * vehicles, 1_000 * vehicles, vehicles, mode)  # fmt: skip

        for synthetic, figures in (
            (True, [figure("0810", 30, HandoverMode.trailer_swap), figure("0714", 5, None)]),
            (False, [figure("4407", 7, None)]),
        ):
            import_figures(
                session,
                file_name="made up" if synthetic else "customs",
                figures=figures,
                imported_at=NOW,
                user=None,
                synthetic=synthetic,
            )
    november_query = {"period": "month", "at": "2026-11-01"}
    report = get(client, people[Role.board], "trade", **november_query, group_by="handover_mode")
    assert by_mode(report) == {"trailer_swap": 30}
    assert report["rows"][0]["sources"] == ["synthetic"]
    assert report["history_left_out"] == 2
    only = get(client, people[Role.board], "trade", **november_query, handover_mode="trailer_swap")
    assert only["total"]["measures"]["vehicles"] == 30
    # Not grouped by mode, every figure counts.
    whole = get(client, people[Role.board], "trade", **november_query)
    assert whole["total"]["measures"]["vehicles"] == 42
