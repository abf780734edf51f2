"""Accounts: creation, login with throttling, tokens. Services flush; the caller commits."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cuakhau.accounts.schemas import UserCreate, UserUpdate
from cuakhau.core.actor import Actor
from cuakhau.core.clock import utcnow
from cuakhau.core.config import Settings
from cuakhau.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, TooManyAttempts
from cuakhau.core.security import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    hash_token,
    new_token,
    verify_password,
)
from cuakhau.models import ApiToken, Enterprise, Gate, LoginThrottle, User
from cuakhau.models.base import UtcDateTime
from cuakhau.models.enums import Role

# Roles whose accounts belong to one enterprise.
ENTERPRISE_BOUND_ROLES = frozenset({Role.enterprise, Role.yard_operator})
GATE_BOUND_ROLES = frozenset({Role.gate_officer, Role.customs, Role.yard_operator})


class LoginFailed(NotAuthenticated):
    """Raised after the failure was recorded; the caller commits before answering."""


def _check_password(password: str | None, role: Role) -> None:
    if role is Role.camera:
        if password is not None:
            raise InvalidInput("camera_has_no_password", field="password")
        return
    if password is None:
        raise InvalidInput("password_required", field="password")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password_too_short", field="password", min=MIN_PASSWORD_LENGTH)


def create_user(*, session: Session, data: UserCreate) -> User:
    _check_password(data.password, data.role)
    if data.role is Role.enterprise and data.enterprise_id is None:
        raise InvalidInput("enterprise_role_needs_enterprise", field="enterprise_id")
    if data.enterprise_id is not None:
        if data.role not in ENTERPRISE_BOUND_ROLES:
            raise InvalidInput("only_enterprise_roles_bind", field="enterprise_id")
        enterprise = session.get(Enterprise, data.enterprise_id)
        if enterprise is None or not enterprise.is_active:
            raise InvalidInput(
                "referenced_missing",
                field="enterprise_id",
                entity="enterprise",
                id=data.enterprise_id,
            )
    if data.gate_id is not None:
        if data.role not in GATE_BOUND_ROLES:
            raise InvalidInput("only_gate_roles_bind", field="gate_id")
        gate = session.get(Gate, data.gate_id)
        if gate is None:
            raise InvalidInput(
                "referenced_missing", field="gate_id", entity="gate", id=data.gate_id
            )
    if session.scalar(select(User.id).where(User.username == data.username)) is not None:
        raise Conflict("duplicate", entity="user", field="username", value=data.username)
    user = User(
        username=data.username,
        full_name=data.full_name,
        role=data.role,
        enterprise_id=data.enterprise_id,
        gate_id=data.gate_id,
        password_hash=hash_password(data.password) if data.password else None,
    )
    session.add(user)
    session.flush()
    return user


def get_user(*, session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user


def get_user_by_username(*, session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("user", username)
    return user


def update_user(*, session: Session, user: User, data: UserUpdate) -> User:
    if data.full_name is not None and data.full_name != user.full_name:
        user.full_name = data.full_name
    if data.password is not None:
        set_password(session=session, user=user, password=data.password)
    session.flush()
    return user


def set_password(*, session: Session, user: User, password: str) -> None:
    _check_password(password, user.role)
    user.password_hash = hash_password(password)
    session.flush()


def disable_user(*, session: Session, user_id: int, admin: User) -> User:
    """An admin may disable any account but their own: nobody locks themselves out."""
    if user_id == admin.id:
        raise InvalidInput("cannot_disable_self")
    return set_user_active(
        session=session, user=get_user(session=session, user_id=user_id), active=False
    )


def set_user_active(*, session: Session, user: User, active: bool) -> User:
    if user.is_active != active:
        user.is_active = active
    if not active:
        revoke_all_tokens(session=session, user=user)
    session.flush()
    return user


def authenticate(*, session: Session, settings: Settings, username: str, password: str) -> User:
    """The user behind these credentials; each failure counts towards a lockout."""
    now = utcnow()
    throttle = session.get(LoginThrottle, username)
    if throttle is not None and throttle.locked_until is not None:
        if throttle.locked_until > now:
            seconds = int((throttle.locked_until - now).total_seconds()) + 1
            raise TooManyAttempts("login_throttled", retry_after=seconds, seconds=seconds)
        throttle.locked_until = None
        throttle.failures = 0
    user = session.scalar(select(User).where(User.username == username))
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        throttle = throttle or _new_throttle(session, username)
        throttle.failures += 1
        if throttle.failures >= settings.login_max_failures:
            throttle.locked_until = now + timedelta(seconds=settings.login_lockout_seconds)
        session.flush()
        raise LoginFailed("bad_credentials")
    if throttle is not None:
        session.delete(throttle)
    user.last_login_at = now
    # From here the request acts as the one who logged in: the log names them.
    session.info["actor"] = Actor(label=user.username, user_id=user.id)
    session.flush()
    return user


def _new_throttle(session: Session, username: str) -> LoginThrottle:
    """The row that counts this username's failures, made once even when two
    failed logins for a new username race each other."""
    try:
        with session.begin_nested():
            throttle = LoginThrottle(username=username, failures=0)
            session.add(throttle)
    except IntegrityError:
        throttle = session.get(LoginThrottle, username, populate_existing=True)
        assert throttle is not None
    return throttle


def issue_token(
    *, session: Session, user: User, label: str, lifetime: timedelta | None
) -> tuple[str, ApiToken]:
    token, token_hash = new_token()
    record = ApiToken(
        user_id=user.id,
        token_hash=token_hash,
        label=label,
        expires_at=utcnow() + lifetime if lifetime is not None else None,
    )
    session.add(record)
    session.flush()
    return token, record


def resolve_token(*, session: Session, token: str) -> User:
    return resolve_token_hash(session=session, token_hash=hash_token(token))


def token_checks(
    token: Any, user: Any, now: ColumnElement[datetime]
) -> list[tuple[str, ColumnElement[bool]]]:
    """Why a token may not let its bearer in, in the order a caller is told:
    each condition holds when the token is fine on that count, and the code
    names the refusal when it is not. ``token`` and ``user`` are the tables
    (or aliases) of ``api_token`` and ``user_account``. The booking's rules
    check a token with these same conditions (``crossings.rules``)."""
    return [
        ("not_authenticated", token.c.id.is_not(None)),
        ("token_revoked", token.c.revoked_at.is_(None)),
        ("token_expired", or_(token.c.expires_at.is_(None), token.c.expires_at > now)),
        ("account_disabled", user.c.is_active),
    ]


def resolve_token_hash(*, session: Session, token_hash: str) -> User:
    token, user = ApiToken.__table__, User.__table__
    checks = token_checks(token, user, literal(utcnow(), UtcDateTime()))
    row = session.execute(
        select(token.c.user_id, *(condition for _code, condition in checks))
        .join(user, user.c.id == token.c.user_id)
        .where(token.c.token_hash == token_hash)
    ).first()
    if row is None:
        raise NotAuthenticated()
    for (code, _condition), holds in zip(checks, row[1:], strict=True):
        if not holds:
            raise NotAuthenticated(code)
    return session.get_one(User, row.user_id)


def revoke_token_value(*, session: Session, token: str) -> None:
    record = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if record is not None and record.revoked_at is None:
        record.revoked_at = utcnow()
        session.flush()


def revoke_token(*, session: Session, user: User, token_id: int) -> ApiToken:
    record = session.get(ApiToken, token_id)
    if record is None or record.user_id != user.id:
        raise NotFound("token", token_id)
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        session.flush()
    return record


def revoke_all_tokens(*, session: Session, user: User) -> None:
    now = utcnow()
    # Row by row rather than one UPDATE, so each revocation reaches the audit log.
    for record in session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        record.revoked_at = now
    session.flush()


def list_tokens(*, session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    )
