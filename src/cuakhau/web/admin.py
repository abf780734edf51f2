"""The admin's pages: accounts and roles, the reference data, and the audit log.
They call the services behind ``/api/v1/users`` and ``/api/v1/audit``, so a page
refuses what the API refuses (an admin cannot disable their own account, an
enterprise account needs its enterprise)."""

import json
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.accounts.schemas import UserCreate
from cuakhau.accounts.service import (
    create_user,
    disable_user,
    get_user,
    set_password,
    set_user_active,
)
from cuakhau.audit.schemas import AuditEntryRead, AuditFilters
from cuakhau.audit.service import list_audit_entries
from cuakhau.core.cells import CellError, parse_date
from cuakhau.core.clock import ZONE_TZ
from cuakhau.core.deps import DbSession
from cuakhau.core.errors import DomainError
from cuakhau.core.messages import has_message
from cuakhau.core.schemas import Id
from cuakhau.models import AuditEntry, Enterprise, Gate, User, Yard
from cuakhau.models.enums import Role
from cuakhau.web import i18n
from cuakhau.web.pages import (
    CsrfChecked,
    FormState,
    PageRoute,
    SubmittedForm,
    page_roles,
    redirect,
    render,
)

router = APIRouter(route_class=PageRoute)

Admin = Annotated[User, page_roles(Role.admin)]
USER_FIELDS = ("username", "full_name", "role", "enterprise_id", "password")
AUDIT_FIELDS = ("entity", "entity_id", "actor_user_id", "action", "since", "until")
PAGE_SIZE = 50
# What a user page may say was just done to the account.
DONE = frozenset({"disabled", "enabled", "password"})


def _enterprises(session: Session) -> list[Enterprise]:
    return list(session.scalars(select(Enterprise).order_by(Enterprise.name_vi)))


@router.get("/admin")
def admin_home(request: Request, _admin: Admin) -> Response:
    return redirect(request, "/admin/users")


# -- accounts ----------------------------------------------------------------------


def _users_page(
    request: Request,
    session: Session,
    form: FormState | None = None,
    status_code: int = 200,
    role: str | None = None,
) -> HTMLResponse:
    stmt = select(User).order_by(User.username)
    if role in {r.value for r in Role}:
        stmt = stmt.where(User.role == Role(role))
    language = i18n.page_language(request)
    notice = None
    if "created" in request.query_params:
        notice = i18n.translate(
            "admin_user_created", language, username=request.query_params["created"]
        )
    return render(
        request,
        "admin_users.html",
        status_code=status_code,
        users=list(session.scalars(stmt)),
        enterprises=_enterprises(session),
        roles=list(Role),
        role=role or "",
        form=form or FormState({"role": Role.gate_officer.value}),
        notice=notice,
    )


@router.get("/admin/users", response_class=HTMLResponse)
def users(
    request: Request, session: DbSession, _admin: Admin, role: str | None = None
) -> HTMLResponse:
    return _users_page(request, session, role=role)


@router.post("/admin/users", response_class=HTMLResponse, dependencies=[CsrfChecked])
def add_user(
    request: Request, session: DbSession, _admin: Admin, submitted: SubmittedForm
) -> Response:
    form = FormState.read(submitted, USER_FIELDS)
    language = i18n.page_language(request)
    try:
        data = UserCreate.model_validate({k: v or None for k, v in form.values.items()})
        user = create_user(session=session, data=data)
    except (ValidationError, DomainError) as error:
        session.rollback()
        form.refuse(error, language)
        # The password is never sent back into the page.
        form.values["password"] = ""
        return _users_page(request, session, form, getattr(error, "status_code", 422))
    return redirect(request, f"/admin/users?{urlencode({'created': user.username})}")


def _user_page(
    request: Request,
    session: Session,
    user_id: Id,
    form: FormState | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    account = get_user(session=session, user_id=user_id)
    language = i18n.page_language(request)
    done = request.query_params.get("done")
    notice = i18n.translate(f"admin_done_{done}", language) if done in DONE else None
    return render(
        request,
        "admin_user.html",
        status_code=status_code,
        account=account,
        enterprise=session.get(Enterprise, account.enterprise_id)
        if account.enterprise_id
        else None,
        form=form or FormState(),
        notice=notice,
    )


@router.get("/admin/users/{user_id}", response_class=HTMLResponse)
def user_detail(request: Request, user_id: Id, session: DbSession, _admin: Admin) -> HTMLResponse:
    return _user_page(request, session, user_id)


@router.post(
    "/admin/users/{user_id}/disable", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def disable(request: Request, user_id: Id, session: DbSession, admin: Admin) -> Response:
    """As the API: an admin cannot lock themselves out of their own account."""
    try:
        disable_user(session=session, user_id=user_id, admin=admin)
    except DomainError as error:
        form = FormState()
        form.refuse(error, i18n.page_language(request))
        return _user_page(request, session, user_id, form, error.status_code)
    return redirect(request, f"/admin/users/{user_id}?done=disabled")


@router.post(
    "/admin/users/{user_id}/enable", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def enable(request: Request, user_id: Id, session: DbSession, _admin: Admin) -> Response:
    set_user_active(session=session, user=get_user(session=session, user_id=user_id), active=True)
    return redirect(request, f"/admin/users/{user_id}?done=enabled")


@router.post(
    "/admin/users/{user_id}/password", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def reset_password(
    request: Request, user_id: Id, session: DbSession, _admin: Admin, submitted: SubmittedForm
) -> Response:
    password = str(submitted.get("password", ""))
    account = get_user(session=session, user_id=user_id)
    try:
        set_password(session=session, user=account, password=password)
    except DomainError as error:
        session.rollback()
        form = FormState()
        form.refuse(error, i18n.page_language(request))
        return _user_page(request, session, user_id, form, error.status_code)
    return redirect(request, f"/admin/users/{user_id}?done=password")


# -- reference data ----------------------------------------------------------------


@router.get("/admin/reference", response_class=HTMLResponse)
def reference(request: Request, session: DbSession, _admin: Admin) -> HTMLResponse:
    gates = list(session.scalars(select(Gate).order_by(Gate.code)))
    return render(
        request,
        "admin_reference.html",
        gates=gates,
        gate_names={g.id: g for g in gates},
        yards=list(session.scalars(select(Yard).order_by(Yard.code))),
        enterprises=_enterprises(session),
    )


# -- audit log ---------------------------------------------------------------------


def _zone_midnight(form: FormState, name: str, language: str, days: int = 0) -> datetime | None:
    """The start of a day typed dd/mm/yyyy, in the zone's time."""
    typed = form.values.get(name, "")
    if not typed:
        return None
    try:
        day = parse_date(typed) + timedelta(days=days)
    except CellError:
        form.errors[name] = i18n.translate("date_invalid_day", language)
        return None
    return datetime.combine(day, time(), tzinfo=ZONE_TZ)


def _audit_filters(form: FormState, offset: int, language: str) -> AuditFilters | None:
    values = form.values
    data: dict[str, Any] = {
        "entity": values["entity"] or None,
        "entity_id": values["entity_id"] or None,
        "actor_user_id": values["actor_user_id"] or None,
        "action": values["action"] or None,
        "since": _zone_midnight(form, "since", language),
        # Up to and including the day typed.
        "until": _zone_midnight(form, "until", language, days=1),
        "limit": PAGE_SIZE,
        "offset": max(offset, 0),
    }
    return form.checked(AuditFilters, data, language)


# A moment as the audit keeps it in a row's values: ISO 8601 in UTC.
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass(frozen=True)
class AuditLine:
    """An audit entry as a person reads it: who and what in words, times in the zone's."""

    entry: AuditEntryRead
    actor: str
    entity: str
    changes: list[tuple[str, str | None, str | None]]


def _audit_value(value: Any, language: str) -> str:
    if value is None:
        return "∅"
    if isinstance(value, bool):
        return i18n.translate("crossing_yes" if value else "crossing_no", language)
    if isinstance(value, str) and _MOMENT.match(value):
        try:
            return i18n.format_datetime(datetime.fromisoformat(value), language)
        except ValueError:
            return value
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _entity_words(entity: str, language: str) -> str:
    """A table the log names, as a person calls what it holds."""
    key = f"audit_entity_{entity}"
    return i18n.translate(key, language) if has_message(key) else entity


def _audit_actor(entry: AuditEntryRead, names: dict[int, str], language: str) -> str:
    if entry.actor_user_id in names:
        return names[entry.actor_user_id]
    key = f"audit_actor_{entry.actor_label}"
    return i18n.translate(key, language) if has_message(key) else entry.actor_label


def _audit_lines(
    entries: list[AuditEntryRead], users: list[User], language: str
) -> list[AuditLine]:
    names = {u.id: u.full_name or u.username for u in users}
    lines = []
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        keys = list(after) if entry.action != "delete" else list(before)
        changes = [
            (
                key,
                _audit_value(before[key], language) if key in before else None,
                _audit_value(after[key], language) if key in after else None,
            )
            for key in keys
        ]
        actor = _audit_actor(entry, names, language)
        lines.append(AuditLine(entry, actor, _entity_words(entry.entity, language), changes))
    return lines


@router.get("/admin/audit", response_class=HTMLResponse)
def audit(request: Request, session: DbSession, _admin: Admin, offset: int = 0) -> HTMLResponse:
    language = i18n.page_language(request)
    form = FormState.read(request.query_params, AUDIT_FIELDS)
    filters = _audit_filters(form, offset, language)
    page = list_audit_entries(session=session, filters=filters) if filters else None
    entities = session.scalars(select(AuditEntry.entity).distinct().order_by(AuditEntry.entity))
    users = list(session.scalars(select(User).order_by(User.username)))
    return render(
        request,
        "admin_audit.html",
        status_code=200 if page else 422,
        form=form,
        page=page,
        lines=_audit_lines(page.items, users, language) if page else [],
        entities=[(entity, _entity_words(entity, language)) for entity in entities],
        users=users,
        query=urlencode({k: v for k, v in form.values.items() if v}),
    )
