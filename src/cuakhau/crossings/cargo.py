"""Mending a cargo line after the fact; the audit log keeps who changed what,
and the statistics of the day it crossed are counted again in the same transaction."""

from sqlalchemy.orm import Session

from cuakhau.core.errors import NotFound
from cuakhau.crossings.schemas import CargoLineMend
from cuakhau.models import Crossing
from cuakhau.statistics.rollups import recounting


def mend_line(session: Session, crossing: Crossing, line_no: int, data: CargoLineMend) -> Crossing:
    """Mend the crossing's ``line_no``-th cargo line (from 1, as the crossing lists them)."""
    if not 1 <= line_no <= len(crossing.cargo):
        raise NotFound("cargo_line", line_no)
    line = crossing.cargo[line_no - 1]
    with recounting(session, crossing.id):
        for name, value in data.model_dump(exclude_unset=True).items():
            setattr(line, name, value)
    return crossing
