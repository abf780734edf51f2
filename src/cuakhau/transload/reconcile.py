"""Cargo counted out against cargo counted in, and what perishable cargo has
been through: hours since it came into the zone, and its time out of a cold bay."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from cuakhau.core.config import Settings
from cuakhau.models import Transload
from cuakhau.models.enums import BayKind


@dataclass(frozen=True)
class Tolerance:
    """How far the cargo loaded out may differ from what was unloaded
    (``CUAKHAU_TRANSLOAD_PACKAGE_TOLERANCE``, ``…_WEIGHT_TOLERANCE_PERCENT``)."""

    packages: int
    weight_percent: Decimal

    @classmethod
    def of(cls, settings: Settings) -> "Tolerance":
        return cls(
            settings.transload_package_tolerance, settings.transload_weight_tolerance_percent
        )


def beyond_tolerance(
    packages_in: int, weight_in_kg: int, packages_out: int, weight_out_kg: int, tolerance: Tolerance
) -> bool:
    """The weight's difference is compared exactly: 100 × |out − in| against
    percent × in, in whole numbers of hundredths."""
    if abs(packages_out - packages_in) > tolerance.packages:
        return True
    return abs(weight_out_kg - weight_in_kg) * 100 > tolerance.weight_percent * weight_in_kg


def hours_in_zone(transload: Transload, now: datetime) -> float | None:
    """Hours since perishable cargo came into the zone, to one decimal; until it
    leaves the bay (loaded out), then the hours it had when it left."""
    if not transload.perishable or transload.in_zone_since is None:
        return None
    until = transload.finished_at or now
    return round(max((until - transload.in_zone_since).total_seconds(), 0) / 3600, 1)


def cold_chain_gaps(
    transload: Transload, bay_kind: BayKind, now: datetime
) -> list[tuple[datetime, datetime]]:
    """The times perishable cargo spent out of a cold bay: off its vehicle (from
    the start of the work until it is loaded out) and outside the cold bay's
    slot, or all of that time in an ordinary bay."""
    if not transload.perishable or transload.started_at is None:
        return []
    work = (transload.started_at, transload.finished_at or now)
    if work[0] >= work[1]:
        return []
    if bay_kind is not BayKind.cold:
        return [work]
    gaps = []
    if work[0] < transload.starts_at:
        gaps.append((work[0], min(work[1], transload.starts_at)))
    if work[1] > transload.ends_at:
        gaps.append((max(work[0], transload.ends_at), work[1]))
    return gaps
