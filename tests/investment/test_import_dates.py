"""An import refuses dates no registry holds (year 0001, year 9999), row by row."""

from fastapi.testclient import TestClient

from cuakhau.models.enums import Role
from cuakhau.models.investment import InvestmentProject
from tests.conftest import Database, People
from tests.investment.test_portfolio import INVESTORS, PROJECT_COLUMNS, csv_file, upload, workbook


def _project(code: str, certificate_date: str) -> list[object]:
    return [code, "Kho", "no", "yard", "gate_area", "1", "G", certificate_date, "1000", None, None,
            "NDT-VN"]  # fmt: skip


def test_dates_out_of_bounds_are_refused_with_their_rows(
    client: TestClient, people: People, db: Database
):
    projects = [
        PROJECT_COLUMNS,
        _project("D-1", "0001-01-01"),
        _project("D-2", "1950-01-01"),
        _project("D-3", "01/01/2100"),
        _project("D-4", "2099-12-31"),
    ]
    response = upload(
        client, people, "dates.xlsx", workbook(investors=INVESTORS, projects=projects)
    )
    assert response.status_code == 422, response.text
    problems = response.json()["problems"]
    found = {(p["sheet"], p["row"], p["column"], p["value"], p["code"]) for p in problems}
    assert found == {
        ("projects", 2, "certificate_date", "0001-01-01", "date_out_of_range"),
        ("projects", 4, "certificate_date", "01/01/2100", "date_out_of_range"),
    }
    assert problems[0]["message"] == "Ngày phải trong khoảng 1950-01-01 đến 2099-12-31."
    assert db.count(InvestmentProject) == 0


def test_an_amendment_dated_year_0001_is_refused(client: TestClient, people: People):
    projects = [PROJECT_COLUMNS, _project("D-1", "2020-01-01")]
    assert (
        upload(
            client, people, "p.xlsx", workbook(investors=INVESTORS, projects=projects)
        ).status_code
        == 200
    )
    amendments = [
        ["project_code", "kind", "effective_on", "status"],
        ["D-1", "status_changed", "01/01/0001", "terminated"],
    ]
    response = client.post(
        "/api/v1/investment/import?lang=en",
        files={"file": ("a.csv", csv_file(amendments))},
        headers=people[Role.board],
    )
    assert response.status_code == 422, response.text
    [problem] = response.json()["problems"]
    assert (problem["row"], problem["column"], problem["code"]) == (
        2,
        "effective_on",
        "date_out_of_range",
    )
    assert problem["message"] == "The date must be between 1950-01-01 and 2099-12-31."
