"""The board's reports on the portfolio as of a date: tables that the API returns
as JSON and the exports render as CSV, XLSX, PDF and PNG charts.

Headline figures count projects in force (status *valid*), as the board reports
them; suspended, terminated and completed projects appear in the status table.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from cuakhau.core.errors import InvalidInput
from cuakhau.core.messages import translate
from cuakhau.core.numbers import format_number
from cuakhau.core.tables import Column, Table
from cuakhau.investment.repository import states_as_of
from cuakhau.investment.state import ProjectState
from cuakhau.models.investment import Amendment, Area, Milestone, ProjectStatus, Sector


@dataclass
class Report:
    name: str
    title: str
    as_of: date
    since: date | None
    tables: list[Table] = field(default_factory=list)


class Reporter:
    """Builds tables in one language."""

    def __init__(self, language: str):
        self.language = language

    def t(self, key: str, **params: Any) -> str:
        return translate(key, self.language, **params)

    def label(self, value: StrEnum | str) -> str:
        kind = type(value).__name__.lower() if isinstance(value, StrEnum) else "group"
        return self.t(f"inv_{kind}_{value}")

    def table(
        self, key: str, columns: list[Column], rows: list[dict[str, Any]], chart: str | None = None
    ) -> Table:
        labels = {c.key: self.t(f"inv_col_{c.key}") for c in columns}
        return Table(key, self.t(f"inv_table_{key}"), columns, labels, rows, chart)


def in_force(states: Iterable[ProjectState]) -> list[ProjectState]:
    return [s for s in states if s.status is ProjectStatus.valid]


GROUP_COLUMNS = [
    Column("label"),
    Column("projects", "count"),
    Column("capital_vnd", "vnd"),
    Column("capital_usd", "usd"),
    Column("disbursed_vnd", "vnd"),
]


def _totals(states: list[ProjectState]) -> dict[str, Any]:
    usd = [s.capital_usd for s in states if s.capital_usd is not None]
    return {
        "projects": len(states),
        "capital_vnd": sum(s.capital_vnd for s in states),
        "capital_usd": sum(usd, Decimal(0)) if usd else None,
        "disbursed_vnd": sum(s.disbursed_vnd for s in states),
    }


def _grouped(
    r: Reporter,
    states: list[ProjectState],
    groups: Iterable[Any],
    key: Callable[[ProjectState], Any],
) -> list[dict[str, Any]]:
    rows = [
        {"group": str(g), "label": r.label(g), **_totals([s for s in states if key(s) == g])}
        for g in groups
    ]
    return [*rows, {"group": "total", "label": r.label("total"), **_totals(states)}]


def ownership(state: ProjectState) -> str:
    return "fdi" if state.project.foreign_invested else "domestic"


def summary(r: Reporter, session: Session, as_of: date, _since: date | None) -> list[Table]:
    states = states_as_of(session, as_of)
    valid = in_force(states)
    key_rows = [
        {
            "code": s.project.code,
            "label": s.project.name_vi
            if r.language == "vi"
            else s.project.name_en or s.project.name_vi,
            "sector": r.label(s.project.sector),
            "area": r.label(s.project.area),
            "status": r.label(s.status),
            "capital_vnd": s.capital_vnd,
        }
        for s in states
        if s.project.is_key
    ]
    status_rows = [
        {
            "group": str(status),
            "label": r.label(status),
            "domestic": sum(1 for s in states if s.status is status and ownership(s) == "domestic"),
            "fdi": sum(1 for s in states if s.status is status and ownership(s) == "fdi"),
        }
        for status in ProjectStatus
    ]
    return [
        r.table(
            "ownership",
            GROUP_COLUMNS,
            _grouped(r, valid, ("domestic", "fdi"), ownership),
            "capital_vnd",
        ),
        r.table(
            "sectors",
            GROUP_COLUMNS,
            _grouped(r, valid, Sector, lambda s: s.project.sector),
            "capital_vnd",
        ),
        r.table(
            "areas",
            GROUP_COLUMNS,
            _grouped(r, valid, Area, lambda s: s.project.area),
            "capital_vnd",
        ),
        r.table(
            "key_projects",
            [
                Column("code"),
                Column("label"),
                Column("sector"),
                Column("area"),
                Column("status"),
                Column("capital_vnd", "vnd"),
            ],
            key_rows,
        ),
        r.table(
            "status",
            [Column("label"), Column("domestic", "count"), Column("fdi", "count")],
            status_rows,
        ),
    ]


def milestones(r: Reporter, session: Session, as_of: date, _since: date | None) -> list[Table]:
    rows = []
    for s in states_as_of(session, as_of):
        if s.status not in (ProjectStatus.valid, ProjectStatus.suspended):
            continue
        for milestone in Milestone:
            plan = s.milestones[milestone]
            if plan.planned_on is None:
                continue
            late = plan.days_late(as_of) or 0
            rows.append(
                {
                    "code": s.project.code,
                    "milestone": r.label(milestone),
                    "planned_on": plan.planned_on,
                    "reached_on": plan.reached_on,
                    "days_late": late,
                    "late": late > 0,
                }
            )
    rows.sort(key=lambda row: (-row["days_late"], row["code"], row["planned_on"]))
    columns = [
        Column("code"),
        Column("milestone"),
        Column("planned_on", "date"),
        Column("reached_on", "date"),
        Column("days_late", "days"),
    ]
    return [r.table("milestones", columns, rows, "days_late")]


def _share(part: int, whole: int) -> Decimal | None:
    return (Decimal(part * 100) / whole).quantize(Decimal("0.1")) if whole else None


def disbursement(r: Reporter, session: Session, as_of: date, _since: date | None) -> list[Table]:
    valid = in_force(states_as_of(session, as_of))
    columns = [
        Column("label"),
        Column("capital_vnd", "vnd"),
        Column("disbursed_vnd", "vnd"),
        Column("disbursed_share", "percent"),
    ]
    groups = [
        {**row, "disbursed_share": _share(row["disbursed_vnd"], row["capital_vnd"])}
        for row in _grouped(r, valid, ("domestic", "fdi"), ownership)
    ]
    projects = sorted(
        (
            {
                "code": s.project.code,
                "label": r.label(ownership(s)),
                "capital_vnd": s.capital_vnd,
                "disbursed_vnd": s.disbursed_vnd,
                "disbursed_share": _share(s.disbursed_vnd, s.capital_vnd),
            }
            for s in valid
        ),
        key=lambda row: (row["disbursed_share"] or Decimal(0), row["code"]),
    )
    return [
        r.table("disbursement", columns, groups, "disbursed_share"),
        r.table("disbursement_projects", [Column("code"), *columns], projects),
    ]


def change(r: Reporter, session: Session, as_of: date, since: date | None) -> list[Table]:
    if since is None or since > as_of:
        raise InvalidInput("since_required", field="since")
    before = in_force(states_as_of(session, since))
    after = in_force(states_as_of(session, as_of))
    rows = []
    for group, test in [
        *((g, lambda s, g=g: ownership(s) == g) for g in ("domestic", "fdi")),
        *((g, lambda s, g=g: s.project.sector == g) for g in Sector),
        ("total", lambda _s: True),
    ]:
        old = _totals([s for s in before if test(s)])
        new = _totals([s for s in after if test(s)])
        rows.append(
            {
                "group": str(group),
                "label": r.label(group),
                "projects_since": old["projects"],
                "projects": new["projects"],
                "projects_change": new["projects"] - old["projects"],
                "capital_vnd_since": old["capital_vnd"],
                "capital_vnd": new["capital_vnd"],
                "capital_vnd_change": new["capital_vnd"] - old["capital_vnd"],
            }
        )
    columns = [
        Column("label"),
        Column("projects_since", "count"),
        Column("projects", "count"),
        Column("projects_change", "count"),
        Column("capital_vnd_since", "vnd"),
        Column("capital_vnd", "vnd"),
        Column("capital_vnd_change", "vnd"),
    ]
    entries = [
        {
            "effective_on": a.effective_on,
            "code": s.project.code,
            "kind": r.label(a.kind),
            "detail": _detail(r, a),
        }
        for s in states_as_of(session, as_of)
        for a in s.project.amendments
        if since < a.effective_on <= as_of
    ]
    entries.sort(key=lambda row: (row["effective_on"], row["code"]))
    entry_columns = [
        Column("effective_on", "date"),
        Column("code"),
        Column("kind"),
        Column("detail"),
    ]
    return [
        r.table("change", columns, rows, "capital_vnd_change"),
        r.table("amendments", entry_columns, entries),
    ]


def _detail(r: Reporter, a: Amendment) -> str:
    parts = []
    if a.capital_vnd is not None:
        parts.append(f"{format_number(a.capital_vnd, r.language)} VND")
    if a.capital_usd is not None:
        parts.append(f"{format_number(a.capital_usd, r.language)} USD")
    if a.status is not None:
        parts.append(r.label(a.status))
    if a.disbursed_vnd is not None:
        parts.append(f"{format_number(a.disbursed_vnd, r.language)} VND")
    if a.milestone is not None:
        parts.append(r.label(a.milestone))
    if a.planned_on is not None:
        parts.append(a.planned_on.isoformat())
    parts += [link.investor.code for link in a.investor_links]
    return "; ".join(parts)


class ReportName(StrEnum):
    summary = "summary"
    milestones = "milestones"
    disbursement = "disbursement"
    change = "change"


BUILDERS = {
    ReportName.summary: summary,
    ReportName.milestones: milestones,
    ReportName.disbursement: disbursement,
    ReportName.change: change,
}


def build_report(
    session: Session, name: ReportName, as_of: date, since: date | None, language: str
) -> Report:
    r = Reporter(language)
    tables = BUILDERS[name](r, session, as_of, since)
    return Report(name.value, r.t(f"inv_report_{name.value}"), as_of, since, tables)
