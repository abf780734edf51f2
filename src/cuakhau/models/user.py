from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from cuakhau.models.base import Audited, Base, Timestamped, UtcDateTime
from cuakhau.models.enums import Role


class User(Base, Timestamped, Audited):
    """A person's or a camera's account; cameras have no password, only API tokens."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(
            "role != 'enterprise' OR enterprise_id IS NOT NULL", name="enterprise_bound"
        ),
        CheckConstraint("role != 'camera' OR password_hash IS NULL", name="camera_no_password"),
    )
    # A login is logged once, as the session's token (``ApiToken.audit_action``),
    # not again as a change to the account.
    __audit_exclude__ = frozenset({"password_hash", "last_login_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=32))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    # A gate, customs or yard officer's own gate: the statistics they see.
    gate_id: Mapped[int | None] = mapped_column(ForeignKey("gate.id"))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
