"""Who is calling, and may they: dependencies every router uses."""

from collections.abc import Callable
from typing import Annotated, Any, Protocol

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from cuakhau.accounts.service import resolve_token
from cuakhau.core.actor import Actor
from cuakhau.core.deps import DbSession
from cuakhau.core.errors import NotAuthenticated, PermissionDenied
from cuakhau.models import User
from cuakhau.models.enums import STAFF_ROLES, Role

TOKEN_URL = "/api/v1/auth/token"
_bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)
# The bearer token as sent, if any: read without touching the database.
BearerToken = Annotated[str | None, Depends(_bearer)]


def current_user(session: DbSession, token: BearerToken) -> User:
    if not token:
        raise NotAuthenticated()
    # One read, needing no transaction: on SQLite it then takes no write lock.
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    user = resolve_token(session=session, token=token)
    session.info["actor"] = Actor(label=user.username, user_id=user.id)
    # Hand the connection back before the handler's own hop to the thread pool
    # (see ``TransactionalRoute``); the user object stays readable.
    session.commit()
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require_roles(*roles: Role) -> Any:
    """A dependency that lets only these roles through (403 for the others)."""
    allowed = frozenset(roles)

    def check(user: CurrentUser) -> User:
        if user.role not in allowed:
            raise PermissionDenied("role_forbidden", role=user.role.value)
        return user

    return Depends(check)


class HasRole(Protocol):
    @property
    def role(self) -> Role: ...


def roles_guard(*roles: Role) -> Callable[[HasRole], None]:
    """The same rule as ``require_roles``, for a check inside a handler."""
    allowed = frozenset(roles)

    def check(user: HasRole) -> None:
        if user.role not in allowed:
            raise PermissionDenied("role_forbidden", role=user.role.value)

    return check


Admin = Annotated[User, require_roles(Role.admin)]
AuditReader = Annotated[User, require_roles(Role.admin, Role.board)]
BoardOrAdmin = Annotated[User, require_roles(Role.board, Role.admin)]
Staff = Annotated[User, require_roles(*STAFF_ROLES)]
StaffOrEnterprise = Annotated[User, require_roles(*STAFF_ROLES, Role.enterprise)]


def enterprise_scope(user: User) -> int | None:
    """The one enterprise whose rows this user may see, or None for all."""
    return user.enterprise_id if user.role is Role.enterprise else None


def bearer_token(request: Request) -> str | None:
    """The bearer token of ``Authorization``, as ``BearerToken`` reads it, for a
    handler that reads its request itself."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None
