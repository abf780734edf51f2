from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from cuakhau.core.schemas import CountryCode, Day, Id, InputSchema, OutputSchema
from cuakhau.models.enums import (
    Direction,
    FeeKind,
    HandoverMode,
    HistoryKind,
    Regime,
    TrailerWait,
    VehicleClass,
    VehicleKind,
)
from cuakhau.statistics.periods import Comparison, PeriodKind

# An HS chapter (2 digits) or heading (4).
HsPrefix = Annotated[str, Field(pattern=r"^[0-9]{2}([0-9]{2})?$")]

# A range longer than this is refused: ten years of days.
MAX_RANGE_DAYS = 3660


class TradeGroup(StrEnum):
    day = "day"
    gate = "gate"
    direction = "direction"
    regime = "regime"
    hs_chapter = "hs_chapter"
    hs_heading = "hs_heading"
    enterprise = "enterprise"
    origin_country = "origin_country"
    destination_country = "destination_country"
    perishable = "perishable"
    vehicle_kind = "vehicle_kind"
    handover_mode = "handover_mode"


class FeeGroup(StrEnum):
    day = "day"
    gate = "gate"
    vehicle_class = "vehicle_class"
    kind = "kind"


class PeriodQuery(InputSchema):
    """The period: the ``period`` that ``at`` falls in, today's when left out; a
    ``range`` runs ``at``–``until``."""

    period: PeriodKind = PeriodKind.month
    at: Day | None = None
    until: Day | None = None
    # The language of the names and of a download (else Accept-Language).
    lang: Literal["vi", "en"] | None = None

    @model_validator(mode="after")
    def _range(self) -> Self:
        if (self.until is not None) != (self.period is PeriodKind.range):
            raise ValueError("a range needs until (and at), and only a range takes until")
        if self.period is PeriodKind.range and self.at is None:
            raise ValueError("a range needs at, its first day")
        if self.until is not None and self.at is not None:
            if self.until < self.at:
                raise ValueError("until must not be before at")
            if (self.until - self.at).days >= MAX_RANGE_DAYS:
                raise ValueError(f"a range is at most {MAX_RANGE_DAYS} days")
        return self


class ReportQuery(PeriodQuery):
    """A period and the comparisons asked for."""

    compare: Annotated[list[Comparison], Field(max_length=3, default_factory=list)]
    gate_id: Id | None = None
    # The largest rows first, this many of them (the total counts them all).
    limit: Annotated[int | None, Field(ge=1, le=1000)] = None
    # An enterprise's user: the zone's totals rather than its own figures.
    zone_totals: bool = False


class TradeQuery(ReportQuery):
    group_by: Annotated[list[TradeGroup], Field(max_length=12, default_factory=list)]
    direction: Direction | None = None
    regime: Regime | None = None
    hs: HsPrefix | None = None
    enterprise_id: Id | None = None
    origin_country: CountryCode | None = None
    destination_country: CountryCode | None = None
    perishable: bool | None = None
    vehicle_kind: VehicleKind | None = None
    handover_mode: HandoverMode | None = None


class Step(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"


class ReinvestmentQuery(PeriodQuery):
    """The period (a year by default) and the steps it is cut into."""

    period: PeriodKind = PeriodKind.year
    step: Step = Step.month


class FeeQuery(ReportQuery):
    group_by: Annotated[list[FeeGroup], Field(max_length=4, default_factory=list)]
    vehicle_class: VehicleClass | None = None
    kind: FeeKind | None = None


Figure = Decimal | int | None


class PeriodRead(OutputSchema):
    first: date
    last: date
    days: int


class Change(OutputSchema):
    absolute: Decimal | int
    # (now − then) / then, to four places; None when then was nothing.
    relative: Decimal | None


# Where figures come from: ``measured`` by cuakhau from its crossings and
# receipts, ``imported`` from the customs office's spreadsheets, ``synthetic``
# (the demo's made-up history); the public feed adds ``suppressed``.
Source = Literal["measured", "imported", "synthetic"]


class ComparedRead(OutputSchema):
    comparison: Comparison
    measures: dict[str, Figure]
    change: dict[str, Change | None]
    sources: list[Source]


class ReportRow(OutputSchema):
    group: dict[str, str | int | bool]
    # Each group value's name in the answer's language: a gate's, an enterprise's,
    # an HS chapter's or heading's (from the nomenclature), a direction's…
    names: dict[str, str] = Field(default_factory=dict)
    measures: dict[str, Figure]
    sources: list[Source]
    compared: list[ComparedRead]


class Report(OutputSchema):
    period: PeriodRead
    comparisons: dict[Comparison, PeriodRead]
    group_by: list[str]
    # Where the report's figures come from (each row says its own). Imported
    # figures give value, weight and vehicles only: packages, lines and
    # shipments are cuakhau's own.
    sources: list[Source]
    # Imported figures touching the period but not counted in it
    # (docs/statistics.md, "What wins").
    history_left_out: int
    rows: list[ReportRow]
    total: ReportRow


class ReinvestmentRow(OutputSchema):
    period: PeriodRead
    # The receipts issued and not voided (the fee rollup) and the imported fee
    # figures the fee report counts, in đồng.
    fee_revenue_vnd: int
    # What the zone-infrastructure projects reported disbursing over these days.
    disbursed_vnd: int
    # disbursed / revenue, to four places; None when nothing was earned.
    reinvested_share: Decimal | None
    # Where the revenue comes from (the disbursement is the registry's own).
    sources: list[Source]


class Reinvestment(OutputSchema):
    period: PeriodRead
    step: Step
    # The investment registry's projects of sector zone_infrastructure.
    projects: int
    rows: list[ReinvestmentRow]
    total: ReinvestmentRow


class TransshipmentQuery(PeriodQuery):
    """The board's transshipment figures: a period, its comparisons, a gate."""

    compare: Annotated[list[Comparison], Field(max_length=3, default_factory=list)]
    gate_id: Id | None = None


class TrailerWaitFigures(OutputSchema):
    """The trailer stays of one kind of wait that ended in the period."""

    waits_for: TrailerWait
    name: str
    stays: int
    # Hours from the trailer's arrival in the yard to its leaving, on average.
    mean_hours: Decimal | None


class TrailerSwapFigures(OutputSchema):
    # Swapped trailers handed back to their owners in the period.
    handed_back: int
    # Hand-backs that waited more than ``overdue_hours`` at some moment of the
    # period (up to now): those handed back late and those still waiting.
    overdue_hand_backs: int
    overdue_hours: int
    # Every trailer stay that ended in the period, on average.
    mean_hours: Decimal | None
    waits: list[TrailerWaitFigures]


class TransloadFigures(OutputSchema):
    """The transloads finished in the period (the cargo loaded out)."""

    transloads: int
    # Loaded out (as counted; as declared where nothing was counted).
    weight_kg: int
    cold_weight_kg: int
    # cold / all, to four places; None when nothing went through a bay.
    cold_share: Decimal | None
    # Reconciliation holds opened in the period (a count difference).
    holds_opened: int


class YardTransloads(TransloadFigures):
    yard_id: int
    name: str


class Transshipment(OutputSchema):
    """How the cargo changed hands at the line over a period: trucks, weight
    and value by handover mode (and gate), with the comparisons; the trailer
    swaps' trailers; the transloads through the yards' bays."""

    period: PeriodRead
    comparisons: dict[Comparison, PeriodRead]
    by_mode: Report
    by_mode_and_gate: Report
    trailer_swaps: TrailerSwapFigures
    transloads: TransloadFigures
    yards: list[YardTransloads]


class HistoryImportRead(OutputSchema):
    """One imported file of figures from before cuakhau."""

    id: int
    # trade (the customs office's) or fees (the finance office's).
    kind: HistoryKind
    file_name: str
    synthetic: bool
    imported_at: datetime
    imported_by_id: int | None
    figures: int
    first_day: date
    last_day: date


class PublicCell(OutputSchema):
    """A gate's (or, with no gate, the zone's) figures in a direction (or, with
    none, both). A suppressed cell has no measures."""

    gate_id: int | None
    direction: Direction | None
    suppressed: bool
    measures: dict[str, Figure] | None
    sources: list[Source]


class PublicTable(OutputSchema):
    period: PeriodRead
    cells: list[PublicCell]


class PublicGate(OutputSchema):
    id: int
    code: str
    name_vi: str
    name_en: str


class PublicStatistics(OutputSchema):
    """A month that is over, the month before and the same month a year before."""

    gates: list[PublicGate]
    month: PublicTable
    month_before: PublicTable
    year_before: PublicTable
    # The disclosure rules applied: a cell fewer enterprises make up, or one of
    # them holds more than this share of, is suppressed (and complements).
    min_contributors: int
    dominance: Decimal


class PublicStatisticsQuery(InputSchema):
    # A day in the month asked for; the last month that is over when left out.
    at: Day | None = None
