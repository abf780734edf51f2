"""The board's statistics (docs/statistics.md): trade and vehicles, fee revenue,
and the figures imported from before cuakhau."""

from typing import Annotated, Any

from fastapi import Query, Request, UploadFile, status

from cuakhau.accounts.deps import StaffOrEnterprise, require_roles
from cuakhau.core.clock import local_date
from cuakhau.core.deps import DbSession, Now, api_router
from cuakhau.core.schemas import Id
from cuakhau.core.sheet_import import ImportRejected, refused
from cuakhau.models import User
from cuakhau.models.enums import Role
from cuakhau.statistics import history, service
from cuakhau.statistics.public import public_statistics
from cuakhau.statistics.schemas import (
    FeeQuery,
    HistoryImportRead,
    PublicStatistics,
    PublicStatisticsQuery,
    Report,
    TradeQuery,
)

router = api_router(prefix="/statistics", tags=["statistics"])
public_router = api_router(prefix="/public", tags=["public"])
Board = Annotated[User, require_roles(Role.admin, Role.board)]


@router.get("/trade", response_model=Report)
def trade(
    session: DbSession, user: StaffOrEnterprise, now: Now, query: Annotated[TradeQuery, Query()]
) -> Any:
    """Value (USD), weight, packages, cargo lines, vehicles and shipments that
    crossed in the period, grouped as asked, with the comparisons asked for."""
    return service.trade_report(session=session, user=user, query=query, today=local_date(now))


@router.get("/fees", response_model=Report)
def fees(
    session: DbSession, user: StaffOrEnterprise, now: Now, query: Annotated[FeeQuery, Query()]
) -> Any:
    """Fee revenue (receipts issued, not voided) in the period, in đồng."""
    return service.fee_report(session=session, user=user, query=query, today=local_date(now))


@router.post("/history", response_model=HistoryImportRead, status_code=status.HTTP_201_CREATED)
def import_history(
    file: UploadFile, request: Request, session: DbSession, user: Board, now: Now
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
def history_imports(session: DbSession, _user: Board) -> Any:
    return history.list_imports(session)


@router.delete("/history/{import_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_history(import_id: Id, session: DbSession, _user: Board) -> None:
    """Remove an import and all its figures."""
    history.remove_import(session, import_id)


@public_router.get("/statistics", response_model=PublicStatistics)
def public(session: DbSession, now: Now, query: Annotated[PublicStatisticsQuery, Query()]) -> Any:
    """Without login: a month's figures (that is over) by gate and direction
    with the zone's totals, against the month before and a year before, under
    disclosure control (a suppressed cell has no figures)."""
    return public_statistics(session, at=query.at, today=local_date(now))
