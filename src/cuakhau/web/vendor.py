"""Third-party browser code served by the app itself: border posts lose their uplink,
so no page may load a script from a CDN.

The pages draw only bar and scatter charts, so they get plotly.js's *basic* bundle
(bar, pie, scatter: npm ``plotly.js-basic-dist-min``, the plotly.js release the
``plotly`` Python package ships, vendored in ``vendored/`` with its licence) rather
than the full one the Python package carries: 395 KB gzipped instead of 1.47 MB.
It is sent gzipped when the browser accepts it, under a name that carries its
digest, so it is cached for a year and a new bundle is a new address.
"""

import base64
import gzip
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from fastapi import APIRouter, Request, Response

router = APIRouter()

IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Asset:
    plain: bytes
    gzipped: bytes
    etag: str


def _bundle() -> bytes:
    return (files("cuakhau") / "web" / "vendored" / "plotly-basic.min.js").read_bytes()


DIGEST = hashlib.sha256(_bundle()).hexdigest()[:16]
PLOTLY_URL = f"/static/vendor/plotly-basic-{DIGEST}.min.js"


@cache
def _plotly() -> Asset:
    plain = _bundle()
    return Asset(plain, gzip.compress(plain, compresslevel=9, mtime=0), f'"{DIGEST}"')


# plotly.js writes two <style> elements into the page: an empty one it then
# fills rule by rule (CSSOM, which the policy allows), and the map library's
# stylesheet as one text. The Content-Security-Policy allows exactly these two
# texts by their digests, not inline styles at large.
_STYLE_TEXT = re.compile(r"""\.textContent='((?:[^'\\]|\\.)*)'""")


@cache
def plotly_style_hashes() -> tuple[str, ...]:
    """CSP sources for the <style> texts plotly.js writes (``'sha256-…'``)."""
    texts = ["", *_STYLE_TEXT.findall(_bundle().decode())]
    return tuple(
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"
        for text in texts
    )


@router.get(PLOTLY_URL)
def plotly_js(request: Request) -> Response:
    asset = _plotly()
    headers = {"Cache-Control": IMMUTABLE, "ETag": asset.etag, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == asset.etag:
        return Response(status_code=304, headers=headers)
    body = asset.plain
    if "gzip" in request.headers.get("accept-encoding", ""):
        body = asset.gzipped
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type="text/javascript", headers=headers)
