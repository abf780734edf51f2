from typing import Annotated

from pydantic import AfterValidator, Field, HttpUrl, field_validator
from pydantic_core import PydanticCustomError

from cuakhau.core.schemas import CountryCode, InputSchema, ListQuery, MultiLine, OutputSchema
from cuakhau.enterprises.tax_code import TaxCodeError, normalise_tax_code
from cuakhau.models.enums import EnterpriseRole


def _tax_code(value: str) -> str:
    try:
        return normalise_tax_code(value)
    except TaxCodeError as error:
        raise PydanticCustomError(
            error.code, "Tax code '{tax_code}' is not valid", {"tax_code": value}
        ) from None


TaxCode = Annotated[str, Field(max_length=20), AfterValidator(_tax_code)]

CompanyName = Annotated[str, Field(min_length=1, max_length=300)]
Address = Annotated[str, Field(max_length=500), MultiLine()]
WebhookUrl = Annotated[HttpUrl, Field(max_length=500)]
Roles = Annotated[list[EnterpriseRole], Field(min_length=1, max_length=4)]


class EnterpriseCreate(InputSchema):
    tax_code: TaxCode
    name_vi: CompanyName
    name_en: CompanyName | None = None
    country: CountryCode = "VN"
    address: Address | None = None
    roles: Roles
    webhook_url: WebhookUrl | None = None
    is_illustrative: bool = False


class EnterpriseUpdate(InputSchema):
    name_vi: CompanyName | None = None
    name_en: CompanyName | None = None
    address: Address | None = None
    roles: Roles | None = None
    webhook_url: WebhookUrl | None = None


# What an enterprise user may change about its own company.
SELF_SERVICE_FIELDS = frozenset({"name_vi", "name_en", "address", "webhook_url"})


class EnterpriseFilters(ListQuery):
    role: EnterpriseRole | None = None
    active: bool | None = None
    q: Annotated[str | None, Field(max_length=100)] = None


class EnterpriseRead(OutputSchema):
    id: int
    tax_code: str
    name_vi: str
    name_en: str | None
    country: str
    address: str | None
    roles: list[EnterpriseRole]
    webhook_url: str | None
    is_illustrative: bool
    is_active: bool

    @field_validator("roles", mode="before")
    @classmethod
    def _sorted(cls, roles: list[EnterpriseRole]) -> list[EnterpriseRole]:
        return sorted(roles)
