"""The zone for would-be investors: what is there, what is planned, whom to ask."""

from datetime import date

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.core.messages import translate
from cuakhau.investment.reports import Reporter, in_force, ownership
from cuakhau.investment.repository import states_as_of
from cuakhau.models import Zone
from cuakhau.models.investment import Area, Milestone, Sector


class PublicGroup(BaseModel):
    key: str
    label: str
    projects: int
    capital_vnd: int


class PublicPlanned(BaseModel):
    code: str
    name: str
    sector: str
    area: str
    planned_in_operation: date | None


class PublicContact(BaseModel):
    office: str
    province: str | None
    office_address: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None


# The zone's own contact details (``zone`` in the reference file), where set.
CONTACT_FIELDS = ("office_address", "phone", "email", "website")


class PublicSummary(BaseModel):
    zone: str | None
    as_of: date
    projects_in_force: int
    domestic_projects: int
    fdi_projects: int
    in_operation: int
    sectors: list[PublicGroup]
    areas: list[PublicGroup]
    planned: list[PublicPlanned]
    contact: PublicContact


def public_summary(session: Session, as_of: date, language: str) -> PublicSummary:
    r = Reporter(language)
    valid = in_force(states_as_of(session, as_of))
    zone = session.scalar(select(Zone).order_by(Zone.id))
    zone_name = (zone.name_vi if language == "vi" else zone.name_en) if zone else None

    def groups(values: type[Sector] | type[Area], attribute: str) -> list[PublicGroup]:
        result = []
        for value in values:
            members = [s for s in valid if getattr(s.project, attribute) == value]
            if members:
                capital = sum(s.capital_vnd for s in members)
                result.append(
                    PublicGroup(
                        key=value, label=r.label(value), projects=len(members), capital_vnd=capital
                    )
                )
        return result

    operating = [s for s in valid if s.milestones[Milestone.in_operation].reached_on is not None]
    planned = [
        PublicPlanned(
            code=s.project.code,
            name=s.project.name_vi if language == "vi" else s.project.name_en or s.project.name_vi,
            sector=r.label(s.project.sector),
            area=r.label(s.project.area),
            planned_in_operation=s.milestones[Milestone.in_operation].planned_on,
        )
        for s in valid
        if s.milestones[Milestone.in_operation].reached_on is None
    ]
    return PublicSummary(
        zone=zone_name,
        as_of=as_of,
        projects_in_force=len(valid),
        domestic_projects=sum(1 for s in valid if ownership(s) == "domestic"),
        fdi_projects=sum(1 for s in valid if ownership(s) == "fdi"),
        in_operation=len(operating),
        sectors=groups(Sector, "sector"),
        areas=groups(Area, "area"),
        planned=planned,
        contact=PublicContact(
            office=translate("inv_contact_office", language, zone=zone_name or ""),
            province=zone.province if zone else None,
            **(
                {field: getattr(zone, field) for field in CONTACT_FIELDS}
                if zone is not None
                else {}
            ),
        ),
    )
