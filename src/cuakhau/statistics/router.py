"""The board's statistics (docs/statistics.md): trade and vehicles, fee revenue."""

from typing import Annotated, Any

from fastapi import Query

from cuakhau.accounts.deps import StaffOrEnterprise
from cuakhau.core.clock import local_date
from cuakhau.core.deps import DbSession, Now, api_router
from cuakhau.statistics import service
from cuakhau.statistics.schemas import FeeQuery, Report, TradeQuery

router = api_router(prefix="/statistics", tags=["statistics"])


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
