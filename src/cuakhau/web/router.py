"""Server-rendered pages; they call the same services as the API."""

from fastapi import APIRouter

from cuakhau.web import (
    accounts,
    admin,
    board,
    customs,
    enterprise,
    gate,
    investment_pages,
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
    gate.router,
    yard.router,
    customs.router,
    vendor.router,
    investment_pages.router,
    admin.router,
    board.router,
    zone.router,
):
    router.include_router(pages)
