"""Security headers on every response (pages, the API, static files, errors),
HSTS only over HTTPS, and the request id echoed back."""

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from tests.conftest import BASE_URL

PATHS = ["/", "/login", "/wait-times", "/api/v1/public/wait-times", "/static/cuakhau.css", "/nope"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client: TestClient, path: str):
    headers = client.get(path).headers
    policy = headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["strict-transport-security"].startswith("max-age=")


def test_no_hsts_over_plain_http(client: TestClient):
    plain = TestClient(client.app, base_url="http://testserver")
    headers = plain.get("/").headers
    assert "strict-transport-security" not in headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert client.get("/").headers["strict-transport-security"]
    assert BASE_URL.startswith("https")


def test_the_explorer_runs_only_its_own_inline_script(client: TestClient):
    answer = client.get("/docs")
    scripts = re.findall(r"<script>(.*?)</script>", answer.text, re.DOTALL)
    assert scripts
    policy = answer.headers["content-security-policy"]
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]


@pytest.mark.parametrize(
    ("given", "kept"), [("probe-123", True), ("bad id\twith spaces", False), ("x" * 200, False)]
)
def test_the_request_id_is_echoed_when_sane(client: TestClient, given: str, kept: bool):
    echoed = client.get("/healthz", headers={"X-Request-ID": given}).headers["x-request-id"]
    assert (echoed == given) is kept
    assert re.fullmatch(r"[A-Za-z0-9._:/+=-]{1,128}", echoed)
    assert client.get("/healthz").headers["x-request-id"] != echoed
