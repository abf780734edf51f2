"""Projects as the API and the pages show them: a project as it stood on a day,
the registry as of a day, and a project's file with every amendment. ``today`` is
the zone's day, given by the caller."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.core.errors import InvalidInput
from cuakhau.core.rows import page_of
from cuakhau.core.schemas import Page
from cuakhau.investment.repository import get_project, search, states_as_of
from cuakhau.investment.schemas import AmendmentRead, ProjectFilters, ProjectHistory, ProjectRead
from cuakhau.investment.state import ProjectState, state_as_of
from cuakhau.models.investment import Amendment, InvestmentProject


def project_read(state: ProjectState) -> ProjectRead:
    project = state.project
    return ProjectRead.model_validate(
        {
            **{
                name: getattr(project, name)
                for name in ProjectRead.model_fields
                if hasattr(project, name)
            },
            "as_of": state.as_of,
            "status": state.status,
            "capital_vnd": state.capital_vnd,
            "capital_usd": state.capital_usd,
            "disbursed_vnd": state.disbursed_vnd,
            "investors": state.investors,
            "milestones": [
                {
                    "milestone": milestone,
                    "planned_on": plan.planned_on,
                    "reached_on": plan.reached_on,
                    "days_late": plan.days_late(state.as_of),
                }
                for milestone, plan in state.milestones.items()
            ],
        }
    )


def amendment_read(amendment: Amendment) -> AmendmentRead:
    return AmendmentRead.model_validate(
        {
            **{
                name: getattr(amendment, name)
                for name in AmendmentRead.model_fields
                if name != "investors"
            },
            "investors": [link.investor.code for link in amendment.investor_links],
        }
    )


def project_as_of(project: InvestmentProject, as_of: date) -> ProjectRead:
    state = state_as_of(project, as_of)
    if state is None:
        # Asked about a date before its certificate: it did not exist then.
        raise InvalidInput("before_certificate", field="as_of", date=project.certificate_date)
    return project_read(state)


def list_projects(*, session: Session, filters: ProjectFilters, today: date) -> Page[ProjectRead]:
    """Projects as they stood on ``as_of`` (today if not given)."""
    stmt = select(InvestmentProject)
    for name in ("sector", "area", "foreign_invested", "is_key"):
        value = getattr(filters, name)
        if value is not None:
            stmt = stmt.where(getattr(InvestmentProject, name) == value)
    if filters.q:
        stmt = search(stmt, filters.q)
    states = states_as_of(session, filters.as_of or today, stmt)
    if filters.status is not None:
        states = [s for s in states if s.status is filters.status]
    items = [project_read(s) for s in states[filters.offset : filters.offset + filters.limit]]
    return page_of(ProjectRead, items, len(states), filters)


def project_history(*, session: Session, project_id: int, today: date) -> ProjectHistory:
    """The project's file: every amendment in date order, and where it stands now."""
    project = get_project(session, project_id)
    ordered = sorted(project.amendments, key=lambda a: (a.effective_on, a.id))
    latest = max(today, ordered[-1].effective_on)
    return ProjectHistory(
        project=project_as_of(project, latest), amendments=[amendment_read(a) for a in ordered]
    )
