"""HTTP: the registry (staff read, board and admin edit), imports and exports,
the board's reports, and the public zone summary for investors."""

from typing import Annotated, Any

from fastapi import Query, Request, UploadFile, status
from fastapi.responses import Response
from sqlalchemy import select

from cuakhau.accounts.deps import require_roles
from cuakhau.core.clock import local_date
from cuakhau.core.deps import DbSession, Now, api_router
from cuakhau.core.messages import pick_language
from cuakhau.core.rows import page_of, patch_values
from cuakhau.core.schemas import Day, Id, ListQuery, Page
from cuakhau.core.sheet_import import ImportRejected, refused
from cuakhau.investment import views
from cuakhau.investment.downloads import (
    ReportFormat,
    Sheet,
    TableFormat,
    registry_download,
    report_download,
)
from cuakhau.investment.importer import import_file
from cuakhau.investment.public import PublicSummary, public_summary
from cuakhau.investment.reports import ReportName
from cuakhau.investment.repository import get_project
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
from cuakhau.models import User
from cuakhau.models.enums import STAFF_ROLES, Role
from cuakhau.models.investment import Investor

router = api_router(prefix="/investment", tags=["investment"])
public_router = api_router(prefix="/public", tags=["public"])

Reader = Annotated[User, require_roles(*STAFF_ROLES)]
Board = Annotated[User, require_roles(Role.admin, Role.board)]


@router.get("/projects", response_model=Page[ProjectRead])
def list_projects(
    session: DbSession, _user: Reader, filters: Annotated[ProjectFilters, Query()], now: Now
) -> Any:
    """Projects as they stood on ``as_of`` (today in the zone if not given)."""
    return views.list_projects(session=session, filters=filters, today=local_date(now))


@router.post("/projects", response_model=ProjectRead, status_code=status.HTTP_201_CREATED)
def create_project(data: ProjectCreate, session: DbSession, user: Board, now: Now) -> Any:
    project = register_project(session, data, user)
    return views.project_as_of(project, max(local_date(now), project.certificate_date))


@router.get("/projects/{project_id}", response_model=ProjectRead)
def read_project(
    project_id: Id, session: DbSession, _user: Reader, now: Now, as_of: Day | None = None
) -> Any:
    return views.project_as_of(get_project(session, project_id), as_of or local_date(now))


@router.patch("/projects/{project_id}", response_model=ProjectRead)
def correct_project(
    project_id: Id, data: ProjectUpdate, session: DbSession, _user: Board, now: Now
) -> Any:
    """Correct the description (names, sector, area, land, key flag). Capital, status,
    investors, disbursement and milestones change only by amendment."""
    project = get_project(session, project_id)
    patch_values(data, nullable=frozenset({"name_en", "location"}))
    update_project(session, project, data)
    return views.project_as_of(project, max(local_date(now), project.certificate_date))


@router.get("/projects/{project_id}/history", response_model=ProjectHistory)
def project_history(project_id: Id, session: DbSession, _user: Reader, now: Now) -> Any:
    """The project's file: every amendment in date order, and where it stands now."""
    return views.project_history(session=session, project_id=project_id, today=local_date(now))


@router.post(
    "/projects/{project_id}/amendments",
    response_model=AmendmentRead,
    status_code=status.HTTP_201_CREATED,
)
def add_amendment(project_id: Id, data: AmendmentCreate, session: DbSession, user: Board) -> Any:
    """Record a dated change. Sending the same amendment again changes nothing."""
    amendment, _created = amend(session, get_project(session, project_id), data, user)
    session.flush()
    return views.amendment_read(amendment)


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
        return refused(request, rejected)


@router.get("/export")
def export_registry(
    session: DbSession,
    _user: Reader,
    format: TableFormat = TableFormat.xlsx,
    sheet: Sheet = Sheet.projects,
) -> Response:
    """The registry in the import layout: XLSX has all three sheets; CSV the one asked for."""
    return registry_download(session=session, format=format, sheet=sheet).response()


@router.get("/reports/{report}")
def report(
    report: ReportName,
    request: Request,
    session: DbSession,
    _user: Board,
    now: Now,
    as_of: Day | None = None,
    since: Annotated[Day | None, Query(description="Start of the `change` report.")] = None,
    format: ReportFormat = ReportFormat.json,
) -> Response:
    """A report as of a date (today if not given) as JSON, CSV, XLSX, PDF or a PNG chart."""
    download = report_download(
        session=session,
        report=report,
        as_of=as_of or local_date(now),
        since=since,
        language=pick_language(request),
        format=format,
    )
    return download.response()


@public_router.get("/investment", response_model=PublicSummary)
def public_investment(session: DbSession, request: Request, now: Now) -> Any:
    """For investors, without login: what is in the zone, what is planned, whom to ask."""
    return public_summary(session, local_date(now), pick_language(request))
