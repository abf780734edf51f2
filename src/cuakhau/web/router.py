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
    statistics_pages,
    trailers,
    transload_pages,
    transload_setup,
    transshipment_pages,
    vendor,
    yard,
    zone,
)

# Each feature's pages; tests/web/test_every_page.py opens every page they declare.
PAGE_ROUTERS = (
    public.router,
    accounts.router,
    enterprise.router,
    fleet.router,
    fees_pages.router,
    gate.router,
    counterpart_pages.router,
    yard.router,
    trailers.router,
    transload_pages.router,
    transload_setup.router,
    customs.router,
    driver.router,
    vendor.router,
    investment_pages.router,
    admin.router,
    board.router,
    statistics_pages.router,
    transshipment_pages.router,
    planning.router,
    zone.router,
)
router = APIRouter(include_in_schema=False)
for pages in PAGE_ROUTERS:
    router.include_router(pages)
