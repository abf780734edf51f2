"""The zone's figures for everyone (the public page): this month and this year
to date against the same days a year before, per gate, totals only.

Every public figure comes from ``public_figures``, so what may be published is
decided in one place."""

from datetime import date

from sqlalchemy.orm import Session

from cuakhau.core.schemas import OutputSchema
from cuakhau.statistics.names import named
from cuakhau.statistics.periods import Comparison, PeriodKind
from cuakhau.statistics.schemas import Report, TradeGroup, TradeQuery
from cuakhau.statistics.service import Scope, scoped_trade_report


class PublicFigures(OutputSchema):
    as_of: date
    # The month's first day to ``as_of``, and 1 January to ``as_of``, by gate.
    month: Report
    year: Report


def public_figures(*, session: Session, today: date, language: str) -> PublicFigures:
    """Value and vehicles per gate and for the zone, month and year to date,
    each against the same days a year before."""

    def by_gate(period: PeriodKind, at: date, until: date | None) -> Report:
        query = TradeQuery(
            period=period,
            at=at,
            until=until,
            group_by=[TradeGroup.gate],
            compare=[Comparison.year_before],
        )
        return named(session, scoped_trade_report(session, query, Scope(), today), language)

    return PublicFigures(
        as_of=today,
        month=by_gate(PeriodKind.range, today.replace(day=1), today),
        year=by_gate(PeriodKind.year_to_date, today, None),
    )
