"""What every page shares: templates, the signed-in user, role checks, CSRF, the
submitted form, and errors shown as pages rather than problem+json.

A page handler that touches the database is a plain ``def``: FastAPI runs it in
the thread pool, and on a ``PageRoute`` (a ``TransactionalRoute``) it commits in
that same thread. Reading a form body is async, so it comes in already read, as a
``SubmittedForm`` parameter; an ``async def`` handler would run its database calls
on the event loop and stall every other request."""

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException

from cuakhau import __version__
from cuakhau.accounts.deps import roles_guard
from cuakhau.accounts.service import resolve_token
from cuakhau.core.actor import Actor
from cuakhau.core.deps import DbSession, TransactionalRoute
from cuakhau.core.errors import DomainError, NotAuthenticated, PermissionDenied, field_errors
from cuakhau.core.messages import DRIVER_LANGUAGES
from cuakhau.models import User
from cuakhau.models.enums import Role
from cuakhau.web import i18n
from cuakhau.web.session import CSRF_FIELD, csrf_token, csrf_valid, remember_csrf, session_token
from cuakhau.web.vendor import PLOTLY_URL

Model = TypeVar("Model", bound=BaseModel)

templates = Jinja2Templates(directory=str(files("cuakhau") / "web" / "templates"))


@pass_context
def _number(context: Context, value: Any, decimals: int = 0) -> str:
    return i18n.format_number(value, context["lang"], decimals)


@pass_context
def _percent(context: Context, share: Any, decimals: int = 0) -> str:
    return i18n.format_percent(share, context["lang"], decimals)


# A page's numbers in the page's language: ``{{ n | number }}``, ``{{ share | percent(1) }}``.
templates.env.filters["number"] = _number
templates.env.filters["percent"] = _percent
templates.env.filters["date"] = i18n.format_date
templates.env.globals["plotly_url"] = PLOTLY_URL


def wants_page(request: Request) -> bool:
    """A browser asking for a page, not an API client: HTML accepted, outside the API."""
    return "text/html" in request.headers.get("accept", "") and not request.url.path.startswith(
        "/api/"
    )


def install_missing_page(app: FastAPI) -> None:
    """A mistyped address asked for by a browser gets a page in the reader's
    language; API clients keep their problem+json."""
    problem_handler = app.exception_handlers[StarletteHTTPException]

    async def missing(request: Request, error: Exception) -> Response:
        missing_page = isinstance(error, StarletteHTTPException) and error.status_code == 404
        if missing_page and wants_page(request):
            language = i18n.page_language(request)
            return render(
                request,
                "error.html",
                status_code=404,
                title=i18n.translate("page_not_found_title", language),
                message=i18n.translate("page_not_found", language),
            )
        return await problem_handler(request, error)

    app.add_exception_handler(StarletteHTTPException, missing)


class LoginRequired(Exception):
    """No valid session: the page sends the browser to the login form."""


class CsrfFailed(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("csrf_failed")


def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    language: str | None = None,
    **values: Any,
) -> HTMLResponse:
    """``language``: the page's, when it is not chosen as every page's is."""
    language = language or i18n.page_language(request)
    other = "en" if language == "vi" else "vi"
    context = {
        "lang": language,
        "separators": i18n.separators(language),
        "other_lang": other,
        "lang_url": f"{request.url.path}?{request.url.include_query_params(lang=other).query}",
        "t": lambda key, **params: i18n.translate(key, language, **params),
        "time": lambda value, china=False: i18n.format_time(value, language, china),
        "datetime": lambda value, china=False: i18n.format_datetime(value, language, china),
        "time_range": lambda starts, ends, china=False: i18n.format_time_range(
            starts, ends, language, china
        ),
        "minutes": lambda value: i18n.format_minutes(value, language),
        "move_reason": lambda move: i18n.move_reason(move, language),
        "hold_reason": lambda crossing: i18n.hold_reason(crossing, language),
        "user": getattr(request.state, "user", None),
        "Role": Role,
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request),
        "version": __version__,
        **values,
    }
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    finish(request, response)
    return response


def redirect(request: Request, url: str) -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    finish(request, response)
    return response


def finish(request: Request, response: Response) -> None:
    """Cookies every page answer may carry: a new CSRF token, the chosen language."""
    remember_csrf(request, response)
    chosen = request.query_params.get("lang")
    if chosen in DRIVER_LANGUAGES:
        response.set_cookie(i18n.LANG_COOKIE, chosen, max_age=365 * 86400, samesite="lax")


def _optional_user(request: Request, session: DbSession) -> User | None:
    token = session_token(request)
    if token is None:
        return None
    try:
        user = resolve_token(session=session, token=token)
    except NotAuthenticated:
        return None
    session.info["actor"] = Actor(label=user.username, user_id=user.id)
    request.state.user = user
    return user


MaybeUser = Annotated[User | None, Depends(_optional_user)]


def _user(user: MaybeUser) -> User:
    if user is None:
        raise LoginRequired
    return user


PageUser = Annotated[User, Depends(_user)]


def page_roles(*roles: Role) -> Any:
    """The page's user, if one of these roles (the API's role rule, as a page)."""
    check = roles_guard(*roles)

    def allowed(user: PageUser) -> User:
        check(user)
        return user

    return Depends(allowed)


async def _csrf_checked(request: Request) -> None:
    if not await csrf_valid(request):
        raise CsrfFailed


CsrfChecked = Depends(_csrf_checked)


async def _submitted_form(request: Request) -> FormData:
    # Starlette parses a request's body once: the CSRF check reads this same form.
    return await request.form()


SubmittedForm = Annotated[FormData, Depends(_submitted_form)]


def login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(target, safe='')}"


class PageRoute(TransactionalRoute):
    """Errors on a page are pages: a login form, or a message in the reader's language."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired:
                return redirect(request, login_url(request))
            except DomainError as error:
                language = i18n.page_language(request)
                message = i18n.translate(error.code, language, **error.params)
                return render(request, "error.html", status_code=error.status_code, message=message)
            except RequestValidationError as error:
                language = i18n.page_language(request)
                count = len(error.errors())
                message = i18n.translate("validation_failed", language, count=count)
                return render(request, "error.html", status_code=422, message=message)

        return page_handler


@dataclass
class FormState:
    """A form as it was typed, with a message per refused field, so a refused form
    comes back as it was left."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str | None = None

    @classmethod
    def read(cls, form: Mapping[str, object], names: Iterable[str]) -> "FormState":
        return cls({name: str(form.get(name, "")).strip() for name in names})

    def checked(self, schema: type[Model], data: dict[str, Any], language: str) -> Model | None:
        """The values read as ``schema``, or None with the form saying why: the
        errors found while reading them, or the schema's own."""
        if self.errors:
            self.message = i18n.translate("validation_failed", language, count=len(self.errors))
            return None
        try:
            return schema.model_validate(data)
        except ValidationError as error:
            self.refuse(error, language)
            return None

    def refuse(self, error: DomainError | ValidationError, language: str) -> None:
        """Say why, field by field where the error names one."""
        if isinstance(error, ValidationError):
            for detail, entry in zip(
                error.errors(), field_errors(list(error.errors()), language), strict=True
            ):
                # A rule on the whole model names its field in its context.
                name = entry["field"] or (detail.get("ctx") or {}).get("field") or "form"
                self.errors.setdefault(name, entry["message"])
            self.message = i18n.translate("validation_failed", language, count=len(self.errors))
            return
        self.message = i18n.translate(error.code, language, **error.params)
        name = error.params.get("field")
        if name:
            self.errors[name] = self.message
