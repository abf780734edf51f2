"""What every HTTP response goes through: a request id (kept in the logs and
echoed back), the request counted by its route template, the security headers,
and the pages compressed. Plain ASGI: no body is buffered except the API
explorer's pages."""

import base64
import hashlib
import re
import time
from collections.abc import Callable, Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cuakhau.core.logs import request_id, request_id_from
from cuakhau.ops.metrics import LATENCY, REQUESTS, UNMATCHED

REQUEST_ID_HEADER = "X-Request-ID"


class RequestContext:
    """Gives the request its id (``X-Request-ID`` when sane, else a new one) for
    every log line written while it is served, echoes it in the response, and
    counts the request and its time by route template (``/gates/{gate_id}``)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id_from(Headers(scope=scope).get(REQUEST_ID_HEADER))
        # Not reset afterwards: the server's own lines about this request (an
        # error escaping the app, the access line) come after, in this context.
        request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append(REQUEST_ID_HEADER, rid)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = route_template(scope)
            method = scope["method"]
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(time.perf_counter() - started)


def route_template(scope: Scope) -> str:
    """The template of the route the request matched, with its routers' prefixes.

    FastAPI includes a router lazily: the route in the scope is the router's own
    (``/gates/{row_id}``), and the path as included (``/api/v1/gates/{row_id}``)
    is its effective context's (tests/ops/test_metrics.py notices a change)."""
    effective = scope.get("fastapi", {}).get("effective_route_context")
    path = getattr(effective, "path", None) or getattr(scope.get("route"), "path", None)
    return path or UNMATCHED


# Only the app's own files: no inline script, no inline style (but what the
# app's charting library writes, allowed by digest: ``style_hashes``), nothing
# from elsewhere (border posts lose their uplink, so pages load nothing from
# outside anyway), no framing (clickjacking), forms posted only to the app.
_PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'{hashes}; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# The API explorer's pages (FastAPI's Swagger UI and ReDoc) start from an
# inline script, allowed by its digest alone; their widgets style themselves
# with <style> elements (ReDoc) and ReDoc works in a blob: worker. They show
# the API's description, never the zone's data.
EXPLORER_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
_EXPLORER_POLICY = (
    "default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)
FIXED_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    # Older browsers read this instead of frame-ancestors.
    ("X-Frame-Options", "DENY"),
)
# Two years, the preload lists' figure; only ever sent over HTTPS.
HSTS = "max-age=63072000; includeSubDomains"


def explorer_policy(body: bytes) -> str:
    """The explorer's policy, allowing exactly the inline scripts in ``body``."""
    digests = (
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(body)
    )
    return _EXPLORER_POLICY.format(hashes=" ".join(digests))


class SecurityHeaders:
    """Content-Security-Policy, no framing, no sniffing, a same-origin referrer
    on every response, and HSTS when the request came over HTTPS (the scheme as
    uvicorn sets it, from the proxy headers it trusts: FORWARDED_ALLOW_IPS)."""

    def __init__(self, app: ASGIApp, style_hashes: Callable[[], Iterable[str]] = tuple):
        self.app = app
        self.style_hashes = style_hashes
        self.page_policy = ""

    def _page_policy(self) -> str:
        # Worked out at the first response, not at start-up: the hashes may
        # take reading a large file.
        if not self.page_policy:
            hashes = "".join(f" {source}" for source in self.style_hashes())
            self.page_policy = _PAGE_POLICY.format(hashes=hashes)
        return self.page_policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        fixed = [*FIXED_HEADERS]
        if scope["scheme"] == "https":
            fixed.append(("Strict-Transport-Security", HSTS))
        if scope["path"] in EXPLORER_PATHS:
            await self._explorer(scope, receive, send, fixed)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                _add(message, [*fixed, ("Content-Security-Policy", self._page_policy())])
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _explorer(
        self, scope: Scope, receive: Receive, send: Send, fixed: list[tuple[str, str]]
    ) -> None:
        """The page is held until its end, to take its inline scripts' digests."""
        start: Message = {}
        body = bytearray()

        async def held(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body", False):
                return
            _add(start, [*fixed, ("Content-Security-Policy", explorer_policy(bytes(body)))])
            await send(start)
            await send({"type": "http.response.body", "body": bytes(body)})

        await self.app(scope, receive, held)


def _add(start: Message, headers: Iterable[tuple[str, str]]) -> None:
    mutable = MutableHeaders(scope=start)
    for name, value in headers:
        if name not in mutable:
            mutable[name] = value


class PageCompression:
    """Pages, their files and the API explorer go gzipped to a browser that takes
    it (a border post's uplink is thin: a page and its stylesheet weigh a third).
    Not the API under ``api_prefix``: its answers are small and its rush is
    CPU-bound; nor the event streams (the middleware leaves those alone)."""

    def __init__(self, app: ASGIApp, api_prefix: str):
        self.app = app
        # zlib's default level: 9 saved 7 of the stylesheet's 2,948 bytes.
        self.compressed = GZipMiddleware(app, compresslevel=6)
        self.api_prefix = api_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(self.api_prefix):
            await self.compressed(scope, receive, send)
            return
        await self.app(scope, receive, send)
