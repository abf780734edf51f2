"""Server-rendered pages; they call the same services as the API."""

from fastapi import APIRouter

from cuakhau.web import accounts, enterprise, gate, public, vendor

router = APIRouter(include_in_schema=False)
for pages in (public.router, accounts.router, enterprise.router, gate.router, vendor.router):
    router.include_router(pages)
