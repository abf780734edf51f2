"""The board's reports, read from the daily rollups only (docs/statistics.md).

A report is the rollup's measures summed over a period's days, grouped as
asked, with each comparison period's figures and the change from them. Who
asks limits what is summed (``scope``)."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Table, func, select
from sqlalchemy.orm import Session

from cuakhau.accounts.service import GATE_BOUND_ROLES
from cuakhau.core.errors import Conflict, PermissionDenied
from cuakhau.models import (
    FeeDay,
    FeeHistory,
    HistoryImport,
    TradeDay,
    TradeEnterpriseMonth,
    TradeHistory,
    TradeMonth,
    User,
    VehicleDay,
    VehicleEnterpriseMonth,
    VehicleMonth,
)
from cuakhau.models.base import Base
from cuakhau.models.enums import HistoryKind, Role
from cuakhau.statistics.history import (
    History,
    counted_history,
    measured_since,
    overlapping_history,
)
from cuakhau.statistics.names import named
from cuakhau.statistics.periods import Period, compared, period_of, whole_months
from cuakhau.statistics.schemas import (
    Change,
    ComparedRead,
    FeeGroup,
    FeeQuery,
    PeriodRead,
    Report,
    ReportQuery,
    ReportRow,
    TradeGroup,
    TradeQuery,
)

Key = tuple[Any, ...]
Figures = dict[str, Decimal | int | None]


@dataclass
class Counted:
    """A period's figures by group key, and where each key's figures come
    from: ``measured``, ``imported`` or ``synthetic`` (the demo's history)."""

    figures: dict[Key, Figures]
    sources: dict[Key, set[str]]
    # Imported figures touching the period but not counted in it: their period
    # is not wholly inside it, cuakhau measured their gate then, or the report
    # asks for what they lack (an enterprise, a country, perishables).
    history_left_out: int = 0

    def sources_of(self, keys: Iterable[Key]) -> list[str]:
        found: set[str] = set()
        for key in keys:
            found |= self.sources.get(key, set())
        return sorted(found)


CENTS = Decimal("0.01")
RELATIVE = Decimal("0.0001")


@dataclass(frozen=True)
class Column:
    """A group or a filter of a report, read from whichever rollup table has
    the column ``name``."""

    name: str
    of: Callable[[Table], ColumnElement[Any]] | None = None

    def on(self, table: Table) -> ColumnElement[Any]:
        return table.c[self.name] if self.of is None else self.of(table)


@dataclass(frozen=True)
class Filter:
    column: str
    holds: Callable[[Table], ColumnElement[bool]]


def _equals(name: str, value: Any) -> Filter:
    return Filter(name, lambda table: table.c[name] == value)


def _hs_prefix(hs: str) -> Filter:
    return Filter("hs_heading", lambda table: func.substr(table.c.hs_heading, 1, len(hs)) == hs)


_TRADE_GROUPS: Mapping[TradeGroup, Column] = {
    TradeGroup.day: Column("day"),
    TradeGroup.gate: Column("gate_id"),
    TradeGroup.direction: Column("direction"),
    TradeGroup.regime: Column("regime"),
    TradeGroup.hs_chapter: Column(
        "hs_heading", lambda table: func.substr(table.c.hs_heading, 1, 2)
    ),
    TradeGroup.hs_heading: Column("hs_heading"),
    TradeGroup.enterprise: Column("enterprise_id"),
    TradeGroup.origin_country: Column("origin_country"),
    TradeGroup.destination_country: Column("destination_country"),
    TradeGroup.perishable: Column("perishable"),
    TradeGroup.vehicle_kind: Column("vehicle_kind"),
    TradeGroup.handover_mode: Column("handover_mode"),
}
# What the vehicle rollup also has: a report grouped or filtered only by these
# counts each truck once; by a line's heading or countries, a truck carrying
# two headings would be two, so vehicles and shipments are left out.
_VEHICLE_GROUPS = frozenset(
    {
        TradeGroup.day,
        TradeGroup.gate,
        TradeGroup.direction,
        TradeGroup.regime,
        TradeGroup.enterprise,
        TradeGroup.perishable,
        TradeGroup.vehicle_kind,
        TradeGroup.handover_mode,
    }
)
# What an imported figure has: a report grouped by anything else (or filtered
# by an enterprise, a country, perishables, a vehicle kind) leaves them out.
# Only some say their handover mode (the demo's synthetic ones): grouped by
# mode, the others are left out.
_HISTORY_GROUPS: Mapping[TradeGroup, ColumnElement[Any]] = {
    TradeGroup.gate: TradeHistory.gate_id,
    TradeGroup.direction: TradeHistory.direction,
    TradeGroup.regime: TradeHistory.regime,
    TradeGroup.hs_chapter: func.substr(TradeHistory.hs_heading, 1, 2),
    TradeGroup.hs_heading: TradeHistory.hs_heading,
    TradeGroup.handover_mode: TradeHistory.handover_mode,
}
_FEE_GROUPS: Mapping[FeeGroup, Column] = {
    FeeGroup.day: Column("day"),
    FeeGroup.gate: Column("gate_id"),
    FeeGroup.vehicle_class: Column("vehicle_class"),
    FeeGroup.kind: Column("kind"),
}
# Each day rollup, then the month rollups that regroup it (statistics.rollups),
# smallest first: a report reads whole months from the first that has every
# column it groups or filters by, and the days around them from the day rollup.
_TRADE_ROLLUPS = (TradeDay, TradeMonth, TradeEnterpriseMonth)
_VEHICLE_ROLLUPS = (VehicleDay, VehicleMonth, VehicleEnterpriseMonth)
# What an imported fee figure has: all but the day (it covers a period).
_FEE_HISTORY_GROUPS: Mapping[FeeGroup, ColumnElement[Any]] = {
    FeeGroup.gate: FeeHistory.gate_id,
    FeeGroup.vehicle_class: FeeHistory.vehicle_class,
    FeeGroup.kind: FeeHistory.kind,
}


@dataclass(frozen=True)
class Scope:
    """What the caller may sum: one enterprise's rows, one gate's, or all."""

    enterprise_id: int | None = None
    gate_id: int | None = None


def staff_scope(user: User, gate_id: int | None) -> Scope | None:
    """The board and admins see everything; gate, customs and yard officers
    their gate (asking for ``gate_id``); None for anyone else."""
    if user.role in (Role.admin, Role.board):
        return Scope()
    if user.role in GATE_BOUND_ROLES:
        if user.gate_id is None:
            # The role may read its gate's figures; the account lacks the gate.
            raise Conflict("statistics_no_gate")
        if gate_id not in (None, user.gate_id):
            raise PermissionDenied("statistics_other_gate")
        return Scope(gate_id=user.gate_id)
    return None


def scope(user: User, query: ReportQuery, *, enterprise_rows: bool) -> Scope:
    """The board and admins see everything; an enterprise its own figures, or
    the zone's totals (no breakdown); gate, customs and yard officers their gate."""
    staff = staff_scope(user, query.gate_id)
    if staff is not None:
        return staff
    if user.role is Role.enterprise and user.enterprise_id is not None:
        asked = getattr(query, "enterprise_id", None)
        if query.zone_totals or not enterprise_rows:
            # Whole: a zone total narrowed to one gate, heading or country
            # may be one other enterprise's figures.
            if _narrowed(query):
                raise PermissionDenied("statistics_zone_totals_only")
            return Scope()
        if asked not in (None, user.enterprise_id):
            raise PermissionDenied("statistics_own_only")
        return Scope(enterprise_id=user.enterprise_id)
    raise PermissionDenied("role_forbidden", role=user.role.value)


# What says which figures (the period and its comparisons) and how they are
# given (the language, a download's format). Everything else narrows or breaks
# down what is summed.
_PERIOD_FIELDS = frozenset({"period", "at", "until", "compare", "zone_totals", "lang", "format"})


def _narrowed(query: ReportQuery) -> bool:
    """Whether the query groups, filters or limits the figures."""
    return any(
        getattr(query, name) not in (None, [])
        for name in type(query).model_fields
        if name not in _PERIOD_FIELDS
    )


def _period(query: ReportQuery, today: date) -> Period:
    return period_of(query.period, query.at or today, query.until)


def _sums(
    session: Session,
    rollups: Sequence[type[Base]],
    groups: Sequence[Column],
    measures: Mapping[str, str],
    where: Sequence[Filter],
    period: Period,
) -> dict[Key, Figures]:
    """The ``measures`` (name: rollup column) of ``period`` summed by ``groups``:
    whole months from the smallest month rollup that has every column needed,
    the rest from the day rollup, ``rollups[0]``."""
    needed = {group.name for group in groups} | {condition.column for condition in where}
    by_month = next(
        (model for model in rollups[1:] if needed <= set(model.__table__.c.keys())), None
    )
    days, months = whole_months(period) if by_month is not None else ([period], None)
    pieces = [(rollups[0].__table__, "day", piece) for piece in days]
    if months is not None and by_month is not None:
        pieces.append((by_month.__table__, "month", months))
    figures: dict[Key, Figures] = {}
    for table, time_key, piece in pieces:
        labelled = [group.on(table).label(f"g{i}") for i, group in enumerate(groups)]
        sums = [
            func.coalesce(func.sum(table.c[column]), 0).label(name)
            for name, column in measures.items()
        ]
        statement = (
            select(*labelled, *sums)
            .where(
                table.c[time_key] >= piece.first,
                table.c[time_key] <= piece.last,
                *(condition.holds(table) for condition in where),
            )
            .group_by(*labelled)
        )
        for row in session.execute(statement).mappings():
            key = tuple(row[f"g{i}"] for i in range(len(groups)))
            cell = figures.setdefault(key, dict.fromkeys(measures, 0))
            for name in measures:
                cell[name] = int(cell[name] or 0) + int(row[name])
    # Without a grouping the sum is one row even over nothing: no figures.
    return {key: cell for key, cell in figures.items() if any(cell.values())}


def _trade_where(query: TradeQuery, allowed: Scope) -> list[Filter]:
    where = [
        _equals(name, getattr(query, name))
        for name in (
            "direction",
            "regime",
            "origin_country",
            "destination_country",
            "perishable",
            "vehicle_kind",
            "handover_mode",
        )
        if getattr(query, name) is not None
    ]
    if query.hs is not None:
        where.append(_hs_prefix(query.hs))
    return where + _common_where(query, allowed, query.enterprise_id)


def _common_where(query: ReportQuery, allowed: Scope, enterprise_id: int | None) -> list[Filter]:
    where = []
    gate_id = allowed.gate_id or query.gate_id
    if gate_id is not None:
        where.append(_equals("gate_id", gate_id))
    enterprise_id = allowed.enterprise_id or enterprise_id
    if enterprise_id is not None:
        where.append(_equals("enterprise_id", enterprise_id))
    return where


def _vehicles_countable(query: TradeQuery) -> bool:
    line_filters = (query.hs, query.origin_country, query.destination_country)
    return all(group in _VEHICLE_GROUPS for group in query.group_by) and all(
        value is None for value in line_filters
    )


def _vehicle_where(query: TradeQuery, allowed: Scope) -> list[Filter]:
    where = [
        _equals(name, getattr(query, name))
        for name in ("direction", "regime", "perishable", "vehicle_kind", "handover_mode")
        if getattr(query, name) is not None
    ]
    return where + _common_where(query, allowed, query.enterprise_id)


def _trade_figures(session: Session, query: TradeQuery, allowed: Scope, period: Period) -> Counted:
    groups = [_TRADE_GROUPS[group] for group in query.group_by]
    measures = {
        "value_usd": "value_usd_cents",
        "weight_kg": "weight_kg",
        "packages": "packages",
        "lines": "lines",
    }
    figures = _sums(session, _TRADE_ROLLUPS, groups, measures, _trade_where(query, allowed), period)
    trucks: dict[Key, Figures] = {}
    if _vehicles_countable(query):
        trucks = _sums(
            session,
            _VEHICLE_ROLLUPS,
            groups,
            {"vehicles": "vehicles", "shipments": "shipments"},
            _vehicle_where(query, allowed),
            period,
        )
    empty = _empty_trade(query)
    counted = Counted(
        {
            key: {**empty, **figures.get(key, {}), **trucks.get(key, {})}
            for key in figures.keys() | trucks.keys()
        },
        {key: {"measured"} for key in figures.keys() | trucks.keys()},
    )
    if _history_countable(query, allowed):
        _add_history(session, query, allowed, period, counted)
    else:
        counted.history_left_out = _history_touching(
            session, TradeHistory, _history_where(query, allowed), period
        )
    for cell in counted.figures.values():
        cell["value_usd"] = (Decimal(cell["value_usd"] or 0) * CENTS).quantize(CENTS)
    return counted


def _history_countable(query: TradeQuery, allowed: Scope) -> bool:
    """Whether imported figures can be counted in the report: they have no
    enterprise, countries, perishable flag or vehicle kind."""
    lacking = (
        query.enterprise_id,
        query.origin_country,
        query.destination_country,
        query.perishable,
        query.vehicle_kind,
    )
    return (
        allowed.enterprise_id is None
        and all(value is None for value in lacking)
        and all(group in _HISTORY_GROUPS for group in query.group_by)
    )


def _history_where(query: TradeQuery, allowed: Scope) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.direction is not None:
        where.append(TradeHistory.direction == query.direction)
    if query.regime is not None:
        where.append(TradeHistory.regime == query.regime)
    if query.handover_mode is not None:
        where.append(TradeHistory.handover_mode == query.handover_mode)
    if query.hs is not None:
        where.append(func.substr(TradeHistory.hs_heading, 1, len(query.hs)) == query.hs)
    gate_id = allowed.gate_id or query.gate_id
    if gate_id is not None:
        where.append(TradeHistory.gate_id == gate_id)
    return where


def _add_history(
    session: Session, query: TradeQuery, allowed: Scope, period: Period, counted: Counted
) -> None:
    """Add the imported trade figures the period counts to the measured ones,
    value in cents as the rollup keeps it."""
    measures = {"value_usd": TradeHistory.value_usd_cents, "weight_kg": TradeHistory.weight_kg}
    if _vehicles_countable(query):
        measures["vehicles"] = TradeHistory.vehicles
    _add_imported(
        session,
        counted,
        Imported(
            table=TradeHistory,
            kind=HistoryKind.trade,
            groups=[_HISTORY_GROUPS[group] for group in query.group_by],
            measures=measures,
            where=_history_where(query, allowed),
            # Grouped by mode, a figure that says none is left out.
            only=(
                [TradeHistory.handover_mode.is_not(None)]
                if TradeGroup.handover_mode in query.group_by
                else []
            ),
        ),
        period,
        _empty_trade(query),
    )


@dataclass(frozen=True)
class Imported:
    """What a report asks of an imported table: its groups and measures, the
    filters its figures must pass, and (``only``) which of them it can count."""

    table: History
    kind: HistoryKind
    groups: Sequence[ColumnElement[Any]]
    measures: Mapping[str, ColumnElement[Any]]
    where: Sequence[ColumnElement[bool]]
    only: Sequence[ColumnElement[bool]] = ()


def _add_imported(
    session: Session, counted: Counted, asked: Imported, period: Period, blank: Figures
) -> None:
    """Add the imported figures the period counts (``history.counted_history``:
    measured wins) to the measured ones, each key saying ``imported`` or
    ``synthetic``, and count those touching the period but left out."""
    table = asked.table
    since = measured_since(session, kind=asked.kind)
    labelled = [group.label(f"g{i}") for i, group in enumerate(asked.groups)]
    statement = (
        select(
            *labelled,
            HistoryImport.synthetic,
            *(func.sum(column).label(name) for name, column in asked.measures.items()),
            func.count().label("figures"),
        )
        .join(HistoryImport, HistoryImport.id == table.import_id)
        .where(*asked.where, *asked.only, *counted_history(period, since, table))
        .group_by(*labelled, HistoryImport.synthetic)
    )
    counted_figures = 0
    for row in session.execute(statement).mappings():
        key = tuple(row[f"g{i}"] for i in range(len(asked.groups)))
        cell = counted.figures.setdefault(key, dict(blank))
        for name in asked.measures:
            cell[name] = int(cell[name] or 0) + int(row[name])
        counted.sources.setdefault(key, set()).add("synthetic" if row["synthetic"] else "imported")
        counted_figures += int(row["figures"])
    counted.history_left_out = (
        _history_touching(session, table, asked.where, period) - counted_figures
    )


def _history_touching(
    session: Session, table: History, where: Sequence[ColumnElement[bool]], period: Period
) -> int:
    """The imported figures of at least one of the period's days."""
    touching = session.scalar(
        select(func.count()).select_from(table).where(*where, *overlapping_history(period, table))
    )
    return int(touching or 0)


def _fee_filters(query: FeeQuery, allowed: Scope) -> list[Filter]:
    """The fee rollup's or the fee history's rows the query and scope keep."""
    where = _common_where(query, allowed, None)
    if query.vehicle_class is not None:
        where.append(_equals("vehicle_class", query.vehicle_class))
    if query.kind is not None:
        where.append(_equals("kind", query.kind))
    return where


def _fee_figures(session: Session, query: FeeQuery, allowed: Scope, period: Period) -> Counted:
    """The receipts' revenue, and the imported fee figures the period counts
    (they have no day: a report by day leaves them out)."""
    groups = [_FEE_GROUPS[group] for group in query.group_by]
    filters = _fee_filters(query, allowed)
    measures = {"amount_vnd": "amount_vnd", "fees": "fees"}
    figures = _sums(session, (FeeDay,), groups, measures, filters, period)
    counted = Counted(figures, {key: {"measured"} for key in figures})
    history_where = [condition.holds(FeeHistory.__table__) for condition in filters]
    if all(group in _FEE_HISTORY_GROUPS for group in query.group_by):
        asked = Imported(
            table=FeeHistory,
            kind=HistoryKind.fees,
            groups=[_FEE_HISTORY_GROUPS[group] for group in query.group_by],
            measures={"amount_vnd": FeeHistory.amount_vnd, "fees": FeeHistory.fees},
            where=history_where,
        )
        _add_imported(session, counted, asked, period, {"amount_vnd": 0, "fees": 0})
    else:
        counted.history_left_out = _history_touching(session, FeeHistory, history_where, period)
    return counted


def change(now: Decimal | int | None, then: Decimal | int | None) -> Change | None:
    """The absolute and relative change from ``then`` to ``now``."""
    if now is None or then is None:
        return None
    relative = None if not then else (Decimal(now - then) / Decimal(then)).quantize(RELATIVE)
    return Change(absolute=now - then, relative=relative)


def _total(figures: Mapping[Key, Figures], blank: Figures, keys: Iterable[Key]) -> Figures:
    """The figures of ``keys`` added up (``blank`` where there are none); a
    measure one of them lacks (None) is None."""
    cells = [figures[key] for key in keys if key in figures]
    total: Figures = {}
    for name, zero in blank.items():
        values = [cell[name] for cell in cells]
        if zero is None or any(value is None for value in values):
            total[name] = None
        else:
            total[name] = sum(values, start=zero)  # type: ignore[arg-type]
    return total


def _report(
    query: ReportQuery,
    group_names: Sequence[str],
    figures_of: Callable[[Period], Counted],
    blank: Figures,
    today: date,
) -> Report:
    """``figures_of(period)``: the figures by group key and their sources;
    ``blank``: a group's figures where nothing was counted."""
    period = _period(query, today)
    current = figures_of(period)
    others = {comparison: compared(period, comparison) for comparison in query.compare}
    earlier = {comparison: figures_of(other) for comparison, other in others.items()}
    names = list(blank)

    def row(group: Mapping[str, Any], keys: Sequence[Key]) -> ReportRow:
        now = _total(current.figures, blank, keys)
        compared_rows = []
        for comparison, then in earlier.items():
            figures = _total(then.figures, blank, keys)
            compared_rows.append(
                ComparedRead(
                    comparison=comparison,
                    measures=figures,
                    change={name: change(now.get(name), figures.get(name)) for name in names},
                    sources=then.sources_of(keys),
                )
            )
        return ReportRow(
            group=dict(group),
            measures=now,
            sources=current.sources_of(keys),
            compared=compared_rows,
        )

    lead = names[0]
    figures = current.figures
    keys = sorted(figures, key=lambda key: (-(figures[key][lead] or 0), [str(k) for k in key]))
    if query.limit is not None:
        keys = keys[: query.limit]
    rows = [
        row({name: _plain(value) for name, value in zip(group_names, key, strict=True)}, [key])
        for key in keys
    ]
    every = current.figures.keys() | {key for then in earlier.values() for key in then.figures}
    total = row({}, sorted(every, key=lambda key: [str(k) for k in key]))
    return Report(
        period=_period_read(period),
        comparisons={comparison: _period_read(other) for comparison, other in others.items()},
        group_by=list(group_names),
        sources=sorted(
            {*total.sources, *(source for read in total.compared for source in read.sources)}
        ),
        history_left_out=current.history_left_out,
        rows=rows,
        total=total,
    )


def _plain(value: Any) -> str | int | bool:
    if isinstance(value, date):
        return value.isoformat()
    return value.value if hasattr(value, "value") else value  # type: ignore[no-any-return]


def _period_read(period: Period) -> PeriodRead:
    return PeriodRead(first=period.first, last=period.last, days=period.days)


def trade_report(
    *, session: Session, user: User, query: TradeQuery, today: date, language: str = "vi"
) -> Report:
    """Value, weight, packages, lines, vehicles and shipments that crossed, as
    far as ``user`` may see them, with the group values named in ``language``."""
    allowed = scope(user, query, enterprise_rows=True)
    return named(session, scoped_trade_report(session, query, allowed, today), language)


def scoped_trade_report(session: Session, query: TradeQuery, allowed: Scope, today: date) -> Report:
    """The trade report summed over what ``allowed`` covers, unnamed."""
    return _report(
        query,
        [group.value for group in query.group_by],
        lambda period: _trade_figures(session, query, allowed, period),
        _empty_trade(query),
        today,
    )


def _empty_trade(query: TradeQuery) -> Figures:
    counted = 0 if _vehicles_countable(query) else None
    return {
        "value_usd": Decimal("0.00"),
        "weight_kg": 0,
        "packages": 0,
        "lines": 0,
        "vehicles": counted,
        "shipments": counted,
    }


def fee_report(
    *, session: Session, user: User, query: FeeQuery, today: date, language: str = "vi"
) -> Report:
    """Fee revenue (the receipts issued and not voided), in đồng."""
    allowed = scope(user, query, enterprise_rows=False)
    report = _report(
        query,
        [group.value for group in query.group_by],
        lambda period: _fee_figures(session, query, allowed, period),
        {"amount_vnd": 0, "fees": 0},
        today,
    )
    return named(session, report, language)


def fee_revenue(session: Session, period: Period) -> tuple[int, list[str]]:
    """The zone's fee revenue of ``period`` in đồng, as the fee report counts
    it (imported figures wholly inside it, measured wins), and its sources."""
    counted = _fee_figures(session, FeeQuery(), Scope(), period)
    total = _total(counted.figures, {"amount_vnd": 0}, counted.figures)
    return int(total["amount_vnd"] or 0), counted.sources_of(counted.figures)
