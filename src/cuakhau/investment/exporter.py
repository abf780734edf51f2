"""The registry in the import layout, so an exported workbook imports back to the
same registry."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.core.tables import Column, Table
from cuakhau.investment.importer import columns_of
from cuakhau.investment.repository import all_projects
from cuakhau.investment.service import (
    as_entry,
    as_investor_entry,
    as_registered,
    registration_plans,
)
from cuakhau.models.investment import AmendmentKind, Investor


def registry_tables(session: Session) -> list[Table]:
    investors = [
        as_investor_entry(i).model_dump()
        for i in session.scalars(select(Investor).order_by(Investor.code))
    ]
    projects = all_projects(session)
    amendments = [
        {"project_code": project.code, **as_entry(amendment).model_dump()}
        for project in projects
        for amendment in sorted(project.amendments, key=lambda a: (a.effective_on, a.id))
        if amendment.kind is not AmendmentKind.registered
        and amendment not in registration_plans(project)
    ]
    rows = {
        "investors": investors,
        "projects": [as_registered(p).model_dump() for p in projects],
        "amendments": amendments,
    }
    return [
        Table(
            name,
            name,
            [Column(c) for c in columns_of(name)],
            {c: c for c in columns_of(name)},
            rows[name],
        )
        for name in rows
    ]
