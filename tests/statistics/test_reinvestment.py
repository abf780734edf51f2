"""Fee revenue beside what the zone's infrastructure projects reported
disbursing, month by month; and the public's figures."""

from fastapi.testclient import TestClient

from cuakhau.investment.schemas import AmendmentCreate, ProjectCreate
from cuakhau.investment.service import amend, register_project
from cuakhau.models import Gate
from cuakhau.models.enums import Role
from cuakhau.models.investment import Sector
from tests.conftest import Database, People
from tests.factories import make_investor


def _project(session, code: str, sector: Sector, disbursed: list[tuple[str, int]]) -> None:
    project = register_project(
        session,
        ProjectCreate(
            code=code,
            name_vi=f"Dự án {code}",
            foreign_invested=False,
            sector=sector,
            area="gate_area",
            land_area_ha="1.5",
            certificate_no=f"GCN-{code}",
            certificate_date="2025-01-10",
            capital_vnd=100_000_000_000,
            investors=["NDT-VN"],
        ),
    )
    for day, total in disbursed:
        amend(
            session,
            project,
            AmendmentCreate(kind="disbursement_reported", effective_on=day, disbursed_vnd=total),
        )
    session.flush()


def test_revenue_per_month_beside_the_infrastructure_disbursed(
    client: TestClient, db: Database, people: People, gates: tuple[Gate, Gate]
):
    with db.write() as session:
        make_investor(session)
        # Cumulative reports: 2 billion by November, 5 by mid-December (3 in December).
        _project(
            session,
            "HT-1",
            Sector.zone_infrastructure,
            [("2026-11-20", 2_000_000_000), ("2026-12-15", 5_000_000_000)],
        )
        # Not the zone's infrastructure: not counted.
        _project(session, "KB-1", Sector.yard, [("2026-12-01", 9_000_000_000)])
    response = client.get(
        "/api/v1/statistics/reinvestment",
        params={"period": "quarter", "at": "2026-12-01"},
        headers=people[Role.board],
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["projects"] == 1
    rows = {row["period"]["first"]: row for row in answer["rows"]}
    assert list(rows) == ["2026-10-01", "2026-11-01", "2026-12-01"]
    assert rows["2026-11-01"]["fee_revenue_vnd"] == 300_000
    assert rows["2026-11-01"]["disbursed_vnd"] == 2_000_000_000
    december = rows["2026-12-01"]
    assert (december["fee_revenue_vnd"], december["disbursed_vnd"]) == (1_200_000, 3_000_000_000)
    assert december["reinvested_share"] == "2500.0000"
    assert rows["2026-10-01"]["reinvested_share"] is None
    assert answer["total"]["fee_revenue_vnd"] == 1_500_000
    assert answer["total"]["disbursed_vnd"] == 5_000_000_000
    for role in (Role.enterprise, Role.gate_officer):
        refused = client.get("/api/v1/statistics/reinvestment", headers=people[role])
        assert refused.status_code == 403
