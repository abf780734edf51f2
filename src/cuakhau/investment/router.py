"""HTTP: the registry (staff read, board and admin edit), imports and exports,
the board's reports, and the public zone summary for investors."""

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Query, Request, UploadFile, status
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select

from cuakhau.accounts.deps import require_roles
from cuakhau.core.clock import utcnow
from cuakhau.core.deps import DbSession, api_router
from cuakhau.core.errors import InvalidInput, problem
from cuakhau.core.messages import pick_language, translate
from cuakhau.core.rows import page_of, patch_values
from cuakhau.core.schemas import ListQuery, Page
from cuakhau.investment import render
from cuakhau.investment.exporter import registry_tables
from cuakhau.investment.importer import ImportRejected, import_file
from cuakhau.investment.public import PublicSummary, public_summary
from cuakhau.investment.reports import ReportName, build_report
from cuakhau.investment.repository import get_project, search, states_as_of
from cuakhau.investment.schemas import (
    AmendmentCreate,
    AmendmentRead,
    ImportReport,
    InvestorCreate,
    InvestorRead,
    ProjectCreate,
    ProjectFilters,
    ProjectHistory,
    ProjectRead,
    ProjectUpdate,
)
from cuakhau.investment.service import amend, create_investor, register_project, update_project
from cuakhau.investment.state import ProjectState, state_as_of
from cuakhau.models import User
from cuakhau.models.enums import STAFF_ROLES, Role
from cuakhau.models.investment import Amendment, InvestmentProject, Investor

router = api_router(prefix="/investment", tags=["investment"])
public_router = api_router(prefix="/public", tags=["public"])

Reader = Annotated[User, require_roles(*STAFF_ROLES)]
Board = Annotated[User, require_roles(Role.admin, Role.board)]


def zone_today() -> date:
    return utcnow().astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()


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


def _state(project: InvestmentProject, as_of: date | None) -> ProjectRead:
    state = state_as_of(project, as_of or zone_today())
    if state is None:
        # Asked about a date before its certificate: it did not exist then.
        raise InvalidInput("before_certificate", field="as_of", date=project.certificate_date)
    return project_read(state)


@router.get("/projects", response_model=Page[ProjectRead])
def list_projects(
    session: DbSession, _user: Reader, filters: Annotated[ProjectFilters, Query()]
) -> Any:
    """Projects as they stood on ``as_of`` (today in the zone if not given)."""
    stmt = select(InvestmentProject)
    for name in ("sector", "area", "foreign_invested", "is_key"):
        value = getattr(filters, name)
        if value is not None:
            stmt = stmt.where(getattr(InvestmentProject, name) == value)
    if filters.q:
        stmt = search(stmt, filters.q)
    states = states_as_of(session, filters.as_of or zone_today(), stmt)
    if filters.status is not None:
        states = [s for s in states if s.status is filters.status]
    items = [project_read(s) for s in states[filters.offset : filters.offset + filters.limit]]
    return page_of(ProjectRead, items, len(states), filters)


@router.post("/projects", response_model=ProjectRead, status_code=status.HTTP_201_CREATED)
def create_project(data: ProjectCreate, session: DbSession, user: Board) -> Any:
    project = register_project(session, data, user)
    return _state(project, max(zone_today(), project.certificate_date))


@router.get("/projects/{project_id}", response_model=ProjectRead)
def read_project(
    project_id: int, session: DbSession, _user: Reader, as_of: date | None = None
) -> Any:
    return _state(get_project(session, project_id), as_of)


@router.patch("/projects/{project_id}", response_model=ProjectRead)
def correct_project(project_id: int, data: ProjectUpdate, session: DbSession, _user: Board) -> Any:
    """Correct the description (names, sector, area, land, key flag). Capital, status,
    investors, disbursement and milestones change only by amendment."""
    project = get_project(session, project_id)
    patch_values(data, nullable=frozenset({"name_en", "location"}))
    update_project(session, project, data)
    return _state(project, max(zone_today(), project.certificate_date))


@router.get("/projects/{project_id}/history", response_model=ProjectHistory)
def project_history(project_id: int, session: DbSession, _user: Reader) -> Any:
    """The project's file: every amendment in date order, and where it stands now."""
    project = get_project(session, project_id)
    ordered = sorted(project.amendments, key=lambda a: (a.effective_on, a.id))
    latest = max(zone_today(), ordered[-1].effective_on)
    return ProjectHistory(
        project=_state(project, latest), amendments=[amendment_read(a) for a in ordered]
    )


@router.post(
    "/projects/{project_id}/amendments",
    response_model=AmendmentRead,
    status_code=status.HTTP_201_CREATED,
)
def add_amendment(project_id: int, data: AmendmentCreate, session: DbSession, user: Board) -> Any:
    """Record a dated change. Sending the same amendment again changes nothing."""
    amendment, _created = amend(session, get_project(session, project_id), data, user)
    session.flush()
    return amendment_read(amendment)


@router.get("/investors", response_model=Page[InvestorRead])
def list_investors(session: DbSession, _user: Reader, params: Annotated[ListQuery, Query()]) -> Any:
    investors = list(session.scalars(select(Investor).order_by(Investor.code)))
    return page_of(
        InvestorRead,
        investors[params.offset : params.offset + params.limit],
        len(investors),
        params,
    )


@router.post("/investors", response_model=InvestorRead, status_code=status.HTTP_201_CREATED)
def add_investor(data: InvestorCreate, session: DbSession, user: Board) -> Any:
    return create_investor(session, data, user)


@router.post("/import", response_model=ImportReport)
def import_upload(file: UploadFile, request: Request, session: DbSession, _user: Board) -> Any:
    """An XLSX workbook (sheets investors, projects, amendments) or one CSV sheet.
    A file with any problem imports nothing and gets every problem back (422)."""
    try:
        return import_file(session, file.filename or "upload", file.file.read())
    except ImportRejected as rejected:
        language = pick_language(request)
        return problem(
            request,
            422,
            rejected.code,
            rejected.detail(language),
            problems=[p.render(language) for p in rejected.problems],
        )


class TableFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"


class Sheet(StrEnum):
    investors = "investors"
    projects = "projects"
    amendments = "amendments"


def _download(content: bytes, kind: str, name: str) -> Response:
    return Response(
        content,
        media_type=render.MEDIA_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'},
    )


@router.get("/export")
def export_registry(
    session: DbSession,
    _user: Reader,
    format: TableFormat = TableFormat.xlsx,
    sheet: Sheet = Sheet.projects,
) -> Response:
    """The registry in the import layout: XLSX has all three sheets; CSV the one asked for."""
    tables = registry_tables(session)
    if format is TableFormat.csv:
        chosen = [t for t in tables if t.key == sheet.value]
        return _download(render.to_csv(chosen, keys=True), "csv", f"investment-{sheet.value}")
    return _download(render.to_xlsx(tables, keys=True), "xlsx", "investment-registry")


class ReportFormat(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    pdf = "pdf"
    png = "png"


@router.get("/reports/{report}")
def report(
    report: ReportName,
    request: Request,
    session: DbSession,
    _user: Board,
    as_of: date | None = None,
    since: Annotated[date | None, Query(description="Start of the `change` report.")] = None,
    format: ReportFormat = ReportFormat.json,
) -> Response:
    """A report as of a date (today if not given) as JSON, CSV, XLSX, PDF or a PNG chart."""
    language = pick_language(request)
    built = build_report(session, report, as_of or zone_today(), since, language)
    name = f"{built.name}-{built.as_of.isoformat()}"
    if format is ReportFormat.csv:
        return _download(render.to_csv(built.tables), "csv", name)
    if format is ReportFormat.xlsx:
        return _download(render.to_xlsx(built.tables), "xlsx", name)
    if format is ReportFormat.pdf:
        subtitle = translate(
            "inv_report_as_of", language, date=render.shown(built.as_of, "date", language)
        )
        return _download(render.to_pdf(built, language, subtitle), "pdf", name)
    if format is ReportFormat.png:
        return Response(render.to_png(built), media_type=render.MEDIA_TYPES["png"])
    return JSONResponse(
        {
            "report": built.name,
            "title": built.title,
            "as_of": built.as_of.isoformat(),
            "since": built.since.isoformat() if built.since else None,
            "tables": [
                {
                    "key": t.key,
                    "title": t.title,
                    "columns": [
                        {"key": c.key, "label": t.labels[c.key], "kind": c.kind} for c in t.columns
                    ],
                    "rows": [{k: _json(v) for k, v in row.items()} for row in t.rows],
                }
                for t in built.tables
            ],
        }
    )


def _json(value: Any) -> Any:
    # USD stays exact: a Decimal goes out as a string, as pydantic writes it elsewhere.
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@public_router.get("/investment", response_model=PublicSummary)
def public_investment(session: DbSession, request: Request) -> Any:
    """For investors, without login: what is in the zone, what is planned, whom to ask."""
    return public_summary(session, zone_today(), pick_language(request))
