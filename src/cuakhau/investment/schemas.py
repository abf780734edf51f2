"""What the API and the import files say about investors, projects and amendments.

The import layout's columns are these schemas' field names, so a file row and an
API body pass the same rules.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from cuakhau.core.identifiers import Identifier
from cuakhau.core.schemas import (
    Code,
    CountryCode,
    Day,
    InputSchema,
    ListQuery,
    MultiLine,
    OutputSchema,
)
from cuakhau.enterprises.schemas import TaxCode
from cuakhau.models.investment import (
    AmendmentKind,
    Area,
    Milestone,
    ProjectStatus,
    Sector,
)

LongName = Annotated[str, Field(min_length=1, max_length=300)]
Vnd = Annotated[int, Field(ge=0, le=10**17)]
Usd = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]
Rate = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
Hectares = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=4)]
# An investor's or a project's code, as typed in a form or a spreadsheet.
RegistryCode = Annotated[Code, Identifier]
InvestorCodes = Annotated[list[RegistryCode], Field(min_length=1, max_length=20)]
DocumentNo = Annotated[str, Field(max_length=64)]
Note = Annotated[str, Field(max_length=500), MultiLine()]


def _rule(code: str, field: str) -> PydanticCustomError:
    # The field rides in the context so an import can name the column.
    return PydanticCustomError(code, "{field}", {"field": field})


def vnd_of(usd: Decimal, rate: Decimal) -> int:
    return int((usd * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class InvestorCreate(InputSchema):
    code: RegistryCode
    name_vi: LongName
    name_en: LongName | None = None
    country: CountryCode
    tax_code: TaxCode | None = None
    is_illustrative: bool = False

    @model_validator(mode="after")
    def _vietnamese_companies_have_a_tax_code(self) -> "InvestorCreate":
        if self.country == "VN" and self.tax_code is None:
            raise _rule("tax_code_required", "tax_code")
        return self


class InvestorRead(OutputSchema):
    id: int
    code: str
    name_vi: str
    name_en: str | None
    country: str
    tax_code: str | None
    enterprise_id: int | None
    is_illustrative: bool


class ProjectDescription(InputSchema):
    """What may be corrected on a project without an amendment."""

    name_vi: LongName | None = None
    name_en: LongName | None = None
    sector: Sector | None = None
    area: Area | None = None
    location: Annotated[str, Field(max_length=200)] | None = None
    land_area_ha: Hectares | None = None
    is_key: bool | None = None


DESCRIPTIVE_FIELDS = frozenset(ProjectDescription.model_fields)


class ProjectCreate(InputSchema):
    """A project as its investment certificate registers it."""

    code: RegistryCode
    name_vi: LongName
    name_en: LongName | None = None
    foreign_invested: bool
    sector: Sector
    area: Area
    location: Annotated[str, Field(max_length=200)] | None = None
    land_area_ha: Hectares
    certificate_no: Annotated[str, Field(min_length=1, max_length=64)]
    certificate_date: Day
    capital_vnd: Vnd | None = None
    capital_usd: Usd | None = None
    usd_rate: Rate | None = None
    is_key: bool = False
    investors: InvestorCodes
    planned_land_handed_over: Day | None = None
    planned_construction_started: Day | None = None
    planned_in_operation: Day | None = None
    is_illustrative: bool = False

    @model_validator(mode="after")
    def _capital_fits_ownership(self) -> "ProjectCreate":
        if self.foreign_invested:
            for name in ("capital_usd", "usd_rate"):
                if getattr(self, name) is None:
                    raise _rule("fdi_needs_usd", name)
            if self.capital_vnd is None:
                assert self.capital_usd is not None
                assert self.usd_rate is not None
                self.capital_vnd = vnd_of(self.capital_usd, self.usd_rate)
        else:
            for name in ("capital_usd", "usd_rate"):
                if getattr(self, name) is not None:
                    raise _rule("domestic_without_usd", name)
            if self.capital_vnd is None:
                raise _rule("missing", "capital_vnd")
        return self

    def planned(self) -> dict[Milestone, date]:
        dates = {m: getattr(self, f"planned_{m.value}") for m in Milestone}
        return {m: d for m, d in dates.items() if d is not None}


class ProjectUpdate(ProjectDescription):
    pass


# The values each kind of amendment carries; the others must stay empty.
KIND_FIELDS: dict[AmendmentKind, frozenset[str]] = {
    AmendmentKind.capital_adjusted: frozenset({"capital_vnd", "capital_usd"}),
    AmendmentKind.status_changed: frozenset({"status"}),
    AmendmentKind.investors_replaced: frozenset({"investors"}),
    AmendmentKind.disbursement_reported: frozenset({"disbursed_vnd"}),
    AmendmentKind.milestone_planned: frozenset({"milestone", "planned_on"}),
    AmendmentKind.milestone_reached: frozenset({"milestone"}),
}
REQUIRED_FIELDS: dict[AmendmentKind, frozenset[str]] = {
    **KIND_FIELDS,
    # For a foreign-invested project the USD figure is enough (VND follows at the
    # certificate's rate); the project decides, see service.amend.
    AmendmentKind.capital_adjusted: frozenset(),
}
VALUE_FIELDS = ("capital_vnd", "capital_usd", "status", "disbursed_vnd", "milestone", "planned_on")
AmendableKind = Annotated[AmendmentKind, Field(description="Any kind but `registered`.")]


class AmendmentCreate(InputSchema):
    kind: AmendableKind
    effective_on: Day
    capital_vnd: Vnd | None = None
    capital_usd: Usd | None = None
    status: ProjectStatus | None = None
    disbursed_vnd: Vnd | None = None
    milestone: Milestone | None = None
    planned_on: Day | None = None
    investors: InvestorCodes | None = None
    document_no: DocumentNo | None = None
    note: Note | None = None

    @model_validator(mode="after")
    def _values_fit_kind(self) -> "AmendmentCreate":
        if self.kind is AmendmentKind.registered:
            raise _rule("registration_not_amendment", "kind")
        allowed = KIND_FIELDS[self.kind]
        for name in (*VALUE_FIELDS, "investors"):
            value = getattr(self, name)
            if value is None and name in REQUIRED_FIELDS[self.kind]:
                raise _rule("missing", name)
            if value is not None and name not in allowed:
                raise _rule("not_for_kind", name)
        if self.kind is AmendmentKind.capital_adjusted and (
            self.capital_vnd is None and self.capital_usd is None
        ):
            raise _rule("missing", "capital_vnd")
        return self


class AmendmentRow(AmendmentCreate):
    """An amendment in an import file names its project."""

    project_code: RegistryCode


class AmendmentRead(OutputSchema):
    id: int
    kind: AmendmentKind
    effective_on: date
    capital_vnd: int | None
    capital_usd: Decimal | None
    status: ProjectStatus | None
    disbursed_vnd: int | None
    milestone: Milestone | None
    planned_on: date | None
    investors: list[str]
    document_no: str | None
    note: str | None


class ProjectFilters(ListQuery):
    as_of: Day | None = None
    sector: Sector | None = None
    area: Area | None = None
    foreign_invested: bool | None = None
    status: ProjectStatus | None = None
    is_key: bool | None = None
    q: Annotated[str | None, Field(max_length=100)] = None


class MilestoneRead(OutputSchema):
    milestone: Milestone
    planned_on: date | None
    reached_on: date | None
    days_late: int | None


class ProjectRead(OutputSchema):
    """A project as it stood on ``as_of``."""

    id: int
    code: str
    name_vi: str
    name_en: str | None
    foreign_invested: bool
    sector: Sector
    area: Area
    location: str | None
    land_area_ha: Decimal
    certificate_no: str
    certificate_date: date
    usd_rate: Decimal | None
    is_key: bool
    is_illustrative: bool
    as_of: date
    status: ProjectStatus
    capital_vnd: int
    capital_usd: Decimal | None
    disbursed_vnd: int
    investors: list[InvestorRead]
    milestones: list[MilestoneRead]


class ProjectHistory(OutputSchema):
    project: ProjectRead
    amendments: list[AmendmentRead]


class ImportCounts(OutputSchema):
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ImportReport(OutputSchema):
    investors: ImportCounts
    projects: ImportCounts
    amendments: ImportCounts
