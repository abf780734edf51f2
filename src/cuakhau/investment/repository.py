"""Loading projects with their whole files, for states and reports."""

from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from cuakhau.core.errors import NotFound
from cuakhau.investment.state import ProjectState, state_as_of
from cuakhau.models.investment import Amendment, InvestmentProject


def with_files(stmt: Select[Any]) -> Select[Any]:
    return stmt.options(
        selectinload(InvestmentProject.amendments).selectinload(Amendment.investor_links)
    )


def get_project(session: Session, project_id: int) -> InvestmentProject:
    stmt = with_files(select(InvestmentProject).where(InvestmentProject.id == project_id))
    project = session.scalar(stmt)
    if project is None:
        raise NotFound("project", project_id)
    return project


def states_as_of(
    session: Session, as_of: date, stmt: Select[Any] | None = None
) -> list[ProjectState]:
    """Every project that existed on ``as_of``, as it stood then, by code."""
    stmt = stmt if stmt is not None else select(InvestmentProject)
    stmt = with_files(stmt.where(InvestmentProject.certificate_date <= as_of))
    projects = session.scalars(stmt.order_by(InvestmentProject.code))
    return [s for p in projects if (s := state_as_of(p, as_of)) is not None]


def all_projects(session: Session) -> list[InvestmentProject]:
    return list(
        session.scalars(with_files(select(InvestmentProject).order_by(InvestmentProject.code)))
    )


def search(stmt: Select[Any], text: str) -> Select[Any]:
    pattern = f"%{text}%"
    return stmt.where(
        or_(
            InvestmentProject.code.ilike(pattern),
            InvestmentProject.name_vi.ilike(pattern),
            InvestmentProject.name_en.ilike(pattern),
        )
    )
