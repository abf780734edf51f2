"""Chart code comes from the app, never a CDN, and weighs what a border post's uplink allows."""

import gzip
import urllib.request
from email.message import Message

from cuakhau.web.vendor import DIGEST, PLOTLY_URL
from tests.web.conftest import Site


def _get(site: Site, path: str, headers: dict[str, str]) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(site.url + path, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_plotly_is_served_by_the_app_gzipped_and_cached_under_its_digest(site: Site):
    assert DIGEST in PLOTLY_URL
    status, headers, body = _get(site, PLOTLY_URL, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Type"].startswith("text/javascript")
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # The basic bundle (bar, pie, scatter: every chart the pages draw), not the full one.
    assert len(body) < 420_000
    script = gzip.decompress(body)
    assert script.startswith(b"/**\n* plotly.js (basic - minified) v")
    assert b"newPlot" in script

    status, headers, plain = _get(site, PLOTLY_URL, {})
    assert status == 200
    assert headers["Content-Encoding"] is None
    assert plain == script

    status, _, body = _get(site, PLOTLY_URL, {"If-None-Match": headers["ETag"]})
    assert status == 304
    assert body == b""


def test_pages_and_their_files_are_gzipped_but_not_the_api(site: Site):
    for path in ("/", "/static/cuakhau.css", "/static/cuakhau.js"):
        status, headers, body = _get(site, path, {"Accept-Encoding": "gzip"})
        assert status == 200, path
        assert headers["Content-Encoding"] == "gzip", path
        assert "Accept-Encoding" in headers["Vary"], path
        plain = gzip.decompress(body)
        assert len(body) < len(plain) / 2, path
        # Still the page, with the policy the security headers give it.
        assert headers["Content-Security-Policy"], path
    status, headers, body = _get(site, "/api/v1/public/wait-times", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] is None
    assert body.startswith(b"[") or body.startswith(b"{")
