"""Server-rendered pages; they call the same services as the API."""

from fastapi import APIRouter

from cuakhau.web import (
    accounts,
    admin,
    board,
    counterpart_pages,
    customs,
    driver,
    enterprise,
    fees_pages,
    fleet,
    gate,
    investment_pages,
    planning,
    public,
    vendor,
    yard,
    zone,
)

router = APIRouter(include_in_schema=False)
for pages in (
    public.router,
    accounts.router,
    enterprise.router,
    fleet.router,
    fees_pages.router,
    gate.router,
    counterpart_pages.router,
    yard.router,
    customs.router,
    driver.router,
    vendor.router,
    investment_pages.router,
    admin.router,
    board.router,
    planning.router,
    zone.router,
):
    router.include_router(pages)
