"""Fee revenue from before cuakhau: the finance office's sheets imported through
the same path as the customs office's trade figures, checked row by row,
counted beside the receipts without counting a period twice (measured wins,
per gate), removed as one import, and said to be imported wherever they count.

The shared zone (tests/statistics/conftest.py): the first gate measured fees
(300,000 đồng a receipt) from 10 December 2025, the second from 5 December 2026."""

from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import select
from typer.testing import CliRunner

from cuakhau.cli.app import app
from cuakhau.models import FeeHistory, Gate, HistoryImport, TradeHistory, User
from cuakhau.models.enums import Role
from tests.conftest import Database, People
from tests.factories import bearer, make_user

HEADER = "period,gate,vehicle_class,fee_kind,amount_vnd,fees"


def fee_file(gates: tuple[Gate, Gate], *rows: str) -> bytes:
    first, second = gates
    lines = (row.format(first=first.code, second=second.code) for row in rows)
    return "\n".join([HEADER, *lines]).encode()


def upload(client: TestClient, headers: dict[str, str], content: bytes) -> Any:
    return client.post(
        "/api/v1/statistics/history", files={"file": ("fees.csv", content)}, headers=headers
    )


def fees(client: TestClient, headers: dict[str, str], **params: Any) -> Any:
    response = client.get("/api/v1/statistics/fees", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def by_gate(report: Any, gate: Gate) -> Any:
    return next(row for row in report["rows"] if row["group"]["gate"] == gate.id)


def test_imported_fees_answer_the_year_before(
    client: TestClient, db: Database, people: People, gates: tuple[Gate, Gate]
):
    first = gates[0]
    content = fee_file(
        gates,
        "2024-12,{first},truck,infrastructure,90000000,300",
        "2024-12,{first},container,yard,5000000,50",
        "2024-12,{second},truck,infrastructure,1200000,4",
    )
    response = upload(client, people[Role.board], content)
    assert response.status_code == 201, response.text
    assert (response.json()["kind"], response.json()["figures"]) == ("fees", 3)
    assert db.count(TradeHistory) == 0

    board = people[Role.board]
    report = fees(
        client, board, period="month", at="2025-12-01", group_by="gate", compare="year_before"
    )
    row = by_gate(report, first)
    # Measured: the receipts of 10 and 11 December 2025; then: imported.
    assert row["measures"] == {"amount_vnd": 600_000, "fees": 2}
    assert row["sources"] == ["measured"]
    then = row["compared"][0]
    assert then["measures"] == {"amount_vnd": 95_000_000, "fees": 350}
    assert then["sources"] == ["imported"]
    assert then["change"]["amount_vnd"]["absolute"] == 600_000 - 95_000_000
    assert report["total"]["compared"][0]["measures"]["amount_vnd"] == 96_200_000
    assert report["sources"] == ["imported", "measured"]

    yard = fees(client, board, period="month", at="2024-12-01", kind="yard")
    assert yard["total"]["measures"] == {"amount_vnd": 5_000_000, "fees": 50}
    by_class = fees(client, board, period="year", at="2024-06-01", group_by="vehicle_class")
    assert {r["group"]["vehicle_class"]: r["measures"]["fees"] for r in by_class["rows"]} == {
        "truck": 304,
        "container": 50,
    }
    # A month's figure has no day: a report by day leaves it out, and says so.
    daily = fees(client, board, period="month", at="2024-12-01", group_by="day")
    assert daily["rows"] == []
    assert daily["history_left_out"] == 3
    # Only wholly inside the period: not in 1–15 December.
    half = fees(client, board, period="range", at="2024-12-01", until="2024-12-15")
    assert (half["total"]["measures"]["amount_vnd"], half["history_left_out"]) == (0, 3)


def test_measured_fees_win_per_gate(client: TestClient, people: People, gates: tuple[Gate, Gate]):
    """From the first day cuakhau issued a receipt at a gate, that gate's
    imported fees of that day and after are set aside; another gate's are not."""
    first, second = gates
    content = fee_file(
        gates,
        "2025-11,{first},truck,infrastructure,1000000,10",
        # Reaches past 10 December, when the first gate's receipts begin.
        "2025-12,{first},truck,infrastructure,7000000,70",
        # Before them: counts.
        "2025-12-01..2025-12-09,{first},container,infrastructure,20000,2",
        # The second gate measured only from December 2026: its December 2025 counts.
        "2025-12,{second},truck,infrastructure,50000,5",
        # Ends on the 5th, the day its receipts begin: set aside.
        "2026-12-01..2026-12-05,{second},truck,infrastructure,900000,9",
    )
    assert upload(client, people[Role.admin], content).status_code == 201
    board = people[Role.board]
    november = fees(client, board, period="month", at="2025-11-01")
    assert (november["total"]["measures"]["amount_vnd"], november["sources"]) == (
        1_000_000,
        ["imported"],
    )
    december = fees(client, board, period="month", at="2025-12-01", group_by="gate")
    first_row = by_gate(december, first)
    assert first_row["measures"] == {"amount_vnd": 600_000 + 20_000, "fees": 4}
    assert first_row["sources"] == ["imported", "measured"]
    assert by_gate(december, second)["measures"] == {"amount_vnd": 50_000, "fees": 5}
    assert december["history_left_out"] == 1
    # December 2026 at the second gate: its receipt of the 5th wins.
    later = fees(client, board, period="month", at="2026-12-01", gate_id=second.id)
    assert later["total"]["measures"] == {"amount_vnd": 300_000, "fees": 1}
    assert later["sources"] == ["measured"]
    assert later["history_left_out"] == 1


def test_a_fee_file_with_bad_rows_imports_nothing_and_says_where(
    client: TestClient, db: Database, people: People, gates: tuple[Gate, Gate]
):
    content = fee_file(
        gates,
        "2024-01,{first},truck,infrastructure,1000,1",
        "2024-01,NO-SUCH-GATE,truck,infrastructure,1000,1",
        "2024-01,{first},bicycle,infrastructure,1000,1",
        "2024-01,{first},truck,parking,1000,1",
        "2024-02,{first},truck,infrastructure,-1000,1",
        "2024-03,{first},truck,infrastructure,1000.5,1",
        "2099-01,{first},truck,infrastructure,1000,1",
        # The same period as row 2, and a quarter overlapping its month.
        "2024-01,{first},truck,infrastructure,1000,1",
        "2024-Q1,{first},truck,infrastructure,1000,1",
        # Another class, kind or gate on the same days is not a duplicate.
        "2024-01,{first},container,infrastructure,1000,1",
        "2024-01,{first},truck,yard,1000,1",
        "2024-01,{second},truck,infrastructure,1000,1",
        "",
        "2024-04,{first},truck,infrastructure,1000,",
    )
    response = upload(client, people[Role.board], content)
    assert response.status_code == 422, response.text
    problems = response.json()["problems"]
    assert {(p["row"], p["column"], p["code"]) for p in problems} == {
        (3, "gate", "history_gate_unknown"),
        (4, "vehicle_class", "history_choice_unknown"),
        (5, "fee_kind", "history_choice_unknown"),
        (6, "amount_vnd", "history_negative"),
        (7, "amount_vnd", "number_not_whole"),
        (8, "period", "history_period_future"),
        (9, "period", "history_fee_period_duplicate"),
        (10, "period", "history_fee_period_duplicate"),
        (15, "fees", "history_cell_missing"),
    }
    duplicate = next(p for p in problems if p["row"] == 9)
    assert "row 2" in duplicate["message"]
    assert "vehicle class" in duplicate["message"] or "loại xe" in duplicate["message"]
    assert db.count(FeeHistory) == 0
    assert db.count(HistoryImport) == 0


def test_a_fee_period_already_imported_is_refused(
    client: TestClient, db: Database, people: People, gates: tuple[Gate, Gate]
):
    first = upload(
        client, people[Role.board], fee_file(gates, "2024-Q4,{first},truck,infrastructure,10,1")
    )
    assert first.status_code == 201
    again = upload(
        client,
        people[Role.board],
        fee_file(
            gates,
            "2024-09,{first},truck,infrastructure,10,1",
            "2024-11-15,{first},truck,infrastructure,10,1",
        ),
    )
    assert again.status_code == 422
    (problem,) = again.json()["problems"]
    assert (problem["row"], problem["column"]) == (3, "period")
    assert f"import {first.json()['id']}" in problem["message"]
    # A trade figure of the same gate and days is another kind: no overlap.
    trade = "period,gate,direction,regime,hs_code,value_usd,weight_kg,vehicles\n"
    trade += f"2024-Q4,{gates[0].code},export,export,0810,10,10,1"
    assert upload(client, people[Role.board], trade.encode()).status_code == 201
    assert db.count(FeeHistory) == 1


def test_a_fee_import_is_removed_whole(
    client: TestClient, db: Database, people: People, gates: tuple[Gate, Gate]
):
    content = fee_file(
        gates,
        "2024-12,{first},truck,infrastructure,90000000,300",
        "2024-12,{second},truck,infrastructure,1000,1",
    )
    imported = upload(client, people[Role.board], content).json()
    listed = client.get("/api/v1/statistics/history", headers=people[Role.board]).json()
    assert [(item["id"], item["kind"]) for item in listed] == [(imported["id"], "fees")]
    removed = client.delete(
        f"/api/v1/statistics/history/{imported['id']}", headers=people[Role.board]
    )
    assert removed.status_code == 204
    assert db.count(FeeHistory) == 0
    report = fees(client, people[Role.board], period="month", at="2024-12-01")
    assert (report["total"]["measures"]["amount_vnd"], report["sources"]) == (0, [])


def test_who_sees_imported_fees(
    client: TestClient, db: Database, people: People, gates: tuple[Gate, Gate]
):
    """Importing: the board and admins only. Reading: as the fee report is read
    (an enterprise the zone's totals, which include them; an officer its gate's)."""
    content = fee_file(
        gates,
        "2024-12,{first},truck,infrastructure,5000,1",
        "2024-12,{second},truck,infrastructure,700,1",
    )
    for role in (Role.enterprise, Role.customs, Role.gate_officer):
        assert upload(client, people[role], content).status_code == 403
    assert upload(client, people[Role.board], content).status_code == 201
    zone = fees(client, people[Role.enterprise], period="month", at="2024-12-01")
    assert (zone["total"]["measures"]["amount_vnd"], zone["sources"]) == (5_700, ["imported"])
    with db.write() as session:
        officer = make_user(session, Role.gate_officer)
        session.get_one(User, officer.id).gate_id = gates[1].id
        headers = bearer(session, officer)
    own_gate = fees(client, headers, period="month", at="2024-12-01")
    assert own_gate["total"]["measures"] == {"amount_vnd": 700, "fees": 1}


def test_revenue_beside_reinvestment_counts_imported_fees_and_says_so(
    client: TestClient, people: People, gates: tuple[Gate, Gate]
):
    content = fee_file(
        gates,
        "2025-03,{first},truck,infrastructure,5000000,10",
        # Longer than a month: in no month's step, so not in the total either.
        "2025-Q2,{second},truck,infrastructure,7000000,7",
    )
    assert upload(client, people[Role.board], content).status_code == 201
    response = client.get(
        "/api/v1/statistics/reinvestment",
        params={"period": "year", "at": "2025-01-01"},
        headers=people[Role.board],
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    rows = {row["period"]["first"]: row for row in answer["rows"]}
    assert (rows["2025-03-01"]["fee_revenue_vnd"], rows["2025-03-01"]["sources"]) == (
        5_000_000,
        ["imported"],
    )
    assert (rows["2025-12-01"]["fee_revenue_vnd"], rows["2025-12-01"]["sources"]) == (
        600_000,
        ["measured"],
    )
    assert rows["2025-05-01"]["sources"] == []
    assert answer["total"]["fee_revenue_vnd"] == 5_600_000
    assert answer["total"]["sources"] == ["imported", "measured"]
    quarters = client.get(
        "/api/v1/statistics/reinvestment",
        params={"period": "year", "at": "2025-01-01", "step": "quarter"},
        headers=people[Role.board],
    ).json()
    assert [row["fee_revenue_vnd"] for row in quarters["rows"]] == [
        5_000_000,
        7_000_000,
        0,
        600_000,
    ]
    download = client.get(
        "/api/v1/statistics/reinvestment/download",
        params={"period": "year", "at": "2025-01-01", "lang": "en"},
        headers=people[Role.board],
    )
    assert download.status_code == 200
    assert "finance office" in download.text


def test_the_cli_imports_a_fee_workbook(
    db: Database, database_url: str, gates: tuple[Gate, Gate], tmp_path: Any
):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["2025-Q1", gates[0].code, "container", "infrastructure", 2_200_000_000, 1000])
    sheet.append([datetime(2025, 4, 1), gates[1].code, "truck", "yard", "1.500.000", 15])
    good = tmp_path / "fees.xlsx"
    book.save(good)
    env = {"CUAKHAU_DATABASE_URL": database_url}

    result = CliRunner().invoke(app, ["statistics", "import", str(good)], env=env)

    assert result.exit_code == 0, result.output
    assert "(fees): 2 figures of 2025-01-01..2025-04-01" in result.output
    stored = db.scalars(select(FeeHistory).order_by(FeeHistory.id))
    assert [(row.kind.value, row.amount_vnd, row.fees) for row in stored] == [
        ("infrastructure", 2_200_000_000, 1000),
        ("yard", 1_500_000, 15),
    ]
    listed = CliRunner().invoke(app, ["statistics", "imports"], env=env)
    assert "(fees): fees.xlsx, 2 figures" in listed.output

    bad = tmp_path / "bad.csv"
    bad.write_bytes(fee_file(gates, "2024-01,{first},truck,infrastructure,10.5,1"))
    refused = CliRunner().invoke(app, ["statistics", "import", str(bad)], env=env)
    assert refused.exit_code == 2
    assert "history:2:amount_vnd" in refused.output

    imported_id = db.scalar(select(HistoryImport.id))
    removed = CliRunner().invoke(app, ["statistics", "remove-import", str(imported_id)], env=env)
    assert removed.exit_code == 0, removed.output
    assert db.count(FeeHistory) == 0
    assert db.count(HistoryImport) == 0


def test_the_documented_fee_example_imports(db: Database):
    """docs/statistics.md's example, as the finance office would send it."""
    from datetime import date
    from pathlib import Path

    from cuakhau.statistics.history import FeeFigure, check_rows, read_rows
    from tests.factories import make_gate

    example = Path(__file__).parents[2] / "docs" / "examples" / "finance-fees.csv"
    with db.write() as session:
        for code in ("HUU-NGHI", "TAN-THANH", "CHI-MA"):
            make_gate(session, code=code)
        figures, problems = check_rows(
            session, read_rows(example.name, example.read_bytes()), date(2025, 1, 1)
        )
    assert problems == []
    assert all(isinstance(figure, FeeFigure) for figure in figures)
    assert sum(figure.amount_vnd for figure in figures) == 75_030_000_000
