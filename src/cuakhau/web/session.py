"""Browser sessions: a signed cookie holding an API token, and CSRF tokens.

The session cookie carries a token from ``accounts.service.issue_token``, so a
page login expires, is revoked and is throttled exactly like an API login. The
cookie is HttpOnly, Secure and SameSite=Lax, and signed with HMAC-SHA256 under
the app's secret key, so it cannot be forged or altered.

CSRF: every form carries a random token that must equal the one in a signed,
HttpOnly cookie (double submit). A cross-site page can neither read the cookie
nor sign one of its own; the token is renewed at login and at logout.
"""

import base64
import hashlib
import hmac
import secrets

from fastapi import Request, Response

from cuakhau.core.config import Settings

SESSION_COOKIE = "cuakhau_session"
CSRF_COOKIE = "cuakhau_csrf"
CSRF_FIELD = "csrf_token"


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _signature(settings: Settings, purpose: str, value: str) -> str:
    key = settings.resolved_secret_key.encode()
    digest = hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign(settings: Settings, purpose: str, value: str) -> str:
    return f"{value}.{_signature(settings, purpose, value)}"


def unsign(settings: Settings, purpose: str, signed: str | None) -> str | None:
    """The value if the signature holds, else None."""
    if not signed or "." not in signed:
        return None
    value, signature = signed.rsplit(".", 1)
    expected = _signature(settings, purpose, value)
    return value if hmac.compare_digest(signature, expected) else None


def _set_cookie(response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", secure=True, httponly=True, samesite="lax"
    )


def session_token(request: Request) -> str | None:
    return unsign(_settings(request), SESSION_COOKIE, request.cookies.get(SESSION_COOKIE))


def start_session(request: Request, response: Response, token: str) -> None:
    settings = _settings(request)
    max_age = settings.access_token_minutes * 60
    _set_cookie(response, SESSION_COOKIE, sign(settings, SESSION_COOKIE, token), max_age)
    renew_csrf(request)


def end_session(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
    renew_csrf(request)


def csrf_token(request: Request) -> str:
    """This browser's CSRF token; a new one if it has none or it was just renewed."""
    new: str | None = getattr(request.state, "new_csrf", None)
    if new is not None:
        return new
    current = unsign(_settings(request), CSRF_COOKIE, request.cookies.get(CSRF_COOKIE))
    if current is None:
        current = request.state.new_csrf = secrets.token_urlsafe(24)
    return current


def renew_csrf(request: Request) -> None:
    request.state.new_csrf = secrets.token_urlsafe(24)


def remember_csrf(request: Request, response: Response) -> None:
    """Set the cookie for a token made or renewed while answering this request."""
    new: str | None = getattr(request.state, "new_csrf", None)
    if new is not None:
        _set_cookie(response, CSRF_COOKIE, sign(_settings(request), CSRF_COOKIE, new), None)


async def csrf_valid(request: Request) -> bool:
    expected = unsign(_settings(request), CSRF_COOKIE, request.cookies.get(CSRF_COOKIE))
    sent = (await request.form()).get(CSRF_FIELD)
    return expected is not None and isinstance(sent, str) and hmac.compare_digest(sent, expected)
