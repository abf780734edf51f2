from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field

from cuakhau.core.schemas import Id, InputSchema, Name, OutputSchema
from cuakhau.models.enums import Role

Username = Annotated[str, Field(min_length=3, max_length=64, pattern=r"^[a-z0-9_.\-]+$")]
Password = Annotated[str, Field(max_length=200)]


class LoginForm(InputSchema):
    """The OAuth2 password flow's form. Its grant type, scope and client fields are
    not used; the password is taken exactly as typed."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)

    username: str
    password: str


class UserCreate(InputSchema):
    username: Username
    full_name: Name
    role: Role
    enterprise_id: Id | None = None
    # A gate, customs or yard officer's own gate.
    gate_id: Id | None = None
    password: Password | None = None


class UserUpdate(InputSchema):
    full_name: Name | None = None
    password: Password | None = None


class UserRead(OutputSchema):
    id: int
    username: str
    full_name: str
    role: Role
    enterprise_id: int | None
    gate_id: int | None = None
    is_active: bool
    last_login_at: datetime | None
    created_at: datetime


class TokenResponse(OutputSchema):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime | None


class ApiTokenCreate(InputSchema):
    label: Annotated[str, Field(min_length=1, max_length=100)]
    days: Annotated[int | None, Field(ge=1, le=3650)] = None


class ApiTokenRead(OutputSchema):
    id: int
    label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class ApiTokenIssued(ApiTokenRead):
    token: str
