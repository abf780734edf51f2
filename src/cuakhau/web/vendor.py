"""Third-party browser code served by the app itself: border posts lose their uplink,
so no page may load a script from a CDN.

plotly.js ships inside the ``plotly`` Python package. It is ~4.8 MB, so it is sent
gzipped when the browser accepts it and cached for a year; the ETag changes with the
installed plotly version, so an upgrade is fetched again after revalidation.
"""

import base64
import gzip
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from importlib.resources import files

from fastapi import APIRouter, Request, Response

router = APIRouter()

PLOTLY_URL = "/static/vendor/plotly.min.js"
CACHE_CONTROL = "public, max-age=31536000"


@dataclass(frozen=True)
class Asset:
    plain: bytes
    gzipped: bytes
    etag: str


@cache
def _plotly() -> Asset:
    plain = (files("plotly") / "package_data" / "plotly.min.js").read_bytes()
    digest = hashlib.sha256(plain).hexdigest()[:16]
    return Asset(plain, gzip.compress(plain, mtime=0), f'"plotly-{version("plotly")}-{digest}"')


# plotly.js writes two <style> elements into the page: an empty one it then
# fills rule by rule (CSSOM, which the policy allows), and the map library's
# stylesheet as one text. The Content-Security-Policy allows exactly these two
# texts by their digests, not inline styles at large.
_STYLE_TEXT = re.compile(r"""\.textContent='((?:[^'\\]|\\.)*)'""")


@cache
def plotly_style_hashes() -> tuple[str, ...]:
    """CSP sources for the <style> texts plotly.js writes (``'sha256-…'``)."""
    bundle = (files("plotly") / "package_data" / "plotly.min.js").read_text(encoding="utf-8")
    texts = ["", *_STYLE_TEXT.findall(bundle)]
    return tuple(
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"
        for text in texts
    )


@router.get(PLOTLY_URL)
def plotly_js(request: Request) -> Response:
    asset = _plotly()
    headers = {"Cache-Control": CACHE_CONTROL, "ETag": asset.etag, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == asset.etag:
        return Response(status_code=304, headers=headers)
    body = asset.plain
    if "gzip" in request.headers.get("accept-encoding", ""):
        body = asset.gzipped
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type="text/javascript", headers=headers)
