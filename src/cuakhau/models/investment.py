"""The board's investment portfolio: investors, projects and their dated amendments.

A project row holds only what its certificate fixes for good (code, names, sector,
area, certificate). Everything that changes over time — capital, status, investors,
disbursement, milestones — is an amendment with an effective date, never an
overwrite, so the state of the portfolio on any past date can be recomputed exactly.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cuakhau.core.clock import utcnow
from cuakhau.models.base import Audited, Base, Timestamped, UtcDateTime


class Sector(StrEnum):
    zone_infrastructure = "zone_infrastructure"
    yard = "yard"
    trade_services = "trade_services"
    logistics_warehousing = "logistics_warehousing"
    manufacturing = "manufacturing"
    urban_other = "urban_other"


class Area(StrEnum):
    """Functional zone of the economic zone, or the area around a gate."""

    goods_transshipment_zone = "goods_transshipment_zone"
    export_processing_zone_1 = "export_processing_zone_1"
    non_tariff_zone = "non_tariff_zone"
    industrial_zone = "industrial_zone"
    gate_area = "gate_area"
    urban_area = "urban_area"
    other = "other"


class ProjectStatus(StrEnum):
    valid = "valid"
    suspended = "suspended"
    terminated = "terminated"
    completed = "completed"


class Milestone(StrEnum):
    land_handed_over = "land_handed_over"
    construction_started = "construction_started"
    in_operation = "in_operation"


class AmendmentKind(StrEnum):
    registered = "registered"
    capital_adjusted = "capital_adjusted"
    status_changed = "status_changed"
    investors_replaced = "investors_replaced"
    disbursement_reported = "disbursement_reported"
    milestone_planned = "milestone_planned"
    milestone_reached = "milestone_reached"


def _enum(kind: type[StrEnum]) -> Enum:
    return Enum(kind, native_enum=False, length=32)


class Investor(Base, Timestamped, Audited):
    """A company that invests in the zone. Vietnamese companies carry their tax code
    and are tied to the enterprise registry where the company is there too; foreign
    investors often have no Vietnamese tax code."""

    __tablename__ = "investor"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2))
    tax_code: Mapped[str | None] = mapped_column(String(14), unique=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    is_illustrative: Mapped[bool] = mapped_column(Boolean, default=False)


class InvestmentProject(Base, Timestamped, Audited):
    __tablename__ = "investment_project"
    __table_args__ = (
        CheckConstraint("land_area_ha >= 0", name="land_area_non_negative"),
        # The certificate of a foreign-invested project states its USD exchange rate.
        CheckConstraint(
            "(foreign_invested AND usd_rate > 0) OR (NOT foreign_invested AND usd_rate IS NULL)",
            name="usd_rate_for_fdi",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    foreign_invested: Mapped[bool] = mapped_column(Boolean)
    sector: Mapped[Sector] = mapped_column(_enum(Sector))
    area: Mapped[Area] = mapped_column(_enum(Area))
    # Where in the area, e.g. the gate: "Cửa khẩu Hữu Nghị".
    location: Mapped[str | None] = mapped_column(String(200))
    land_area_ha: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    certificate_no: Mapped[str] = mapped_column(String(64))
    certificate_date: Mapped[date] = mapped_column(Date)
    usd_rate: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    is_key: Mapped[bool] = mapped_column(Boolean, default=False)
    is_illustrative: Mapped[bool] = mapped_column(Boolean, default=False)

    amendments: Mapped[list["Amendment"]] = relationship(
        back_populates="project", order_by="(Amendment.effective_on, Amendment.id)"
    )


class Amendment(Base, Audited):
    """One dated entry in a project's file. Which value columns are set depends on
    the kind; the CHECKs keep each kind complete."""

    __tablename__ = "investment_amendment"
    __table_args__ = (
        CheckConstraint("capital_vnd IS NULL OR capital_vnd >= 0", name="capital_non_negative"),
        CheckConstraint("capital_usd IS NULL OR capital_usd >= 0", name="usd_non_negative"),
        CheckConstraint(
            "disbursed_vnd IS NULL OR disbursed_vnd >= 0", name="disbursed_non_negative"
        ),
        CheckConstraint(
            "kind NOT IN ('registered', 'capital_adjusted') OR capital_vnd IS NOT NULL",
            name="capital_given",
        ),
        CheckConstraint(
            "kind NOT IN ('registered', 'status_changed') OR status IS NOT NULL",
            name="status_given",
        ),
        CheckConstraint(
            "kind <> 'disbursement_reported' OR disbursed_vnd IS NOT NULL",
            name="disbursed_given",
        ),
        CheckConstraint(
            "kind NOT IN ('milestone_planned', 'milestone_reached') OR milestone IS NOT NULL",
            name="milestone_given",
        ),
        CheckConstraint(
            "kind <> 'milestone_planned' OR planned_on IS NOT NULL", name="planned_on_given"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("investment_project.id"), index=True)
    kind: Mapped[AmendmentKind] = mapped_column(_enum(AmendmentKind))
    effective_on: Mapped[date] = mapped_column(Date, index=True)
    capital_vnd: Mapped[int | None] = mapped_column(BigInteger)
    capital_usd: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    status: Mapped[ProjectStatus | None] = mapped_column(_enum(ProjectStatus))
    # Cumulative (lũy kế) as reported on the effective date, not an increment.
    disbursed_vnd: Mapped[int | None] = mapped_column(BigInteger)
    milestone: Mapped[Milestone | None] = mapped_column(_enum(Milestone))
    planned_on: Mapped[date | None] = mapped_column(Date)
    document_no: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    project: Mapped[InvestmentProject] = relationship(back_populates="amendments")
    investor_links: Mapped[list["AmendmentInvestor"]] = relationship(
        order_by="AmendmentInvestor.position", cascade="all, delete-orphan"
    )


class AmendmentInvestor(Base, Audited):
    """The investors a registration or a replacement names, in the certificate's order."""

    __tablename__ = "amendment_investor"

    amendment_id: Mapped[int] = mapped_column(
        ForeignKey("investment_amendment.id"), primary_key=True
    )
    investor_id: Mapped[int] = mapped_column(ForeignKey("investor.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)

    investor: Mapped[Investor] = relationship(lazy="joined")
