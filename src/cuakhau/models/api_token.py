from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cuakhau.core.clock import utcnow
from cuakhau.models.base import Audited, Base, UtcDateTime
from cuakhau.models.user import User

# The labels of tokens that a person's login issues (the pages' and the API's):
# the audit log records each as a login and its revocation as a logout.
WEB_SESSION_LABEL = "web session"
API_LOGIN_LABEL = "login"
SESSION_LABELS = frozenset({WEB_SESSION_LABEL, API_LOGIN_LABEL})


class ApiToken(Base, Audited):
    """A bearer token. Only its SHA-256 is stored, so a database leak leaks no token."""

    __tablename__ = "api_token"
    __audit_exclude__ = frozenset({"token_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # None: an integration token that lives until revoked.
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    user: Mapped[User] = relationship(lazy="joined")

    def audit_action(self, action: str) -> str:
        if self.label in SESSION_LABELS:
            return {"create": "login", "update": "logout"}.get(action, action)
        return action
