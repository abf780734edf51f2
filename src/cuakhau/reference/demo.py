"""Demo accounts, one per role, for trying cuakhau on the demo data."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.accounts.schemas import UserCreate
from cuakhau.accounts.service import create_user, issue_token
from cuakhau.core.security import new_password
from cuakhau.models import Enterprise, User
from cuakhau.models.enums import Role


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    full_name: str
    enterprise_tax_code: str | None = None


DEMO_ACCOUNTS = (
    DemoAccount("admin", Role.admin, "Quản trị hệ thống"),
    DemoAccount("banquanly", Role.board, "Ban Quản lý Khu kinh tế"),
    DemoAccount("canbo.cuakhau", Role.gate_officer, "Cán bộ cửa khẩu Hữu Nghị"),
    DemoAccount("benbai", Role.yard_operator, "Điều hành bến bãi", "4900526018"),
    DemoAccount("haiquan", Role.customs, "Cán bộ hải quan"),
    DemoAccount("doanhnghiep", Role.enterprise, "Nông sản Xứ Lạng", "4900909966"),
    DemoAccount("camera.huunghi", Role.camera, "Camera biển số Hữu Nghị"),
)


@dataclass(frozen=True)
class IssuedCredential:
    username: str
    role: Role
    # A password, or for a camera its API token.
    secret: str


def create_demo_accounts(session: Session) -> list[IssuedCredential]:
    """Create the demo accounts that do not exist yet; return their new secrets."""
    issued = []
    for account in DEMO_ACCOUNTS:
        if session.scalar(select(User.id).where(User.username == account.username)):
            continue
        enterprise_id = None
        if account.enterprise_tax_code is not None:
            enterprise_id = session.scalar(
                select(Enterprise.id).where(Enterprise.tax_code == account.enterprise_tax_code)
            )
        password = None if account.role is Role.camera else new_password()
        user = create_user(
            session=session,
            data=UserCreate(
                username=account.username,
                full_name=account.full_name,
                role=account.role,
                enterprise_id=enterprise_id,
                password=password,
            ),
        )
        if password is None:
            password, _ = issue_token(session=session, user=user, label="demo", lifetime=None)
        issued.append(IssuedCredential(account.username, account.role, password))
    return issued
