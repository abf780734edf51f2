"""Chart code comes from the app, never a CDN."""

import gzip
import urllib.request
from email.message import Message
from importlib.metadata import version

from tests.web.conftest import Site

PLOTLY = "/static/vendor/plotly.min.js"


def _get(site: Site, headers: dict[str, str]) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(site.url + PLOTLY, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_plotly_is_served_by_the_app_gzipped_and_cached(site: Site):
    status, headers, body = _get(site, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Type"].startswith("text/javascript")
    assert headers["Content-Encoding"] == "gzip"
    assert "max-age=31536000" in headers["Cache-Control"]
    script = gzip.decompress(body)
    assert script.startswith(b"/**\n* plotly.js v")
    assert b"newPlot" in script
    assert version("plotly") in headers["ETag"]

    status, headers, plain = _get(site, {})
    assert status == 200
    assert headers["Content-Encoding"] is None
    assert plain == script

    status, _, body = _get(site, {"If-None-Match": headers["ETag"]})
    assert status == 304
    assert body == b""
