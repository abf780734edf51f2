from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Form, Query, status
from sqlalchemy import select

from cuakhau.accounts import service
from cuakhau.accounts.deps import Admin, CurrentUser, _bearer
from cuakhau.accounts.schemas import (
    ApiTokenCreate,
    ApiTokenIssued,
    ApiTokenRead,
    LoginForm,
    TokenResponse,
    UserCreate,
    UserRead,
    UserUpdate,
)
from cuakhau.core.deps import AppSettings, DbSession, api_router
from cuakhau.core.rows import page_of, paginate
from cuakhau.core.schemas import Id, ListQuery, Page
from cuakhau.models import User
from cuakhau.models.api_token import API_LOGIN_LABEL
from cuakhau.models.enums import Role

auth_router = api_router(prefix="/auth", tags=["auth"])
users_router = api_router(prefix="/users", tags=["users"])


@auth_router.post("/token", response_model=TokenResponse)
def login(
    form: Annotated[LoginForm, Form()],
    session: DbSession,
    settings: AppSettings,
) -> Any:
    """OAuth2 password flow: a bearer token that expires, for people (not cameras)."""
    try:
        user = service.authenticate(
            session=session, settings=settings, username=form.username, password=form.password
        )
    except service.LoginFailed:
        # The failure must count even though the request fails.
        session.commit()
        raise
    token, record = service.issue_token(
        session=session,
        user=user,
        label=API_LOGIN_LABEL,
        lifetime=timedelta(minutes=settings.access_token_minutes),
    )
    return TokenResponse(access_token=token, expires_at=record.expires_at)


@auth_router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(_user: CurrentUser, session: DbSession, token: Annotated[str, Depends(_bearer)]) -> None:
    service.revoke_token_value(session=session, token=token)


@auth_router.get("/me", response_model=UserRead)
def me(user: CurrentUser) -> Any:
    return UserRead.model_validate(user)


class UserFilters(ListQuery):
    role: Role | None = None
    active: bool | None = None
    enterprise_id: Id | None = None


@users_router.get("", response_model=Page[UserRead])
def list_users(
    session: DbSession,
    _admin: Admin,
    filters: Annotated[UserFilters, Query()],
) -> Any:
    stmt = select(User).order_by(User.id)
    if filters.role is not None:
        stmt = stmt.where(User.role == filters.role)
    if filters.active is not None:
        stmt = stmt.where(User.is_active == filters.active)
    if filters.enterprise_id is not None:
        stmt = stmt.where(User.enterprise_id == filters.enterprise_id)
    items, total = paginate(session, stmt, filters)
    return page_of(UserRead, items, total, filters)


@users_router.post("", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def create_user(data: UserCreate, session: DbSession, _admin: Admin) -> Any:
    return UserRead.model_validate(service.create_user(session=session, data=data))


@users_router.get("/{user_id}", response_model=UserRead)
def get_user(user_id: Id, session: DbSession, _admin: Admin) -> Any:
    return UserRead.model_validate(service.get_user(session=session, user_id=user_id))


@users_router.patch("/{user_id}", response_model=UserRead)
def update_user(user_id: Id, data: UserUpdate, session: DbSession, _admin: Admin) -> Any:
    user = service.get_user(session=session, user_id=user_id)
    return UserRead.model_validate(service.update_user(session=session, user=user, data=data))


@users_router.post("/{user_id}/disable", response_model=UserRead)
def disable_user(user_id: Id, session: DbSession, admin: Admin) -> Any:
    user = service.disable_user(session=session, user_id=user_id, admin=admin)
    return UserRead.model_validate(user)


@users_router.post("/{user_id}/enable", response_model=UserRead)
def enable_user(user_id: Id, session: DbSession, _admin: Admin) -> Any:
    user = service.get_user(session=session, user_id=user_id)
    return UserRead.model_validate(service.set_user_active(session=session, user=user, active=True))


@users_router.get("/{user_id}/tokens", response_model=list[ApiTokenRead])
def list_tokens(user_id: Id, session: DbSession, _admin: Admin) -> Any:
    user = service.get_user(session=session, user_id=user_id)
    return [ApiTokenRead.model_validate(t) for t in service.list_tokens(session=session, user=user)]


@users_router.post(
    "/{user_id}/tokens", response_model=ApiTokenIssued, status_code=status.HTTP_201_CREATED
)
def issue_api_token(user_id: Id, data: ApiTokenCreate, session: DbSession, _admin: Admin) -> Any:
    """An integration token (cameras, other agencies' systems), shown only in this answer."""
    user = service.get_user(session=session, user_id=user_id)
    lifetime = timedelta(days=data.days) if data.days is not None else None
    token, record = service.issue_token(
        session=session, user=user, label=data.label, lifetime=lifetime
    )
    return ApiTokenIssued.model_validate(
        {**ApiTokenRead.model_validate(record).model_dump(), "token": token}
    )


@users_router.post("/{user_id}/tokens/{token_id}/revoke", response_model=ApiTokenRead)
def revoke_token(user_id: Id, token_id: Id, session: DbSession, _admin: Admin) -> Any:
    user = service.get_user(session=session, user_id=user_id)
    return ApiTokenRead.model_validate(
        service.revoke_token(session=session, user=user, token_id=token_id)
    )
