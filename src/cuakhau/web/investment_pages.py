"""The board's investment portfolio as pages: the registry, each project's file,
registering and amending projects, imports, the reports as of a date with charts,
and the public summary for investors. They call the services behind
``/api/v1/investment`` and read typed values with the importer's own rules, so a
form, an import row and an API body pass the same checks."""

from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from cuakhau.core.cells import CellError, parse_date
from cuakhau.core.clock import local_date
from cuakhau.core.deps import DbSession, Now
from cuakhau.core.errors import DomainError
from cuakhau.core.schemas import Id
from cuakhau.core.sheet_import import ImportRejected, Problem
from cuakhau.investment import downloads
from cuakhau.investment.downloads import ReportFormat, Sheet, TableFormat
from cuakhau.investment.importer import columns_of, import_file, parse_row
from cuakhau.investment.public import public_summary
from cuakhau.investment.reports import Report, ReportName, build_report
from cuakhau.investment.repository import get_project
from cuakhau.investment.schemas import AmendmentCreate, ProjectFilters
from cuakhau.investment.service import amend, register_project
from cuakhau.investment.views import list_projects, project_history
from cuakhau.models import User
from cuakhau.models.enums import STAFF_ROLES, Role
from cuakhau.models.investment import (
    AmendmentKind,
    Area,
    Investor,
    Milestone,
    ProjectStatus,
    Sector,
)
from cuakhau.web import i18n
from cuakhau.web.pages import (
    CsrfChecked,
    FormState,
    MaybeUser,
    PageRoute,
    SubmittedForm,
    page_roles,
    redirect,
    render,
)

router = APIRouter(route_class=PageRoute)

# The API's roles: staff read, the board and admins edit and report.
Reader = Annotated[User, page_roles(*STAFF_ROLES)]
Board = Annotated[User, page_roles(Role.admin, Role.board)]

LIST_LIMIT = 50
FILTER_FIELDS = ("q", "ownership", "sector", "area", "status", "key", "as_of")
PROJECT_FIELDS = tuple(name for name in columns_of("projects") if name != "is_illustrative")
AMENDMENT_FIELDS = tuple(
    name for name in columns_of("amendments") if name not in ("project_code", "kind")
)
AMENDABLE = [kind for kind in AmendmentKind if kind is not AmendmentKind.registered]
CHART_ROWS = 25
BILLION = 10**9


def _choices(language: str) -> dict[str, list[tuple[str, str]]]:
    """Every enumerated field's options, labelled in the reader's language."""

    def labelled(kind: str, values: Any) -> list[tuple[str, str]]:
        return [(v.value, i18n.translate(f"inv_{kind}_{v.value}", language)) for v in values]

    return {
        "sector": labelled("sector", Sector),
        "area": labelled("area", Area),
        "status": labelled("projectstatus", ProjectStatus),
        "milestone": labelled("milestone", Milestone),
        "kind": labelled("amendmentkind", AMENDABLE),
        "ownership": [
            ("domestic", i18n.translate("inv_group_domestic", language)),
            ("fdi", i18n.translate("inv_group_fdi", language)),
        ],
        "yes_no": [
            ("yes", i18n.translate("inv_page_yes", language)),
            ("no", i18n.translate("inv_page_no", language)),
        ],
    }


def _day(form: FormState, name: str, language: str) -> date | None:
    """A day typed dd/mm/yyyy (or yyyy-mm-dd); blank is None, a bad one is an error."""
    typed = form.values.get(name, "")
    if not typed:
        return None
    try:
        return parse_date(typed)
    except CellError as error:
        form.errors[name] = i18n.translate(error.code, language)
        return None


def _refuse_rows(form: FormState, problems: list[Problem], language: str) -> None:
    for problem in problems:
        shown = problem.render(language)
        form.errors.setdefault(shown["column"] or "form", shown["message"])
    form.message = i18n.translate("validation_failed", language, count=len(form.errors))


# -- the public summary --------------------------------------------------------------


@router.get("/invest", response_class=HTMLResponse)
def invest(request: Request, session: DbSession, _user: MaybeUser, now: Now) -> HTMLResponse:
    """For would-be investors, without login: what is in the zone, what is planned."""
    language = i18n.page_language(request)
    summary = public_summary(session, local_date(now), language)
    return render(request, "investment_public.html", summary=summary)


# -- the registry --------------------------------------------------------------------


def _filters(form: FormState, offset: int, language: str) -> ProjectFilters | None:
    values = form.values
    data: dict[str, Any] = {
        "q": values["q"] or None,
        "sector": values["sector"] or None,
        "area": values["area"] or None,
        "status": values["status"] or None,
        "foreign_invested": {"fdi": True, "domestic": False}.get(values["ownership"]),
        "is_key": {"yes": True, "no": False}.get(values["key"]),
        "as_of": _day(form, "as_of", language),
        "limit": LIST_LIMIT,
        "offset": max(offset, 0),
    }
    return form.checked(ProjectFilters, data, language)


@router.get("/investment", response_class=HTMLResponse)
def registry(
    request: Request, session: DbSession, user: Reader, now: Now, offset: int = 0
) -> HTMLResponse:
    language = i18n.page_language(request)
    today = local_date(now)
    form = FormState.read(request.query_params, FILTER_FIELDS)
    filters = _filters(form, offset, language)
    page = list_projects(session=session, filters=filters, today=today) if filters else None
    query = {name: value for name, value in form.values.items() if value}
    return render(
        request,
        "investment_list.html",
        status_code=200 if page else 422,
        form=form,
        page=page,
        choices=_choices(language),
        query=urlencode(query),
        can_edit=user.role in (Role.admin, Role.board),
        today=today,
    )


@router.get("/investment/export")
def registry_export(
    session: DbSession,
    _user: Reader,
    format: TableFormat = TableFormat.xlsx,
    sheet: Sheet = Sheet.projects,
) -> Response:
    """The API's export, for a browser session."""
    download = downloads.registry_download(session=session, format=format, sheet=sheet)
    return download.response()


# -- one project's file --------------------------------------------------------------


def _project_page(
    request: Request,
    session: Session,
    user: User,
    now: datetime,
    project_id: Id,
    form: FormState | None = None,
    status_code: int = 200,
    notice: str | None = None,
) -> HTMLResponse:
    history = project_history(session=session, project_id=project_id, today=local_date(now))
    language = i18n.page_language(request)
    return render(
        request,
        "investment_project.html",
        status_code=status_code,
        history=history,
        project=history.project,
        form=form or FormState({"kind": AmendmentKind.capital_adjusted.value}),
        choices=_choices(language),
        can_edit=user.role in (Role.admin, Role.board),
        notice=notice,
    )


@router.get("/investment/projects/new", response_class=HTMLResponse)
def new_project(request: Request, session: DbSession, _user: Board) -> HTMLResponse:
    return _register_page(request, session, FormState({"foreign_invested": "no"}))


def _register_page(
    request: Request, session: Session, form: FormState, status_code: int = 200
) -> HTMLResponse:
    language = i18n.page_language(request)
    investors = list(session.scalars(select(Investor).order_by(Investor.code)))
    return render(
        request,
        "investment_register.html",
        status_code=status_code,
        form=form,
        choices=_choices(language),
        investors=investors,
    )


@router.post("/investment/projects", response_class=HTMLResponse, dependencies=[CsrfChecked])
def register(
    request: Request, session: DbSession, _user: Board, submitted: SubmittedForm
) -> Response:
    form = FormState.read(submitted, PROJECT_FIELDS)
    language = i18n.page_language(request)
    entry, problems = parse_row("projects", 0, dict(form.values))
    if problems or entry is None:
        _refuse_rows(form, problems, language)
        return _register_page(request, session, form, 422)
    try:
        project = register_project(session, entry)
    except DomainError as error:
        session.rollback()
        form.refuse(error, language)
        return _register_page(request, session, form, error.status_code)
    return redirect(request, f"/investment/projects/{project.id}?registered=1")


@router.get("/investment/projects/{project_id}", response_class=HTMLResponse)
def project_file(
    request: Request, project_id: Id, session: DbSession, user: Reader, now: Now
) -> HTMLResponse:
    language = i18n.page_language(request)
    params = request.query_params
    notice = None
    if "registered" in params:
        notice = i18n.translate("inv_page_registered", language)
    elif "amended" in params:
        notice = i18n.translate("inv_page_amended", language)
    return _project_page(request, session, user, now, project_id, notice=notice)


@router.post(
    "/investment/projects/{project_id}/amendments",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def record_amendment(
    request: Request,
    project_id: Id,
    session: DbSession,
    user: Board,
    now: Now,
    submitted: SubmittedForm,
) -> Response:
    form = FormState.read(submitted, ("kind", *AMENDMENT_FIELDS))
    language = i18n.page_language(request)
    project = get_project(session, project_id)
    cells = {"project_code": project.code, **form.values}
    entry, problems = parse_row("amendments", 0, cells)
    if problems or entry is None:
        _refuse_rows(form, problems, language)
        return _project_page(request, session, user, now, project_id, form, 422)
    try:
        amend(session, project, AmendmentCreate(**entry.model_dump(exclude={"project_code"})))
        session.flush()
    except DomainError as error:
        session.rollback()
        form.refuse(error, language)
        return _project_page(request, session, user, now, project_id, form, error.status_code)
    return redirect(request, f"/investment/projects/{project_id}?amended=1")


# -- imports ----------------------------------------------------------------------


@router.get("/investment/import", response_class=HTMLResponse)
def import_form(request: Request, _user: Board) -> HTMLResponse:
    return render(request, "investment_import.html")


@router.post("/investment/import", response_class=HTMLResponse, dependencies=[CsrfChecked])
def import_upload(
    request: Request, session: DbSession, _user: Board, submitted: SubmittedForm
) -> HTMLResponse:
    """The importer checks the whole file; one with any problem imports nothing and
    its problems are listed, row by row."""
    upload = submitted.get("file")
    language = i18n.page_language(request)
    if not isinstance(upload, UploadFile) or not upload.filename:
        message = i18n.translate("inv_page_import_no_file", language)
        return render(request, "investment_import.html", status_code=422, message=message)
    content = upload.file.read()
    try:
        report = import_file(session, upload.filename, content)
    except ImportRejected as rejected:
        return render(
            request,
            "investment_import.html",
            status_code=422,
            filename=upload.filename,
            message=rejected.detail(language),
            problems=[p.render(language) for p in rejected.problems],
        )
    return render(request, "investment_import.html", filename=upload.filename, report=report)


# -- reports -----------------------------------------------------------------------


def _charts(report: Report) -> list[dict[str, Any]]:
    """What each chart plots: the table's chart column against its first column,
    without the total row; VND in billions, as the board reads it."""
    charts = []
    for table in report.tables:
        if not table.chart or not table.rows:
            continue
        kind = next(c.kind for c in table.columns if c.key == table.chart)
        scale = BILLION if kind == "vnd" else 1
        rows = [row for row in table.rows if row.get("group") != "total"][:CHART_ROWS]
        first = table.columns[0].key
        charts.append(
            {
                "key": table.key,
                "title": table.title,
                "axis": table.labels[table.chart],
                "billions": scale == BILLION,
                "labels": [str(row.get(first) or "") for row in rows],
                "values": [float(row.get(table.chart) or 0) / scale for row in rows],
            }
        )
    return charts


@router.get("/investment/reports", response_class=HTMLResponse)
def reports(request: Request, session: DbSession, _user: Board, now: Now) -> HTMLResponse:
    language = i18n.page_language(request)
    form = FormState.read(request.query_params, ("report", "as_of", "since"))
    form.values["report"] = form.values["report"] or ReportName.summary.value
    form.values["as_of"] = form.values["as_of"] or i18n.format_date(local_date(now))
    as_of = _day(form, "as_of", language)
    since = _day(form, "since", language)
    built = None
    if form.values["report"] not in {name.value for name in ReportName}:
        form.errors["report"] = i18n.translate("inv_page_report_unknown", language)
    if form.errors:
        form.message = i18n.translate("validation_failed", language, count=len(form.errors))
    else:
        assert as_of is not None
        try:
            built = build_report(session, ReportName(form.values["report"]), as_of, since, language)
        except DomainError as error:
            form.refuse(error, language)
    downloads = None
    if built is not None:
        query = {"as_of": built.as_of.isoformat()}
        if built.since:
            query["since"] = built.since.isoformat()
        downloads = f"/investment/reports/{built.name}/download?{urlencode(query)}"
    return render(
        request,
        "investment_reports.html",
        status_code=200 if built else 422,
        form=form,
        names=[(n.value, i18n.translate(f"inv_report_{n.value}", language)) for n in ReportName],
        report=built,
        charts=_charts(built) if built else [],
        downloads=downloads,
        billion=BILLION,
    )


@router.get("/investment/reports/{name}/download")
def report_download(
    name: ReportName,
    request: Request,
    session: DbSession,
    _user: Board,
    now: Now,
    format: ReportFormat,
    as_of: date | None = None,
    since: date | None = None,
) -> Response:
    """The API's report exports (CSV, XLSX, PDF), for a browser session."""
    download = downloads.report_download(
        session=session,
        report=name,
        as_of=as_of or local_date(now),
        since=since,
        language=i18n.page_language(request),
        format=format,
    )
    return download.response()
