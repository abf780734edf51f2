"""The board's statistics (docs/statistics.md): trade and vehicles, fee revenue,
revenue beside reinvestment, each also as a file; the weekly report; the
figures imported from before cuakhau; the public's figures."""

from typing import Annotated, Any, Literal

from fastapi import Query, Request, Response, UploadFile, status

from cuakhau.accounts.deps import BoardOrAdmin, Staff, StaffOrEnterprise
from cuakhau.core.clock import local_date
from cuakhau.core.deps import AppSettings, DbSession, Now, api_router
from cuakhau.core.messages import pick_language
from cuakhau.core.schemas import Day, Id, InputSchema
from cuakhau.core.sheet_import import ImportRejected, refused
from cuakhau.models import User
from cuakhau.statistics import exports, history, service
from cuakhau.statistics.exports import ExportFormat
from cuakhau.statistics.public import public_statistics
from cuakhau.statistics.reinvestment import reinvestment as reinvestment_answer
from cuakhau.statistics.schemas import (
    FeeQuery,
    HistoryImportRead,
    PublicStatistics,
    PublicStatisticsQuery,
    Reinvestment,
    ReinvestmentQuery,
    Report,
    TradeQuery,
    Transshipment,
    TransshipmentQuery,
)
from cuakhau.statistics.transshipment import transshipment as transshipment_answer

router = api_router(prefix="/statistics", tags=["statistics"])
public_router = api_router(prefix="/public", tags=["public"])


class Downloadable(InputSchema):
    format: ExportFormat = ExportFormat.csv


class TradeDownload(TradeQuery, Downloadable):
    pass


class FeeDownload(FeeQuery, Downloadable):
    pass


class ReinvestmentDownload(ReinvestmentQuery, Downloadable):
    pass


class WeeklyQuery(InputSchema):
    # A day of the week reported; else the last full week.
    at: Day | None = None
    lang: Literal["vi", "en"] | None = None
    format: ExportFormat = ExportFormat.pdf


@router.get("/trade", response_model=Report)
def trade(
    request: Request,
    session: DbSession,
    user: StaffOrEnterprise,
    now: Now,
    query: Annotated[TradeQuery, Query()],
) -> Any:
    """Value (USD), weight, packages, cargo lines, vehicles and shipments that
    crossed in the period, grouped as asked, with the comparisons asked for."""
    return service.trade_report(
        session=session,
        user=user,
        query=query,
        today=local_date(now),
        language=pick_language(request),
    )


@router.get("/fees", response_model=Report)
def fees(
    request: Request,
    session: DbSession,
    user: StaffOrEnterprise,
    now: Now,
    query: Annotated[FeeQuery, Query()],
) -> Any:
    """Fee revenue (receipts issued, not voided) in the period, in đồng."""
    return service.fee_report(
        session=session,
        user=user,
        query=query,
        today=local_date(now),
        language=pick_language(request),
    )


@router.get("/transshipment", response_model=Transshipment)
def transshipment(
    request: Request,
    session: DbSession,
    user: Staff,
    now: Now,
    settings: AppSettings,
    query: Annotated[TransshipmentQuery, Query()],
) -> Any:
    """How the cargo changed hands at the line in the period: trucks, weight
    and value by handover mode (and gate) with the comparisons asked for, the
    trailer swaps' trailers (handed back, overdue, hours in a yard), and the
    transloads through the yards' bays (weight, cold bays' share, holds)."""
    return transshipment_answer(
        session=session,
        user=user,
        query=query,
        now=now,
        overdue_hours=settings.hand_back_overdue_hours,
        language=pick_language(request),
    )


@router.get("/reinvestment", response_model=Reinvestment)
def reinvestment(
    session: DbSession, user: BoardOrAdmin, now: Now, query: Annotated[ReinvestmentQuery, Query()]
) -> Any:
    """Fee revenue per month (quarter, year) beside what the zone-infrastructure
    projects of the investment registry reported disbursing over the same days."""
    return reinvestment_answer(session=session, user=user, query=query, today=local_date(now))


def _report_file(
    request: Request, session: DbSession, user: User, now: Now, query: TradeDownload | FeeDownload
) -> Response:
    return exports.report_download(
        session=session,
        user=user,
        query=query,
        today=local_date(now),
        language=pick_language(request),
        format=query.format,
    ).response()


@router.get("/trade/download")
def trade_download(
    request: Request,
    session: DbSession,
    user: StaffOrEnterprise,
    now: Now,
    query: Annotated[TradeDownload, Query()],
) -> Response:
    """The trade report as CSV, XLSX or PDF, the period and filters in its header."""
    return _report_file(request, session, user, now, query)


@router.get("/fees/download")
def fee_download(
    request: Request,
    session: DbSession,
    user: StaffOrEnterprise,
    now: Now,
    query: Annotated[FeeDownload, Query()],
) -> Response:
    """The fee report as CSV, XLSX or PDF."""
    return _report_file(request, session, user, now, query)


@router.get("/reinvestment/download")
def reinvestment_download(
    request: Request,
    session: DbSession,
    user: BoardOrAdmin,
    now: Now,
    query: Annotated[ReinvestmentDownload, Query()],
) -> Response:
    """Fee revenue beside reinvestment as CSV, XLSX or PDF."""
    return exports.reinvestment_download(
        session=session,
        user=user,
        query=query,
        today=local_date(now),
        language=pick_language(request),
        format=query.format,
    ).response()


@router.get("/weekly")
def weekly(
    request: Request,
    session: DbSession,
    user: BoardOrAdmin,
    now: Now,
    query: Annotated[WeeklyQuery, Query()],
) -> Response:
    """The week's report to send as it is (PDF by default): the week of ``at``,
    else last week, against the week before and a year before."""
    return exports.weekly_report(
        session=session,
        user=user,
        at=query.at,
        today=local_date(now),
        language=pick_language(request),
        format=query.format,
    ).response()


@router.post("/history", response_model=HistoryImportRead, status_code=status.HTTP_201_CREATED)
def import_history(
    file: UploadFile, request: Request, session: DbSession, user: BoardOrAdmin, now: Now
) -> Any:
    """A customs office's spreadsheet of figures from before cuakhau (XLSX or
    CSV). A file with any problem imports nothing and gets every problem back
    (422), each with its row and column."""
    try:
        return history.import_file(
            session,
            file_name=file.filename or "upload",
            content=file.file.read(),
            imported_at=now,
            today=local_date(now),
            user=user,
        )
    except ImportRejected as rejected:
        return refused(request, rejected)


@router.get("/history", response_model=list[HistoryImportRead])
def history_imports(session: DbSession, _user: BoardOrAdmin) -> Any:
    return history.list_imports(session)


@router.delete("/history/{import_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_history(import_id: Id, session: DbSession, _user: BoardOrAdmin) -> None:
    """Remove an import and all its figures."""
    history.remove_import(session, import_id)


@public_router.get("/statistics", response_model=PublicStatistics)
def public(session: DbSession, now: Now, query: Annotated[PublicStatisticsQuery, Query()]) -> Any:
    """Without login: a month's figures (that is over) by gate and direction
    with the zone's totals, against the month before and a year before, under
    disclosure control (a suppressed cell has no figures)."""
    return public_statistics(session, at=query.at, today=local_date(now))
