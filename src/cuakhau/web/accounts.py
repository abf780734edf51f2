"""Logging in and out of the pages, through the same service as the API's login."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cuakhau.accounts.service import (
    LoginFailed,
    authenticate,
    issue_token,
    revoke_token_value,
)
from cuakhau.core.deps import AppSettings, DbSession
from cuakhau.core.errors import TooManyAttempts
from cuakhau.core.schemas import Text
from cuakhau.models import User
from cuakhau.models.api_token import WEB_SESSION_LABEL
from cuakhau.models.enums import Role
from cuakhau.web import i18n
from cuakhau.web.pages import CsrfChecked, MaybeUser, PageRoute, finish, redirect, render
from cuakhau.web.session import end_session, session_token, start_session

router = APIRouter(route_class=PageRoute)

# Where each role starts after logging in.
# Where each role's day starts after logging in.
LANDING = {
    Role.enterprise: "/crossings",
    Role.gate_officer: "/gate",
    Role.yard_operator: "/yard",
    Role.customs: "/customs",
    Role.board: "/board",
    Role.admin: "/admin/users",
}
NOTICES = frozenset({"logged_out", "login_needed"})


def landing(user: User) -> str:
    return LANDING.get(user.role, "/wait-times")


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never ``//elsewhere`` or ``https://…``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, user: MaybeUser, next: str | None = None) -> Response:
    if user is not None:
        return redirect(request, _safe_next(next) or landing(user))
    notice = request.query_params.get("notice")
    return render(
        request,
        "login.html",
        next=_safe_next(next) or "",
        notice=notice if notice in NOTICES else ("login_needed" if next else None),
    )


@router.post("/login", response_class=HTMLResponse, dependencies=[CsrfChecked])
def login(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    username: Annotated[Text, Form(max_length=150)],
    password: Annotated[Text, Form(max_length=300)],
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        user = authenticate(
            session=session, settings=settings, username=username, password=password
        )
    except (LoginFailed, TooManyAttempts) as error:
        # The failure is counted: the request's transaction commits it.
        language = i18n.page_language(request)
        return render(
            request,
            "login.html",
            status_code=error.status_code,
            error=i18n.translate(error.code, language, **error.params),
            username=username,
            next=_safe_next(next) or "",
        )
    token, _ = issue_token(
        session=session,
        user=user,
        label=WEB_SESSION_LABEL,
        lifetime=timedelta(minutes=settings.access_token_minutes),
    )
    response = RedirectResponse(_safe_next(next) or landing(user), status_code=303)
    start_session(request, response, token)
    finish(request, response)
    return response


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, session: DbSession) -> Response:
    token = session_token(request)
    if token is not None:
        revoke_token_value(session=session, token=token)
    response = RedirectResponse("/login?notice=logged_out", status_code=303)
    end_session(request, response)
    finish(request, response)
    return response
