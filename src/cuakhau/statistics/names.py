"""The names of a report's group values in the reader's language: gates and
enterprises from their rows, HS chapters and headings from the shipped
nomenclature (``reference/data/hs_chapters.yaml``, ``hs_codes.yaml``), the
other groupings' values from the message catalogues."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.core.messages import translate
from cuakhau.models import Enterprise, Gate
from cuakhau.reference.hs_codes import hs_name
from cuakhau.statistics.schemas import Report, ReportRow

# The catalogue's word for each value of these groupings is the prefix and the value.
WORDS = {
    "direction": "direction_",
    "regime": "regime_",
    "vehicle_kind": "vehicle_kind_",
    "vehicle_class": "yard_class_",
    "kind": "fee_kind_",
    "handover_mode": "handover_mode_",
}

Namer = Callable[[str, Any], str | None]


def namer(session: Session, groups: Iterable[Mapping[str, Any]], language: str) -> Namer:
    """A function naming a group value; one query for the gates and one for the
    enterprises that ``groups`` (a report's rows' groups, or its filters) name."""
    groups = list(groups)

    def ids(group: str) -> set[int]:
        return {values[group] for values in groups if group in values}

    gates = {
        gate.id: gate.name_vi if language == "vi" else gate.name_en
        for gate in session.scalars(select(Gate).where(Gate.id.in_(ids("gate"))))
    }
    firms = {
        firm.id: firm.name_vi if language == "vi" else firm.name_en or firm.name_vi
        for firm in session.scalars(select(Enterprise).where(Enterprise.id.in_(ids("enterprise"))))
    }

    def name(group: str, value: Any) -> str | None:
        if group == "gate":
            return gates.get(value)
        if group == "enterprise":
            return firms.get(value)
        if group in ("hs_chapter", "hs_heading"):
            return hs_name(value, language)
        if group == "perishable":
            return translate("stats_perishable" if value else "stats_not_perishable", language)
        if group in WORDS:
            return translate(f"{WORDS[group]}{value}", language)
        return None

    return name


def named(session: Session, report: Report, language: str) -> Report:
    """The report with each row's ``names`` filled in."""
    name = namer(session, [row.group for row in report.rows], language)
    for row in report.rows:
        row.names = {
            group: text
            for group, value in row.group.items()
            if (text := name(group, value)) is not None
        }
    return report


def label(row: ReportRow, group: str) -> str:
    """A row's group value as a reader sees it: its name (an HS code before its
    name, so the code stays in view), or the value itself where it has none."""
    value = row.group[group]
    name = row.names.get(group)
    if group in ("hs_chapter", "hs_heading"):
        return f"{value} {name}" if name else str(value)
    return name or str(value)
