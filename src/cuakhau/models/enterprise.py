from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from cuakhau.models.base import Audited, Base, Timestamped
from cuakhau.models.enums import EnterpriseRole


class Enterprise(Base, Timestamped, Audited):
    """A company (doanh nghiệp); its tax code (MST) is its identity."""

    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(primary_key=True)
    tax_code: Mapped[str] = mapped_column(String(14), unique=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2), default="VN")
    address: Mapped[str | None] = mapped_column(String(500))
    is_exporter: Mapped[bool] = mapped_column(Boolean, default=False)
    is_importer: Mapped[bool] = mapped_column(Boolean, default=False)
    is_logistics: Mapped[bool] = mapped_column(Boolean, default=False)
    is_yard_operator: Mapped[bool] = mapped_column(Boolean, default=False)
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    # Invented demo data is marked so it can never pass for a real company.
    is_illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def roles(self) -> list[EnterpriseRole]:
        return [role for role in EnterpriseRole if getattr(self, f"is_{role.value}")]

    @roles.setter
    def roles(self, roles: list[EnterpriseRole]) -> None:
        for role in EnterpriseRole:
            flag = f"is_{role.value}"
            wanted = role in roles
            if getattr(self, flag, None) != wanted:
                setattr(self, flag, wanted)
