"""Figures from before cuakhau: imported from the customs office's spreadsheets
(CSV and XLSX, API and CLI), checked row by row, counted beside the measured
figures without counting a period twice, and removed as one import."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import select
from typer.testing import CliRunner

from cuakhau.cli.app import app
from cuakhau.models import AuditEntry, Gate, HistoryImport, TradeHistory
from cuakhau.models.enums import Role
from tests.conftest import Database, People
from tests.statistics.trips import crossed, two_way_gate

HEADER = "period,gate,direction,regime,hs_code,value_usd,weight_kg,vehicles"
DURIAN = {"hs_code": "08109010", "description": "Sầu riêng", "packages": 10}


def csv_file(gate: Gate, *rows: str) -> bytes:
    return "\n".join([HEADER, *(row.format(gate=gate.code) for row in rows)]).encode()


def upload(client: TestClient, headers: dict[str, str], content: bytes, name: str) -> Any:
    return client.post(
        "/api/v1/statistics/history", files={"file": (name, content)}, headers=headers
    )


def trade(client: TestClient, headers: dict[str, str], **params: Any) -> Any:
    response = client.get("/api/v1/statistics/trade", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def gate(db: Database) -> Gate:
    with db.write() as session:
        return two_way_gate(session)


def test_an_imported_month_answers_the_year_before(
    client: TestClient, db: Database, people: People, gate: Gate
):
    content = csv_file(
        gate,
        "2025-12,{gate},export,export,0810,1000000.50,2500000,120",
        "2025-12,{gate},import,import,8471.30,2000,100,3",
        # A month of another year, outside the report and its comparison.
        "2024-12,{gate},export,export,0810,999,1,1",
    )
    response = upload(client, people[Role.board], content, "hq-2025-12.csv")
    assert response.status_code == 201, response.text
    assert response.json()["figures"] == 3

    with db.write() as session:
        crossed(
            session,
            gate,
            people.own_enterprise,
            datetime(2026, 12, 2, 3, tzinfo=UTC),
            cargo=[{**DURIAN, "weight_kg": 1000, "value_usd": "500.00", "perishable": True}],
        )
    report = trade(
        client,
        people[Role.board],
        period="month",
        at="2026-12-01",
        group_by="direction",
        compare="year_before",
    )
    assert report["sources"] == ["imported", "measured"]
    export = next(row for row in report["rows"] if row["group"]["direction"] == "export")
    assert export["sources"] == ["measured"]
    then = export["compared"][0]
    assert then["sources"] == ["imported"]
    assert Decimal(then["measures"]["value_usd"]) == Decimal("1000000.50")
    assert then["measures"]["vehicles"] == 120
    # Imported figures give no packages or lines: those stay cuakhau's own.
    assert then["measures"]["packages"] == 0
    total_then = report["total"]["compared"][0]["measures"]
    assert Decimal(total_then["value_usd"]) == Decimal("1002000.50")
    assert total_then["vehicles"] == 123
    by_heading = trade(client, people[Role.board], period="month", at="2025-12-01", hs="8471")
    assert by_heading["total"]["measures"]["weight_kg"] == 100
    assert by_heading["total"]["measures"]["vehicles"] is None


def test_measured_days_win_over_imported_ones(db: Database, people: People, gate: Gate):
    """From the first day cuakhau measured at a gate, its imported figures of
    that day and after are set aside; before it they count."""
    from cuakhau.statistics.history import check_rows, import_figures
    from cuakhau.statistics.schemas import TradeQuery
    from cuakhau.statistics.service import trade_report

    rows = [
        HEADER.split(","),
        ["2026-11", gate.code, "export", "export", "0810", "100", "10", "2"],
        ["2026-12", gate.code, "export", "export", "0810", "700", "70", "14"],
        ["2026-12-01", gate.code, "import", "import", "0810", "5", "1", "1"],
    ]
    with db.write() as session:
        figures, problems = check_rows(session, rows, date(2027, 1, 5))
        assert problems == []
        import_figures(
            session,
            file_name="t.csv",
            figures=figures,
            imported_at=datetime(2027, 1, 5, tzinfo=UTC),
            user=None,
        )
        crossed(
            session,
            gate,
            people.own_enterprise,
            datetime(2026, 12, 10, 3, tzinfo=UTC),
            cargo=[{**DURIAN, "weight_kg": 30, "value_usd": "300.00"}],
        )
    with db.write() as session:
        board = session.get_one(type(people.users[Role.board]), people.users[Role.board].id)

        def month(at: str) -> Any:
            query = TradeQuery(period="month", at=date.fromisoformat(at))
            return trade_report(session=session, user=board, query=query, today=date(2027, 1, 5))

        november, december = month("2026-11-01"), month("2026-12-01")
    assert november.total.measures["value_usd"] == Decimal("100.00")
    assert november.sources == ["imported"]
    # December: measured from the 10th; the imported month reaches past it and
    # is set aside, the imported 1 December (before it) counts.
    assert december.total.measures["value_usd"] == Decimal("305.00")
    assert december.sources == ["imported", "measured"]
    assert december.history_left_out == 1


def test_a_file_with_bad_rows_imports_nothing_and_says_where(
    client: TestClient, db: Database, people: People, gate: Gate
):
    content = csv_file(
        gate,
        "2025-12,{gate},export,export,0810,10,10,1",
        "2025-12,NO-SUCH-GATE,export,export,0810,10,10,1",
        "2025-12,{gate},export,export,081,10,10,1",
        "2025-11,{gate},export,export,0810,10,-5,1",
        "2099-12,{gate},export,export,0810,10,10,1",
        "2025-12-15,{gate},export,export,08109010,10,10,1",
    )
    response = upload(client, people[Role.board], content, "bad.csv")
    assert response.status_code == 422, response.text
    found = {(p["row"], p["column"], p["code"]) for p in response.json()["problems"]}
    assert found == {
        (3, "gate", "history_gate_unknown"),
        (4, "hs_code", "history_hs_code_invalid"),
        (5, "weight_kg", "history_negative"),
        (6, "period", "history_period_future"),
        (7, "period", "history_period_duplicate"),
    }
    assert all(p["message"] for p in response.json()["problems"])
    assert db.count(TradeHistory) == 0
    assert db.count(HistoryImport) == 0


def test_a_period_already_imported_is_refused(client: TestClient, people: People, gate: Gate):
    first = upload(
        client,
        people[Role.admin],
        csv_file(gate, "2025-Q4,{gate},export,export,0810,10,10,1"),
        "q4.csv",
    )
    assert first.status_code == 201
    again = upload(
        client,
        people[Role.admin],
        csv_file(gate, "2025-11,{gate},export,export,081090,10,10,1"),
        "nov.csv",
    )
    assert again.status_code == 422
    (problem,) = again.json()["problems"]
    assert (problem["row"], problem["column"]) == (2, "period")
    assert f"import {first.json()['id']}" in problem["message"]
    # A day imported before, inside a month of a new file.
    day = upload(
        client,
        people[Role.admin],
        csv_file(gate, "2024-10-15,{gate},export,export,0810,1,1,1"),
        "d.csv",
    )
    assert day.status_code == 201
    month = upload(
        client,
        people[Role.admin],
        csv_file(
            gate,
            "2024-09,{gate},export,export,0810,1,1,1",
            "2024-10,{gate},export,export,0810,1,1,1",
        ),
        "m.csv",
    )
    assert [(p["row"], p["code"]) for p in month.json()["problems"]] == [
        (3, "history_period_duplicate")
    ]


def test_an_import_is_removed_whole_and_audited(
    client: TestClient, db: Database, people: People, gate: Gate
):
    content = csv_file(
        gate,
        "2025-12-01..2025-12-15,{gate},export,export,0810,121650000,1,3000",
        "2025-12-16..2025-12-31,{gate},export,export,0810,100,1,1",
    )
    imported = upload(client, people[Role.board], content, "dec.csv").json()
    listed = client.get("/api/v1/statistics/history", headers=people[Role.board]).json()
    assert [item["id"] for item in listed] == [imported["id"]]
    removed = client.delete(
        f"/api/v1/statistics/history/{imported['id']}", headers=people[Role.board]
    )
    assert removed.status_code == 204
    assert db.count(TradeHistory) == 0
    report = trade(client, people[Role.board], period="month", at="2025-12-01")
    assert report["total"]["measures"]["value_usd"] == "0.00"
    assert report["sources"] == []
    actions = db.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity == "history_import")
        .order_by(AuditEntry.id)
    )
    assert actions == ["create", "delete"]
    missing = client.delete(
        f"/api/v1/statistics/history/{imported['id']}", headers=people[Role.board]
    )
    assert missing.status_code == 404


@pytest.mark.parametrize("role", [Role.enterprise, Role.customs, Role.gate_officer])
def test_only_the_board_and_admins_import(
    client: TestClient, people: People, gate: Gate, role: Role
):
    content = csv_file(gate, "2025-12,{gate},export,export,0810,10,10,1")
    assert upload(client, people[role], content, "x.csv").status_code == 403


def test_an_enterprise_sees_imported_figures_only_in_the_zone_totals(
    client: TestClient, people: People, gate: Gate
):
    content = csv_file(gate, "2025-12,{gate},export,export,0810,10,10,1")
    assert upload(client, people[Role.board], content, "x.csv").status_code == 201
    headers = people[Role.enterprise]
    own = trade(client, headers, period="month", at="2025-12-01")
    assert own["total"]["measures"]["vehicles"] == 0
    assert own["sources"] == []
    assert own["history_left_out"] == 1
    zone = trade(client, headers, period="month", at="2025-12-01", zone_totals="true")
    assert zone["total"]["measures"]["vehicles"] == 1
    assert zone["sources"] == ["imported"]


def test_the_cli_imports_a_workbook_and_refuses_a_bad_one(
    db: Database, database_url: str, gate: Gate, tmp_path: Any
):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append([datetime(2025, 3, 1), gate.code, "xuất", "export", 81090, 12.5, 40, 2])
    sheet.append(["2025-Q1", gate.code, "nhập", "transit", "9403", "1.234,50", "3.000", 5])
    good = tmp_path / "history.xlsx"
    book.save(good)
    env = {"CUAKHAU_DATABASE_URL": database_url}

    result = CliRunner().invoke(app, ["statistics", "import", str(good)], env=env)

    assert result.exit_code == 0, result.output
    assert "2 figures of 2025-01-01..2025-03-31" in result.output
    stored = db.scalars(select(TradeHistory).order_by(TradeHistory.id))
    assert [(row.hs_code, row.value_usd_cents, row.weight_kg) for row in stored] == [
        ("081090", 1250, 40),
        ("9403", 123450, 3000),
    ]

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file(gate, "2024-01,{gate},export,export,0810,10,10.5,1"))
    refused = CliRunner().invoke(app, ["statistics", "import", str(bad)], env=env)
    assert refused.exit_code == 2
    assert "history:2:weight_kg" in refused.output
    assert db.count(HistoryImport) == 1

    imported_id = db.scalar(select(HistoryImport.id))
    removed = CliRunner().invoke(app, ["statistics", "remove-import", str(imported_id)], env=env)
    assert removed.exit_code == 0, removed.output
    assert db.count(TradeHistory) == 0


def test_a_formula_escaped_cell_of_our_own_export_reads_back(db: Database, gate: Gate):
    """Cells are read as the investment import reads them (core.sheet_import)."""
    from cuakhau.statistics.history import check_rows, read_rows

    content = csv_file(gate, "'=2025-12,{gate},export,export,0810,10,10,1")
    with db.write() as session:
        _figures, problems = check_rows(session, read_rows("x.csv", content), date(2026, 1, 1))
    assert [(p.row, p.column, p.value) for p in problems] == [(2, "period", "=2025-12")]


def test_the_documented_example_imports(db: Database):
    """docs/statistics.md's example file, as the customs office would send it."""
    from pathlib import Path

    from cuakhau.statistics.history import check_rows, read_rows
    from tests.factories import make_gate

    example = Path(__file__).parents[2] / "docs" / "examples" / "customs-history.csv"
    with db.write() as session:
        for code in ("HUU-NGHI", "TAN-THANH", "CHI-MA"):
            make_gate(session, code=code)
        figures, problems = check_rows(
            session, read_rows(example.name, example.read_bytes()), date(2025, 1, 1)
        )
    assert problems == []
    assert [figure.hs_code for figure in figures] == [
        "0810",
        "8471",
        "081090",
        "5407",
        "0810",
        "4407",
    ]
