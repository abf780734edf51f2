"""Tariffs (admin writes, everyone at the gate reads), receipts and fee totals.
An enterprise user sees only its own receipts and totals."""

from typing import Annotated, Any

from fastapi import Query, status
from sqlalchemy import select

from cuakhau.accounts.deps import Admin, StaffOrEnterprise, enterprise_scope
from cuakhau.core.deps import DbSession, Now, api_router
from cuakhau.core.errors import NotFound
from cuakhau.core.rows import page_of, paginate
from cuakhau.core.schemas import Id, Page
from cuakhau.fees import service
from cuakhau.fees.schemas import (
    FeeTotals,
    PeriodQuery,
    ReceiptFilters,
    ReceiptRead,
    ReceiptVoid,
    TariffCreate,
    TariffFilters,
    TariffRead,
    TariffUpdate,
)
from cuakhau.fees.service import period_filter, receipt_views, totals
from cuakhau.fees.tariffs import create_tariff, filter_tariffs, update_tariff
from cuakhau.models import Receipt, Tariff

router = api_router(tags=["fees"])


def _tariff(session: DbSession, tariff_id: int) -> Tariff:
    tariff = session.get(Tariff, tariff_id)
    if tariff is None:
        raise NotFound("tariff", tariff_id)
    return tariff


@router.get("/tariffs", response_model=Page[TariffRead])
def list_tariffs(
    session: DbSession, _user: StaffOrEnterprise, filters: Annotated[TariffFilters, Query()]
) -> Any:
    stmt = filter_tariffs(select(Tariff), filters).order_by(Tariff.code, Tariff.effective_from)
    items, total = paginate(session, stmt, filters)
    return page_of(TariffRead, items, total, filters)


@router.get("/tariffs/{tariff_id}", response_model=TariffRead)
def get_tariff(tariff_id: Id, session: DbSession, _user: StaffOrEnterprise) -> Any:
    return TariffRead.model_validate(_tariff(session, tariff_id))


@router.post("/tariffs", response_model=TariffRead, status_code=status.HTTP_201_CREATED)
def post_tariff(data: TariffCreate, session: DbSession, _user: Admin) -> Any:
    return TariffRead.model_validate(create_tariff(session, data))


@router.patch("/tariffs/{tariff_id}", response_model=TariffRead)
def patch_tariff(tariff_id: Id, data: TariffUpdate, session: DbSession, _user: Admin) -> Any:
    """Close a line (``effective_to``) or correct one that has not priced anything yet;
    a new price is a new line with a later ``effective_from``."""
    return TariffRead.model_validate(update_tariff(session, _tariff(session, tariff_id), data))


@router.get("/receipts", response_model=Page[ReceiptRead])
def list_receipts(
    session: DbSession, user: StaffOrEnterprise, filters: Annotated[ReceiptFilters, Query()]
) -> Any:
    stmt = select(Receipt).where(*period_filter(filters, enterprise_scope(user)))
    if filters.crossing_id is not None:
        stmt = stmt.where(Receipt.crossing_id == filters.crossing_id)
    if filters.transload_id is not None:
        stmt = stmt.where(Receipt.transload_id == filters.transload_id)
    items, total = paginate(session, stmt.order_by(Receipt.id), filters)
    return Page[ReceiptRead](
        items=receipt_views(session, items),
        total=total,
        limit=filters.limit,
        offset=filters.offset,
    )


@router.get("/receipts/{receipt_id}", response_model=ReceiptRead)
def get_receipt(receipt_id: Id, session: DbSession, user: StaffOrEnterprise) -> Any:
    scope = enterprise_scope(user)
    return service.get_receipt(session=session, receipt_id=receipt_id, scope=scope)


@router.post("/receipts/{receipt_id}/void", response_model=ReceiptRead)
def void_receipt(
    receipt_id: Id, data: ReceiptVoid, session: DbSession, _user: Admin, now: Now
) -> Any:
    """Void a receipt issued in error; it keeps its number, and leaves the fee
    revenue of its day."""
    return service.void_receipt(session, receipt_id, at=now, reason=data.reason)


@router.get("/fees/totals", response_model=FeeTotals)
def fee_totals(
    session: DbSession, user: StaffOrEnterprise, period: Annotated[PeriodQuery, Query()]
) -> Any:
    """Fees per enterprise over local days ``from``–``to`` (inclusive), by kind."""
    return totals(session, period, enterprise_scope(user))
