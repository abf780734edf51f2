"""The tariff table: lines with effective dates, changed only in ways that keep
every receipt explainable by the table, and a loader for tariff files."""

from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cuakhau.core.clock import local_date
from cuakhau.core.errors import Conflict, InvalidInput
from cuakhau.core.rows import apply_changes, patch_values
from cuakhau.core.schemas import InputSchema
from cuakhau.fees.schemas import TariffCreate, TariffFilters, TariffUpdate
from cuakhau.fees.service import in_force
from cuakhau.models import Fee, Receipt, Tariff

# What may still change on a line that has priced a crossing: closing it, its wording.
_CHANGEABLE_WHEN_USED = frozenset({"effective_to", "description"})
_EXCLUSION_VIOLATION = "23P01"


def filter_tariffs(stmt: Select[Any], filters: TariffFilters) -> Select[Any]:
    if filters.kind is not None:
        stmt = stmt.where(Tariff.kind == filters.kind)
    if filters.code is not None:
        stmt = stmt.where(Tariff.code == filters.code)
    if filters.on is not None:
        stmt = stmt.where(in_force(filters.on))
    return stmt


def _check_line(session: Session, tariff: Tariff) -> None:
    if (
        tariff.min_payload_kg is not None
        and tariff.max_payload_kg is not None
        and tariff.min_payload_kg >= tariff.max_payload_kg
    ):
        raise InvalidInput("tariff_payload_range", field="max_payload_kg")
    if tariff.effective_to is not None and tariff.effective_to < tariff.effective_from:
        raise InvalidInput("tariff_dates", field="effective_to")
    # Two versions of one line in force on the same day would make a price ambiguous.
    overlapping = select(Tariff.id).where(
        Tariff.code == tariff.code,
        Tariff.id != (tariff.id or 0),
        (Tariff.effective_to.is_(None)) | (Tariff.effective_to >= tariff.effective_from),
    )
    if tariff.effective_to is not None:
        overlapping = overlapping.where(Tariff.effective_from <= tariff.effective_to)
    # The line's own change is written by _flush_line, which turns an overlap
    # written meanwhile by another request into the same refusal.
    with session.no_autoflush:
        found = session.scalar(overlapping.limit(1))
    if found is not None:
        raise Conflict("tariff_overlap", code=tariff.code)


def _flush_line(session: Session, tariff: Tariff) -> None:
    """Write the line; a version written meanwhile by another request is refused as
    the check refuses one written before (PostgreSQL's exclusion constraint)."""
    code = tariff.code  # a failed flush expires the line
    session.add(tariff)
    try:
        session.flush()
    except IntegrityError as error:
        if getattr(error.orig, "sqlstate", None) == _EXCLUSION_VIOLATION:
            raise Conflict("tariff_overlap", code=code) from None
        raise


def create_tariff(session: Session, data: TariffCreate) -> Tariff:
    tariff = Tariff(**data.model_dump())
    _check_line(session, tariff)
    _flush_line(session, tariff)
    return tariff


def last_charged_on(session: Session, tariff_id: int) -> date | None:
    stmt = (
        select(func.max(Receipt.issued_at))
        .join(Fee, Fee.receipt_id == Receipt.id)
        .where(Fee.tariff_id == tariff_id)
    )
    last = session.scalar(stmt)
    return local_date(last) if last is not None else None


def update_tariff(session: Session, tariff: Tariff, data: TariffUpdate) -> Tariff:
    """Change a line. Once it has priced a crossing only its end date and wording
    may change, and it cannot end before that crossing: a new price is a new line."""
    values = patch_values(
        data, nullable=frozenset({"effective_to", "min_payload_kg", "max_payload_kg"})
    )
    changed = {key for key, value in values.items() if getattr(tariff, key) != value}
    last = last_charged_on(session, tariff.id)
    if last is not None:
        if changed - _CHANGEABLE_WHEN_USED:
            raise Conflict("tariff_in_use", id=tariff.id)
        end = values.get("effective_to", tariff.effective_to)
        if end is not None and end < last:
            raise Conflict("tariff_ends_before_use", id=tariff.id, day=last.isoformat())
    apply_changes(tariff, values)
    _check_line(session, tariff)
    _flush_line(session, tariff)
    return tariff


class TariffFile(InputSchema):
    tariffs: list[TariffCreate] = Field(default_factory=list)


class TariffFileError(Exception):
    def __init__(self, path: Path, problems: list[str]):
        super().__init__(f"{path}: {len(problems)} problem(s)")
        self.path = path
        self.problems = problems


def shipped_tariffs() -> Path:
    return Path(str(files("cuakhau") / "fees" / "data" / "tariffs-illustrative.yaml"))


def load_tariffs(session: Session, path: Path) -> tuple[int, int]:
    """Create the file's lines that are not there yet, keyed by (code, effective_from);
    loading the same file again changes nothing. Returns (created, unchanged)."""
    try:
        content = TariffFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as error:
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
        raise TariffFileError(path, problems) from None
    created = 0
    for line in content.tariffs:
        exists = select(Tariff.id).where(
            Tariff.code == line.code, Tariff.effective_from == line.effective_from
        )
        if session.scalar(exists) is None:
            create_tariff(session, line)
            created += 1
    return created, len(content.tariffs) - created
