"""The portfolio's rules: investors, registering projects, amending them.

Nothing about a project is overwritten after registration except its description
(names, sector, area, land, key flag); every other change is a dated amendment.
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.core.errors import Conflict, InvalidInput
from cuakhau.core.rows import apply_changes, ensure_unique, patch_values
from cuakhau.investment.schemas import (
    DESCRIPTIVE_FIELDS,
    AmendmentCreate,
    InvestorCreate,
    ProjectCreate,
    ProjectDescription,
    vnd_of,
)
from cuakhau.models import Enterprise, User
from cuakhau.models.investment import (
    Amendment,
    AmendmentInvestor,
    AmendmentKind,
    InvestmentProject,
    Investor,
    Milestone,
    ProjectStatus,
)

REGISTRATION_FIELDS = ("capital_vnd", "capital_usd", "investors")


def create_investor(session: Session, data: InvestorCreate, _user: User | None = None) -> Investor:
    ensure_unique(session, Investor.code, data.code, entity="investor", field="code")
    if data.tax_code is not None:
        ensure_unique(
            session, Investor.tax_code, data.tax_code, entity="investor", field="tax_code"
        )
    investor = Investor(**data.model_dump(), enterprise_id=_enterprise_id(session, data.tax_code))
    session.add(investor)
    session.flush()
    return investor


def update_investor(session: Session, investor: Investor, data: InvestorCreate) -> None:
    """Bring an investor in line with ``data`` (same code); changes nothing if equal."""
    if data.tax_code is not None and data.tax_code != investor.tax_code:
        ensure_unique(
            session, Investor.tax_code, data.tax_code, entity="investor", field="tax_code"
        )
    values = data.model_dump(exclude={"code"})
    values["enterprise_id"] = _enterprise_id(session, data.tax_code)
    apply_changes(investor, values)
    session.flush()


# The stored rows as entries, not checked again: a row stored before a rule
# existed (a control character in a name) must still export.
def as_investor_entry(investor: Investor) -> InvestorCreate:
    return InvestorCreate.model_construct(
        code=investor.code,
        name_vi=investor.name_vi,
        name_en=investor.name_en,
        country=investor.country,
        tax_code=investor.tax_code,
        is_illustrative=investor.is_illustrative,
    )


def _enterprise_id(session: Session, tax_code: str | None) -> int | None:
    """The enterprise registry's row for this company, where it is there."""
    if tax_code is None:
        return None
    return session.scalar(select(Enterprise.id).where(Enterprise.tax_code == tax_code))


def resolve_investors(session: Session, codes: list[str]) -> list[Investor]:
    found = {i.code: i for i in session.scalars(select(Investor).where(Investor.code.in_(codes)))}
    for code in codes:
        if code not in found:
            raise InvalidInput("investor_unknown", field="investors", code=code)
    if len(set(codes)) != len(codes):
        raise InvalidInput("investor_repeated", field="investors")
    return [found[code] for code in codes]


def _link(amendment: Amendment, investors: list[Investor]) -> None:
    amendment.investor_links = [
        AmendmentInvestor(investor=investor, position=position)
        for position, investor in enumerate(investors)
    ]


def register_project(
    session: Session, data: ProjectCreate, _user: User | None = None
) -> InvestmentProject:
    ensure_unique(session, InvestmentProject.code, data.code, entity="project", field="code")
    investors = resolve_investors(session, data.investors)
    project = InvestmentProject(
        **data.model_dump(
            exclude={
                *REGISTRATION_FIELDS,
                *(f"planned_{m.value}" for m in Milestone),
            }
        )
    )
    registration = Amendment(
        kind=AmendmentKind.registered,
        effective_on=data.certificate_date,
        capital_vnd=data.capital_vnd,
        capital_usd=data.capital_usd,
        status=ProjectStatus.valid,
        document_no=data.certificate_no,
    )
    _link(registration, investors)
    project.amendments.append(registration)
    for milestone, planned_on in data.planned().items():
        project.amendments.append(
            Amendment(
                kind=AmendmentKind.milestone_planned,
                effective_on=data.certificate_date,
                milestone=milestone,
                planned_on=planned_on,
            )
        )
    session.add(project)
    session.flush()
    return project


def as_registered(project: InvestmentProject) -> ProjectCreate:
    """The project as its certificate registered it: what an import row or the
    export says about it."""
    registration = next(a for a in project.amendments if a.kind is AmendmentKind.registered)
    planned = {
        f"planned_{a.milestone.value}": a.planned_on
        for a in registration_plans(project)
        if a.milestone is not None
    }
    return ProjectCreate.model_construct(
        code=project.code,
        name_vi=project.name_vi,
        name_en=project.name_en,
        foreign_invested=project.foreign_invested,
        sector=project.sector,
        area=project.area,
        location=project.location,
        land_area_ha=project.land_area_ha,
        certificate_no=project.certificate_no,
        certificate_date=project.certificate_date,
        capital_vnd=registration.capital_vnd,
        capital_usd=registration.capital_usd,
        usd_rate=project.usd_rate,
        is_key=project.is_key,
        investors=[link.investor.code for link in registration.investor_links],
        is_illustrative=project.is_illustrative,
        **planned,
    )


def registration_plans(project: InvestmentProject) -> list[Amendment]:
    """The milestone plans made with the certificate (dated on it)."""
    return [
        a
        for a in project.amendments
        if a.kind is AmendmentKind.milestone_planned and a.effective_on == project.certificate_date
    ]


def reconcile_project(session: Session, project: InvestmentProject, data: ProjectCreate) -> bool:
    """Apply a re-imported registration: description fields may be corrected; the
    registered facts may not (they change only by amendment). True if it changed."""
    current = as_registered(project).model_dump()
    wanted = data.model_dump()
    for name, value in wanted.items():
        if current[name] != value and name not in DESCRIPTIVE_FIELDS:
            raise InvalidInput("registration_differs", field=name, code=project.code)
    return update_project(
        session, project, ProjectDescription(**{n: wanted[n] for n in DESCRIPTIVE_FIELDS})
    )


def update_project(session: Session, project: InvestmentProject, data: ProjectDescription) -> bool:
    values = patch_values(data, nullable=frozenset({"name_en", "location"}))
    before = {name: getattr(project, name) for name in values}
    apply_changes(project, values)
    session.flush()
    return before != {name: getattr(project, name) for name in values}


def amendment_key(amendment: Amendment | AmendmentCreate) -> tuple[Any, ...]:
    """At most one amendment of a kind (and milestone) per project per day."""
    return (amendment.kind, amendment.effective_on, amendment.milestone)


def as_entry(amendment: Amendment) -> AmendmentCreate:
    return AmendmentCreate.model_construct(
        kind=amendment.kind,
        effective_on=amendment.effective_on,
        capital_vnd=amendment.capital_vnd,
        capital_usd=amendment.capital_usd,
        status=amendment.status,
        disbursed_vnd=amendment.disbursed_vnd,
        milestone=amendment.milestone,
        planned_on=amendment.planned_on,
        investors=[link.investor.code for link in amendment.investor_links] or None,
        document_no=amendment.document_no,
        note=amendment.note,
    )


def amend(
    session: Session, project: InvestmentProject, data: AmendmentCreate, _user: User | None = None
) -> tuple[Amendment, bool]:
    """Add a dated entry to the project's file; True if it is new. The same entry
    again changes nothing; a different one under the same kind and day is a conflict."""
    data = _complete_capital(project, data)
    if data.effective_on < project.certificate_date:
        raise InvalidInput(
            "before_certificate", field="effective_on", date=project.certificate_date
        )
    for existing in project.amendments:
        if amendment_key(existing) != amendment_key(data):
            continue
        if existing.kind is not AmendmentKind.registered and as_entry(existing) == data:
            return existing, False
        raise Conflict("amendment_exists", kind=data.kind.value, date=data.effective_on)
    investors = resolve_investors(session, data.investors) if data.investors else []
    amendment = Amendment(**data.model_dump(exclude={"investors"}))
    _link(amendment, investors)
    # Not flushed here: an import adds many; the caller's flush (or commit) writes them.
    project.amendments.append(amendment)
    return amendment, True


def _complete_capital(project: InvestmentProject, data: AmendmentCreate) -> AmendmentCreate:
    """A foreign-invested project's capital is adjusted in USD; VND follows at the
    certificate's rate unless the amendment states it. A domestic one has no USD."""
    if data.kind is not AmendmentKind.capital_adjusted:
        return data
    if not project.foreign_invested:
        if data.capital_usd is not None:
            raise InvalidInput("domestic_without_usd", field="capital_usd")
        if data.capital_vnd is None:
            raise InvalidInput("missing", field="capital_vnd")
        return data
    if data.capital_usd is None:
        raise InvalidInput("fdi_needs_usd", field="capital_usd")
    if data.capital_vnd is not None:
        return data
    assert project.usd_rate is not None  # CHECK usd_rate_for_fdi
    return data.model_copy(update={"capital_vnd": vnd_of(data.capital_usd, project.usd_rate)})
