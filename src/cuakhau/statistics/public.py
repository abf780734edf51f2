"""The zone's and its gates' totals for the public (docs/statistics.md, "What
the public sees"): a month's gate × direction table with its totals, and the
same table of the month before and of the same month a year before, each
under disclosure control (``statistics.disclosure``).

Only months that are over are published: a month in progress grows day by
day, and yesterday's figure taken from today's would give one day's cell,
which no suppression of the month's table protects. Months are the only
period, for the same reason: a year published beside its months would give a
suppressed month by subtraction."""

from collections import defaultdict
from collections.abc import Hashable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cuakhau.core.errors import InvalidInput
from cuakhau.models import Gate, HistoryImport, TradeDay, TradeHistory, VehicleDay
from cuakhau.models.enums import Direction
from cuakhau.statistics.disclosure import (
    DOMINANCE,
    MIN_CONTRIBUTORS,
    TOTAL,
    Cell,
    Layout,
    sensitive,
    suppress,
)
from cuakhau.statistics.history import counted_history, measured_since
from cuakhau.statistics.periods import Comparison, Period, PeriodKind, compared, period_of
from cuakhau.statistics.schemas import (
    PeriodRead,
    PublicCell,
    PublicGate,
    PublicStatistics,
    PublicTable,
)

MEASURES = ("value_usd", "weight_kg", "vehicles")
CENTS = Decimal("0.01")


def _nothing() -> dict[str, int]:
    return dict.fromkeys(MEASURES, 0)


class _Cell:
    """A cell's measures: by enterprise (measured), and imported whole."""

    def __init__(self) -> None:
        self.by_enterprise: dict[int, dict[str, int]] = defaultdict(_nothing)
        self.imported = _nothing()
        self.sources: set[str] = set()

    def add(self, other: "_Cell") -> None:
        for enterprise, measures in other.by_enterprise.items():
            for name, value in measures.items():
                self.by_enterprise[enterprise][name] += value
        for name, value in other.imported.items():
            self.imported[name] += value
        self.sources |= other.sources

    def total(self, name: str) -> int:
        return self.imported[name] + sum(m[name] for m in self.by_enterprise.values())

    def sensitive(self) -> bool:
        """Judged on what cuakhau measured, enterprise by enterprise, in each
        measure; imported figures are the customs office's own published
        totals and name no enterprise."""
        return any(sensitive(m[name] for m in self.by_enterprise.values()) for name in MEASURES)


def _inner_cells(session: Session, period: Period) -> dict[Cell, _Cell]:
    cells: dict[Cell, _Cell] = defaultdict(_Cell)
    in_period = (TradeDay.day >= period.first, TradeDay.day <= period.last)
    goods = (
        select(
            TradeDay.gate_id,
            TradeDay.direction,
            TradeDay.enterprise_id,
            func.sum(TradeDay.value_usd_cents),
            func.sum(TradeDay.weight_kg),
        )
        .where(*in_period)
        .group_by(TradeDay.gate_id, TradeDay.direction, TradeDay.enterprise_id)
    )
    for gate_id, direction, enterprise_id, cents, kg in session.execute(goods):
        cell = cells[(gate_id, direction)]
        cell.by_enterprise[enterprise_id] |= {"value_usd": int(cents), "weight_kg": int(kg)}
        cell.sources.add("measured")
    trucks = (
        select(
            VehicleDay.gate_id,
            VehicleDay.direction,
            VehicleDay.enterprise_id,
            func.sum(VehicleDay.vehicles),
        )
        .where(VehicleDay.day >= period.first, VehicleDay.day <= period.last)
        .group_by(VehicleDay.gate_id, VehicleDay.direction, VehicleDay.enterprise_id)
    )
    for gate_id, direction, enterprise_id, vehicles in session.execute(trucks):
        cell = cells[(gate_id, direction)]
        cell.by_enterprise[enterprise_id]["vehicles"] = int(vehicles)
        cell.sources.add("measured")
    imported = (
        select(
            TradeHistory.gate_id,
            TradeHistory.direction,
            HistoryImport.synthetic,
            func.sum(TradeHistory.value_usd_cents),
            func.sum(TradeHistory.weight_kg),
            func.sum(TradeHistory.vehicles),
        )
        .join(HistoryImport, HistoryImport.id == TradeHistory.import_id)
        .where(*counted_history(period, measured_since(session)))
        .group_by(TradeHistory.gate_id, TradeHistory.direction, HistoryImport.synthetic)
    )
    for gate_id, direction, synthetic, cents, kg, vehicles in session.execute(imported):
        cell = cells[(gate_id, direction)]
        for name, value in zip(MEASURES, (cents, kg, vehicles), strict=True):
            cell.imported[name] += int(value)
        cell.sources.add("synthetic" if synthetic else "imported")
    return cells


def _table(session: Session, period: Period, layout: Layout) -> PublicTable:
    inner = _inner_cells(session, period)
    cells: dict[Cell, _Cell] = {cell: _Cell() for cell in layout.cells()}
    for (gate_id, direction), cell in inner.items():
        for target in ((gate_id, direction), (gate_id, TOTAL), (TOTAL, direction), (TOTAL, TOTAL)):
            cells[target].add(cell)
    primary = {key for key, cell in cells.items() if cell.sensitive()}
    values = {key: cell.total("value_usd") for key, cell in cells.items()}
    hidden = suppress(layout, values, primary)
    return PublicTable(
        period=PeriodRead(first=period.first, last=period.last, days=period.days),
        cells=[_published(key, cell, key in hidden) for key, cell in cells.items()],
    )


def _published(key: Cell, cell: _Cell, hidden: bool) -> PublicCell:
    gate_id, direction = key
    measures: dict[str, Any] | None = None
    if not hidden:
        measures = {name: cell.total(name) for name in MEASURES}
        measures["value_usd"] = (Decimal(measures["value_usd"]) * CENTS).quantize(CENTS)
    return PublicCell(
        gate_id=None if gate_id == TOTAL else gate_id,
        direction=None if direction == TOTAL else direction,
        suppressed=hidden,
        measures=measures,
        sources=sorted(cell.sources) if not hidden else [],
    )


def public_statistics(session: Session, *, at: date | None, today: date) -> PublicStatistics:
    """The month ``at`` falls in (the last month that is over when not given),
    the month before and the same month a year before, by gate and direction
    with the zone's totals, under disclosure control."""
    this_month = period_of(PeriodKind.month, today)
    month = (
        period_of(PeriodKind.month, at)
        if at is not None
        else compared(this_month, Comparison.month_before)
    )
    if month.last >= this_month.first:
        raise InvalidInput("statistics_public_month_not_over", field="at")
    gates = list(session.scalars(select(Gate).order_by(Gate.id)))
    rows: list[Hashable] = [gate.id for gate in gates]
    layout = Layout(rows=rows, columns=list(Direction))
    return PublicStatistics(
        gates=[
            PublicGate(id=gate.id, code=gate.code, name_vi=gate.name_vi, name_en=gate.name_en)
            for gate in gates
        ],
        month=_table(session, month, layout),
        month_before=_table(session, compared(month, Comparison.month_before), layout),
        year_before=_table(session, compared(month, Comparison.year_before), layout),
        min_contributors=MIN_CONTRIBUTORS,
        dominance=DOMINANCE,
    )
