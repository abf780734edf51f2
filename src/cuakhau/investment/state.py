"""A project's state on a date, folded from its amendments dated on or before it."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from cuakhau.models.investment import (
    Amendment,
    AmendmentKind,
    InvestmentProject,
    Investor,
    Milestone,
    ProjectStatus,
)


@dataclass
class MilestoneState:
    planned_on: date | None = None
    reached_on: date | None = None

    def days_late(self, as_of: date) -> int | None:
        """Days past the plan: to the day it was reached, or to ``as_of`` while open."""
        if self.planned_on is None:
            return None
        end = self.reached_on or as_of
        return max((end - self.planned_on).days, 0)


@dataclass
class ProjectState:
    project: InvestmentProject
    as_of: date
    status: ProjectStatus = ProjectStatus.valid
    capital_vnd: int = 0
    capital_usd: Decimal | None = None
    disbursed_vnd: int = 0
    investors: list[Investor] = field(default_factory=list)
    milestones: dict[Milestone, MilestoneState] = field(
        default_factory=lambda: {m: MilestoneState() for m in Milestone}
    )

    def apply(self, amendment: Amendment) -> None:
        kind = amendment.kind
        if kind in (AmendmentKind.registered, AmendmentKind.capital_adjusted):
            assert amendment.capital_vnd is not None  # CHECK capital_given
            self.capital_vnd = amendment.capital_vnd
            self.capital_usd = amendment.capital_usd
        if amendment.status is not None:
            self.status = amendment.status
        if amendment.investor_links:
            self.investors = [link.investor for link in amendment.investor_links]
        if amendment.disbursed_vnd is not None:
            self.disbursed_vnd = amendment.disbursed_vnd
        if amendment.milestone is not None:
            milestone = self.milestones[amendment.milestone]
            if kind is AmendmentKind.milestone_planned:
                milestone.planned_on = amendment.planned_on
            else:
                milestone.reached_on = amendment.effective_on

    def days_late(self) -> int:
        return max((m.days_late(self.as_of) or 0) for m in self.milestones.values())


def state_as_of(project: InvestmentProject, as_of: date) -> ProjectState | None:
    """None before the certificate: the project did not exist yet."""
    if project.certificate_date > as_of:
        return None
    state = ProjectState(project=project, as_of=as_of)
    # Sorted here too: amendments added in this session are appended, not ordered.
    for amendment in sorted(project.amendments, key=lambda a: (a.effective_on, a.id or 0)):
        if amendment.effective_on > as_of:
            break
        state.apply(amendment)
    return state
