"""Fee revenue beside reinvestment (docs/statistics.md, "Revenue and
reinvestment"): what the gates earned in each step of a period, counted as the
fee report counts it (the fee rollup, and imported fee figures wholly inside
the step where cuakhau had not yet measured), beside what the investment
registry's zone-infrastructure projects reported disbursing over the same days.

A project's disbursement is reported cumulatively (lũy kế) on a date; what it
disbursed in a step is its cumulative figure at the step's last day less the
one the day before its first. A report that corrects a figure downwards makes
that step's disbursement negative: the registry says so, and so do we."""

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.core.errors import PermissionDenied
from cuakhau.investment.repository import with_files
from cuakhau.investment.state import state_as_of
from cuakhau.models import InvestmentProject, User
from cuakhau.models.enums import Role
from cuakhau.models.investment import Sector
from cuakhau.statistics.periods import Period, PeriodKind, period_of, steps
from cuakhau.statistics.schemas import (
    PeriodRead,
    Reinvestment,
    ReinvestmentQuery,
    ReinvestmentRow,
)
from cuakhau.statistics.service import RELATIVE, fee_revenue


def _disbursed_by(projects: list[InvestmentProject], day: date) -> int:
    """The projects' cumulative disbursement as reported by the end of ``day``."""
    return sum(state.disbursed_vnd for p in projects if (state := state_as_of(p, day)))


def _row(period: Period, revenue: int, disbursed: int, sources: list[str]) -> ReinvestmentRow:
    share = (Decimal(disbursed) / Decimal(revenue)).quantize(RELATIVE) if revenue else None
    return ReinvestmentRow(
        period=PeriodRead(first=period.first, last=period.last, days=period.days),
        fee_revenue_vnd=revenue,
        disbursed_vnd=disbursed,
        reinvested_share=share,
        sources=sources,
    )


def reinvestment(
    *, session: Session, user: User, query: ReinvestmentQuery, today: date
) -> Reinvestment:
    """Fee revenue and zone-infrastructure disbursement per step of the period:
    the board's and admins' (the registry is theirs)."""
    if user.role not in (Role.board, Role.admin):
        raise PermissionDenied("role_forbidden", role=user.role.value)
    period = period_of(query.period, query.at or today, query.until)
    projects = list(
        session.scalars(
            with_files(
                select(InvestmentProject).where(
                    InvestmentProject.sector == Sector.zone_infrastructure
                )
            )
        )
    )
    rows = []
    for step in steps(period, PeriodKind(query.step.value)):
        earned, sources = fee_revenue(session, step)
        spent = _disbursed_by(projects, step.last) - _disbursed_by(
            projects, step.first - timedelta(days=1)
        )
        rows.append(_row(step, earned, spent, sources))
    return Reinvestment(
        period=PeriodRead(first=period.first, last=period.last, days=period.days),
        step=query.step,
        projects=len(projects),
        rows=rows,
        # The steps added up: an imported figure longer than a step (a
        # quarter's, in months) is in none of them, so not in the total either.
        total=_row(
            period,
            sum(row.fee_revenue_vnd for row in rows),
            sum(row.disbursed_vnd for row in rows),
            sorted({source for row in rows for source in row.sources}),
        ),
    )
