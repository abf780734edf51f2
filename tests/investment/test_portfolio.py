"""The portfolio through the real app, on SQLite and PostgreSQL."""

import csv
import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from cuakhau.investment.demo import generate, load_demo_portfolio, shipped_demo
from cuakhau.models.enums import Role
from cuakhau.models.investment import Amendment, InvestmentProject, Investor
from tests.conftest import Database, People
from tests.factories import valid_tax_code

API = "/api/v1/investment"
PROJECT_COLUMNS = [
    "code", "name_vi", "foreign_invested", "sector", "area", "land_area_ha",
    "certificate_no", "certificate_date", "capital_vnd", "capital_usd", "usd_rate", "investors",
]  # fmt: skip


def csv_file(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def upload(client: TestClient, people: People, name: str, content: bytes) -> Any:
    return client.post(f"{API}/import", files={"file": (name, content)}, headers=people[Role.board])


def workbook(**sheets: list[list[Any]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


INVESTORS = [
    ["code", "name_vi", "country", "tax_code"],
    ["NDT-VN", "Công ty Thử nghiệm", "VN", valid_tax_code(7001)],
    ["NDT-CN", "Guangxi Test Co.", "CN", None],
]
PROJECTS = [
    PROJECT_COLUMNS,
    ["P-1", "Bến bãi thử", "no", "yard", "gate_area", "3.033,8", "GCN-1", "15/03/2020",
     "120.000.000.000", None, None, "NDT-VN"],
    ["P-2", "Kho FDI thử", "yes", "logistics_warehousing", "goods_transshipment_zone", "12,5",
     "GCN-2", "2020-06-01", None, "1.000.000", "23.000", "NDT-CN"],
]  # fmt: skip
AMENDMENTS = [
    [
        "project_code",
        "kind",
        "effective_on",
        "capital_vnd",
        "capital_usd",
        "status",
        "disbursed_vnd",
    ],
    ["P-1", "capital_adjusted", "2022-07-01", "150.000.000.000", None, None, None],
    ["P-2", "status_changed", "2023-01-10", None, None, "terminated", None],
    ["P-1", "disbursement_reported", "2021-12-15", None, None, None, "60.000.000.000"],
]


def ownership(client: TestClient, people: People, as_of: str) -> dict[str, dict[str, Any]]:
    response = client.get(f"{API}/reports/summary?as_of={as_of}", headers=people[Role.board])
    assert response.status_code == 200, response.text
    table = response.json()["tables"][0]
    return {row["group"]: row for row in table["rows"]}


def test_reports_follow_amendments_by_date(client: TestClient, people: People, db: Database):
    content = workbook(investors=INVESTORS, projects=PROJECTS, amendments=AMENDMENTS)
    response = upload(client, people, "portfolio.xlsx", content)
    assert response.status_code == 200, response.text
    assert response.json()["amendments"]["created"] == 3
    assert db.count(InvestmentProject) == 2

    assert ownership(client, people, "2019-12-31")["total"]["projects"] == 0
    at_2021 = ownership(client, people, "2021-12-31")
    assert at_2021["domestic"]["capital_vnd"] == 120_000_000_000
    assert at_2021["domestic"]["disbursed_vnd"] == 60_000_000_000
    assert at_2021["fdi"]["capital_vnd"] == 23_000_000_000
    assert at_2021["fdi"]["capital_usd"] == "1000000.00"
    at_2022 = ownership(client, people, "2022-12-31")
    assert at_2022["domestic"]["capital_vnd"] == 150_000_000_000
    assert at_2022["fdi"]["projects"] == 1
    assert ownership(client, people, "2023-12-31")["fdi"]["projects"] == 0

    project_id = db.scalar(InvestmentProject.__table__.select().with_only_columns(
        InvestmentProject.id).where(InvestmentProject.code == "P-1"))  # fmt: skip
    history = client.get(f"{API}/projects/{project_id}/history", headers=people[Role.customs])
    kinds = [a["kind"] for a in history.json()["amendments"]]
    assert kinds == ["registered", "disbursement_reported", "capital_adjusted"]
    old = client.get(f"{API}/projects/{project_id}?as_of=2021-01-01", headers=people[Role.customs])
    assert old.json()["capital_vnd"] == 120_000_000_000
    assert old.json()["land_area_ha"] == "3033.8000"

    change = client.get(
        f"{API}/reports/change?since=2021-12-31&as_of=2023-12-31", headers=people[Role.board]
    ).json()
    total = next(r for r in change["tables"][0]["rows"] if r["group"] == "total")
    assert total["projects_change"] == -1
    assert total["capital_vnd_change"] == 30_000_000_000 - 23_000_000_000

    again = upload(client, people, "portfolio.xlsx", content).json()
    assert again["amendments"] == {"created": 0, "updated": 0, "unchanged": 3}
    assert again["projects"]["unchanged"] == 2


def test_a_bad_file_imports_nothing_and_names_every_problem(
    client: TestClient, people: People, db: Database
):
    rows = [
        PROJECT_COLUMNS,
        ["B-1", "", "no", "yard", "gate_area", "1", "G", "2020-01-01", "1000", None, None, "X"],
        ["B-2", "T", "no", "yard", "gate_area", "1", "G", "31/02/2020", "1000", None, None, "X"],
        ["B-3", "T", "no", "bar", "gate_area", "1", "G", "2020-01-01", "1000", None, None, "X"],
        ["B-4", "T", "no", "yard", "gate_area", "1", "G", "2020-01-01", "-5", None, None, "X"],
        ["B-4", "T", "no", "yard", "gate_area", "1", "G", "2020-01-01", "1000", None, None, "X"],
        ["B-6", "T", "no", "yard", "gate_area", "1,2,", "G", "2020-01-01", "1000", None, None, "X"],
        ["B-7", "T", "no", "yard", "gate_area", "1", "G", "2020-01-01", "1000", None, None, "NO"],
        ["B-8", "T", "yes", "yard", "gate_area", "1", "G", "2020-01-01", "1000", None, None, "X"],
    ]  # fmt: skip
    content = workbook(
        investors=[
            ["code", "name_vi", "country", "tax_code"],
            ["X", "Công ty X", "VN", valid_tax_code(7002)],
            ["Y", "Công ty Y", "VN", "0101234567"],
        ],
        projects=rows,
    )
    response = upload(client, people, "bad.xlsx", content)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "import_rejected"
    found = {(p["sheet"], p["row"], p["column"], p["code"]) for p in body["problems"]}
    assert found == {
        ("investors", 3, "tax_code", "tax_code_checksum"),
        ("projects", 2, "name_vi", "missing"),
        ("projects", 3, "certificate_date", "date_invalid"),
        ("projects", 4, "sector", "enum"),
        ("projects", 5, "capital_vnd", "greater_than_equal"),
        ("projects", 6, "code", "duplicate_in_file"),
        ("projects", 7, "land_area_ha", "number_invalid"),
        ("projects", 8, "investors", "investor_unknown"),
        ("projects", 9, "capital_usd", "fdi_needs_usd"),
    }
    problem = next(p for p in body["problems"] if p["code"] == "date_invalid")
    assert problem["value"] == "31/02/2020"
    assert problem["message"].startswith("Không đọc được ngày")
    assert db.count(InvestmentProject) == db.count(Investor) == 0

    missing = upload(client, people, "p.csv", csv_file([["code", "certificate_no"], ["A", "B"]]))
    codes = {(p["column"], p["code"]) for p in missing.json()["problems"]}
    assert ("name_vi", "column_missing") in codes


def test_csv_sheets_and_amendments_by_api(client: TestClient, people: People, db: Database):
    assert upload(client, people, "i.csv", csv_file(INVESTORS)).status_code == 200
    semicolons = "\n".join(";".join("" if c is None else str(c) for c in r) for r in PROJECTS)
    response = upload(client, people, "p.csv", semicolons.encode("utf-8-sig"))
    assert response.status_code == 200, response.text
    project_id = db.scalar(
        InvestmentProject.__table__.select()
        .with_only_columns(InvestmentProject.id)
        .where(InvestmentProject.code == "P-2")
    )
    body = {"kind": "capital_adjusted", "effective_on": "2024-01-01", "capital_usd": "1500000"}
    url = f"{API}/projects/{project_id}/amendments"
    created = client.post(url, json=body, headers=people[Role.board])
    assert created.status_code == 201, created.text
    assert created.json()["capital_vnd"] == 34_500_000_000  # at the certificate's rate
    assert client.post(url, json=body, headers=people[Role.board]).status_code == 201
    assert db.count(Amendment, Amendment.kind == "capital_adjusted") == 1
    other = client.post(url, json={**body, "capital_usd": "9"}, headers=people[Role.admin])
    assert other.status_code == 409
    wrong = client.post(url, json={**body, "status": "valid"}, headers=people[Role.board])
    assert wrong.status_code == 422
    assert client.post(url, json=body, headers=people[Role.customs]).status_code == 403


def test_demo_reproduces_the_seed_article_and_reports_render(
    client: TestClient, people: People, db: Database
):
    with db.write() as session:
        load_demo_portfolio(session)
    report = client.get(f"{API}/reports/summary?as_of=2021-12-31", headers=people[Role.board])
    tables = {
        t["key"]: {r.get("group", r.get("code")): r for r in t["rows"]}
        for t in report.json()["tables"]
    }
    assert tables["ownership"]["domestic"]["projects"] == 122
    assert tables["ownership"]["domestic"]["capital_vnd"] == 13_046_500_000_000
    assert tables["ownership"]["fdi"]["projects"] == 20
    assert tables["ownership"]["fdi"]["capital_usd"] == "207480000.00"
    assert len(tables["key_projects"]) == 3
    assert tables["sectors"]["yard"]["projects"] == 29
    assert tables["sectors"]["yard"]["capital_vnd"] == 3_033_800_000_000
    assert tables["sectors"]["trade_services"]["projects"] == 48
    assert (
        3_100_000_000_000 < tables["sectors"]["trade_services"]["capital_vnd"] < 3_200_000_000_000
    )
    later = ownership(client, people, "2025-12-31")["domestic"]
    assert later["capital_vnd"] != 13_046_500_000_000

    pdf = client.get(
        f"{API}/reports/summary?as_of=2021-12-31&format=pdf", headers=people[Role.admin]
    )
    assert pdf.content.startswith(b"%PDF-")
    assert b"%%EOF" in pdf.content[-32:]
    assert b"/Type /Page" in pdf.content
    png = client.get(f"{API}/reports/disbursement?format=png", headers=people[Role.board])
    assert png.content.startswith(b"\x89PNG")
    for name in ("milestones", "disbursement"):
        for kind in ("csv", "xlsx", "pdf"):
            response = client.get(f"{API}/reports/{name}?format={kind}", headers=people[Role.board])
            assert response.status_code == 200, (name, kind)
    milestones = client.get(
        f"{API}/reports/milestones?as_of=2021-12-31", headers=people[Role.board]
    )
    days = [r["days_late"] for r in milestones.json()["tables"][0]["rows"]]
    assert days == sorted(days, reverse=True)
    assert days[0] > 0

    public = client.get("/api/v1/public/investment?lang=en")
    assert public.status_code == 200
    assert public.json()["projects_in_force"] > 0


def test_export_imports_into_an_empty_registry(client: TestClient, people: People, db: Database):
    content = workbook(investors=INVESTORS, projects=PROJECTS, amendments=AMENDMENTS)
    upload(client, people, "portfolio.xlsx", content)
    first = client.get(f"{API}/export", headers=people[Role.board]).content
    with db.write() as session:
        for model in (
            Amendment.investor_links.property.mapper.class_,
            Amendment,
            InvestmentProject,
            Investor,
        ):
            session.query(model).delete()
    assert upload(client, people, "export.xlsx", first).status_code == 200
    second = client.get(f"{API}/export", headers=people[Role.board]).content
    sheets = [list(load_workbook(io.BytesIO(c)).worksheets) for c in (first, second)]
    for before, after in zip(*sheets, strict=True):
        assert list(before.values) == list(after.values)


def test_shipped_demo_is_what_the_script_makes():
    import json

    assert json.loads(shipped_demo().read_text(encoding="utf-8")) == generate()
