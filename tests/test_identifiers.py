"""Identifiers typed in full-width forms or with spaces are the ones already known
(core/identifiers.py), through the real app on both databases."""

from fastapi.testclient import TestClient
from sqlalchemy import select

from cuakhau.models import Driver, Enterprise
from cuakhau.models.enums import Role
from cuakhau.models.investment import Investor
from tests.conftest import Database, People
from tests.factories import enterprise_data, valid_tax_code
from tests.investment.test_portfolio import PROJECT_COLUMNS, upload, workbook

FULL_WIDTH = str.maketrans(
    "0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "０１２３４５６７８９－ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
)


def wide(text: str) -> str:
    return text.translate(FULL_WIDTH)


def test_a_full_width_tax_code_is_the_company_already_registered(
    client: TestClient, people: People, db: Database
):
    tax_code = people.own_enterprise.tax_code
    before = db.count(Enterprise)
    body = enterprise_data(tax_code=f" {wide(tax_code)} ")
    response = client.post("/api/v1/enterprises", json=body, headers=people[Role.admin])
    assert (response.status_code, response.json()["code"]) == (409, "duplicate")
    assert db.count(Enterprise) == before

    fresh = valid_tax_code(4242)
    body = enterprise_data(tax_code=wide(fresh))
    created = client.post("/api/v1/enterprises", json=body, headers=people[Role.admin])
    assert created.status_code == 201, created.text
    assert (
        db.scalar(select(Enterprise.tax_code).where(Enterprise.id == created.json()["id"])) == fresh
    )


def test_digits_of_other_scripts_are_not_a_tax_code(client: TestClient, people: People):
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in valid_tax_code(4243))
    body = enterprise_data(tax_code=arabic_indic)
    response = client.post("/api/v1/enterprises", json=body, headers=people[Role.admin])
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "tax_code_invalid"


def test_full_width_plates_and_id_numbers_are_stored_plain(
    client: TestClient, people: People, db: Database
):
    headers = people[Role.enterprise]
    vehicle = {"plate": wide("12C-12345"), "kind": "truck", "axles": 2, "payload_kg": 8000}
    response = client.post("/api/v1/vehicles", json=vehicle, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["plate"] == "12C-123.45"
    again = client.post("/api/v1/vehicles", json={**vehicle, "plate": "12C12345"}, headers=headers)
    assert again.status_code == 409

    driver = {
        "full_name": "Nông Văn Hùng",
        "id_number": wide("020085001234"),
        "nationality": "VN",
        "phone": "0912 345 678",
    }
    response = client.post("/api/v1/drivers", json=driver, headers=headers)
    assert response.status_code == 201, response.text
    assert db.scalars(select(Driver.id_number)) == ["020085001234"]
    plain = {**driver, "id_number": "020085001234"}
    assert client.post("/api/v1/drivers", json=plain, headers=headers).status_code == 409


def test_an_import_reads_full_width_investor_codes_and_tax_codes(
    client: TestClient, people: People, db: Database
):
    tax_code = valid_tax_code(4244)
    investors = [
        ["code", "name_vi", "country", "tax_code"],
        [wide("NDT-VN"), "Công ty Thử nghiệm", "VN", wide(tax_code)],
    ]
    projects = [
        PROJECT_COLUMNS,
        ["P-1", "Kho", "no", "yard", "gate_area", "1", "G", "2020-01-01", "1000", None, None,
         "NDT-VN"],
    ]  # fmt: skip
    content = workbook(investors=investors, projects=projects)
    response = upload(client, people, "wide.xlsx", content)
    assert response.status_code == 200, response.text
    assert db.scalars(select(Investor.code)) == ["NDT-VN"]
    assert db.scalars(select(Investor.tax_code)) == [tax_code]
    again = upload(
        client,
        people,
        "plain.xlsx",
        workbook(investors=[investors[0], ["NDT-VN", "Công ty Thử nghiệm", "VN", tax_code]]),
    )
    assert again.json()["investors"] == {"created": 0, "updated": 0, "unchanged": 1}
