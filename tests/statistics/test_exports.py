"""Every statistics report as CSV, XLSX and PDF, in Vietnamese or English, with
the period and filters in the header; the weekly report; the HS names."""

import csv
import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader

from cuakhau.models import Gate
from cuakhau.models.enums import Role
from tests.conftest import People


def _get(client: TestClient, path: str, headers: dict[str, str], **params: object):
    response = client.get(f"/api/v1/statistics/{path}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response


def test_a_trade_csv_says_its_period_comparison_and_filters_in_vietnamese(
    client: TestClient, people: People, gates: tuple[Gate, Gate]
):
    first, _ = gates
    response = _get(
        client,
        "trade/download",
        people[Role.board],
        period="month",
        at="2026-12-01",
        group_by="hs_chapter",
        compare="year_before",
        gate_id=first.id,
        direction="export",
        format="csv",
        lang="vi",
    )
    assert response.headers["content-type"].startswith("text/csv")
    assert "trade-2026-12-01-2026-12-31.csv" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    lead = [row[0] for row in rows[:5]]
    assert lead[0] == "Kim ngạch và phương tiện qua cửa khẩu"
    assert lead[1] == "Kỳ báo cáo: 01/12/2026 – 31/12/2026 (31 ngày)"
    assert lead[2] == "So sánh với cùng kỳ năm trước: 01/12/2025 – 31/12/2025"
    assert lead[3] == f"Lọc: Cửa khẩu = {first.name_vi}; Chiều = Xuất khẩu (VN → TQ)"
    header = rows[6]
    assert header[:3] == ["Chương HS", "Trị giá (USD)", "Khối lượng (kg)"]
    assert "Trị giá (USD), cùng kỳ năm trước" in header
    body = {row[0]: row for row in rows[7:]}
    fruit = body["08 Quả và quả hạch (nuts) ăn được; vỏ quả thuộc họ cam quýt hoặc các loại dưa"]
    assert fruit[1] == "60000.00"
    assert fruit[header.index("Trị giá (USD), cùng kỳ năm trước")] == "60000.00"
    relative = header.index("Trị giá (USD): tăng/giảm so với cùng kỳ năm trước")
    assert fruit[relative] == "0.0000"
    assert body["Tổng"][1] == "61000.50"


def test_a_fee_xlsx_in_english_keeps_numbers_as_numbers(
    client: TestClient, people: People, gates: tuple[Gate, Gate]
):
    first, second = gates
    response = _get(
        client,
        "fees/download",
        people[Role.admin],
        period="month",
        at="2026-12-01",
        group_by="gate",
        compare="month_before",
        format="xlsx",
        lang="en",
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Fee revenue"
    assert values[1][0] == "Period: 2026-12-01 – 2026-12-31 (31 days)"
    assert (
        values[2][0] == "Compared with the same days of the previous month: 2026-11-01 – 2026-11-30"
    )
    assert values[3][0] == "Scope: the whole border-gate economic zone"
    header = values[6]
    assert header[:3] == ("Gate", "Revenue (VND)", "Fees")
    by_gate = {row[0]: row for row in values[7:]}
    # Four trucks crossed in December, at 300,000 đồng each; three at the first gate.
    assert by_gate[first.name_en][1] == 900_000
    assert by_gate[second.name_en][1] == 300_000
    assert by_gate["Total"][1] == 1_200_000


def _pdf(response) -> tuple[str, int]:
    """A PDF's text, its lines joined, and how many images (charts) it embeds."""
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text, sum(len(page.images) for page in reader.pages)


# Each report's PDF and the charts it draws, as the board's page does: value and
# vehicles by day (trade), revenue by day (fees), each breakdown's bars, fee
# revenue beside reinvestment.
PDFS = (
    ("trade/download", {"at": "2026-12-01", "group_by": "gate", "compare": "year_before"}, 3),
    ("fees/download", {"at": "2026-12-01", "compare": "month_before"}, 1),
    ("fees/download", {"at": "2026-12-01", "group_by": "gate"}, 2),
    ("reinvestment/download", {"at": "2026-12-01"}, 1),
    # Totals by day (value, vehicles); gate, direction, regime, HS chapters; fees by gate.
    ("weekly", {"at": "2026-12-02"}, 7),
)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_pdf_draws_the_boards_charts_under_its_header(
    client: TestClient, people: People, gates: tuple[Gate, Gate], language: str
):
    board = people[Role.board]
    for path, params, charts in PDFS:
        text, images = _pdf(_get(client, path, board, format="pdf", lang=language, **params))
        assert images == charts, (path, params)
        assert "no figures" not in text, (path, params)
        assert "không có số liệu" not in text, (path, params)
    first, _ = gates
    trade = {"at": "2026-12-01", "compare": "year_before", "gate_id": first.id}
    text, _ = _pdf(_get(client, "trade/download", board, format="pdf", lang=language, **trade))
    if language == "vi":
        assert "Kim ngạch và phương tiện qua cửa khẩu" in text
        assert "Kỳ báo cáo: 01/12/2026 – 31/12/2026 (31 ngày)" in text
        assert "So sánh với cùng kỳ năm trước: 01/12/2025 – 31/12/2025" in text
        assert f"Lọc: Cửa khẩu = {first.name_vi}" in text
    else:
        assert "Period: 2026-12-01 – 2026-12-31 (31 days)" in text
        assert "Compared with the same period a year before: 2025-12-01 – 2025-12-31" in text
        assert f"Filters: Gate = {first.name_en}" in text
    weekly, _ = _pdf(_get(client, "weekly", board, format="pdf", lang=language, at="2026-12-02"))
    header = {
        "vi": (
            "Báo cáo tuần 30/11/2026 – 06/12/2026",
            "Kỳ báo cáo: 30/11/2026 – 06/12/2026 (7 ngày)",
        ),
        "en": ("Weekly report 2026-11-30 – 2026-12-06", "Period: 2026-11-30 – 2026-12-06 (7 days)"),
    }
    for line in header[language]:
        assert line in weekly


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_pdf_of_a_period_without_figures_says_so_instead_of_a_chart(
    client: TestClient, people: People, gates: tuple[Gate, Gate], language: str
):
    note = "không có số liệu trong kỳ này" if language == "vi" else "no figures for this period"
    for path, params in (
        ("trade/download", {"at": "2024-03-01", "group_by": "hs_chapter"}),
        ("fees/download", {"at": "2024-03-01"}),
        ("reinvestment/download", {"at": "2024-03-01"}),
        ("weekly", {"at": "2024-03-06"}),
    ):
        response = _get(client, path, people[Role.board], format="pdf", lang=language, **params)
        text, images = _pdf(response)
        assert images == 0, path
        assert note in text, path
    said = {"vi": "Trị giá (USD) theo ngày: không có", "en": "Value (USD) by day: no figures"}
    assert said[language] in text


def test_the_weekly_report_as_csv(client: TestClient, people: People, gates: tuple[Gate, Gate]):
    weekly = _get(client, "weekly", people[Role.board], at="2026-12-02", format="csv", lang="en")
    text = weekly.content.decode("utf-8-sig")
    assert text.startswith("Weekly report 2026-11-30 – 2026-12-06")
    assert "Compared with the previous period: 2026-11-23 – 2026-11-29" in text
    assert "The 10 largest HS chapters by value" in text
    assert "Fee revenue by gate" in text


def test_an_enterprise_download_is_of_its_own_figures_and_says_so(
    client: TestClient, people: People, gates: tuple[Gate, Gate]
):
    response = _get(client, "trade/download", people[Role.enterprise], at="2026-12-01", lang="en")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[2][0] == f"Filters: Enterprise = {people.own_enterprise.name_vi}"
    # Its fruit and furniture, and the furniture it imported: not the other's fruit.
    assert rows[-1][:2] == ["Total", "31200.50"]
    for path in ("reinvestment/download", "weekly"):
        refused = client.get(f"/api/v1/statistics/{path}", headers=people[Role.enterprise])
        assert refused.status_code == 403, path


def test_rows_grouped_by_hs_carry_their_names_in_the_asked_language(
    client: TestClient, people: People, gates: tuple[Gate, Gate]
):
    params = {"at": "2026-12-01", "group_by": ["hs_chapter", "direction"]}
    english = _get(client, "trade", people[Role.board], lang="en", **params).json()
    names = {
        (row["group"]["hs_chapter"], row["group"]["direction"]): row["names"]
        for row in english["rows"]
    }
    assert names[("08", "export")] == {
        "hs_chapter": "Edible fruit and nuts; peel of citrus fruit or melons",
        "direction": "Export (VN → CN)",
    }
    assert names[("94", "import")]["direction"] == "Import (CN → VN)"
    headers = {**people[Role.board], "Accept-Language": "vi"}
    heading = client.get(
        "/api/v1/statistics/trade",
        params={"at": "2026-12-01", "group_by": "hs_heading"},
        headers=headers,
    ).json()
    assert heading["rows"][0]["names"] == {"hs_heading": "Quả khác, tươi"}
