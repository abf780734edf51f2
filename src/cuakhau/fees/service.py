"""Pricing a crossing when it completes, and its receipt with a gap-free yearly number.

A crossing is priced once, with the tariff lines in force on the local day it
crossed; the fee rows keep the amounts, so a later tariff never changes an old
receipt. Services flush; the caller's transaction commits.
"""

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from cuakhau.core.clock import local_date, local_datetime
from cuakhau.core.database import insert_ignoring_duplicates
from cuakhau.core.errors import Conflict, NotFound
from cuakhau.fees.schemas import EnterpriseTotal, FeeRead, FeeTotals, PeriodQuery, ReceiptRead
from cuakhau.models import (
    Crossing,
    Fee,
    Receipt,
    ReceiptCounter,
    Tariff,
    Transload,
    Vehicle,
    YardVisit,
)
from cuakhau.models.enums import (
    VEHICLE_CLASS_OF_KIND,
    FeeKind,
    Regime,
    TransloadState,
    VehicleClass,
)
from cuakhau.statistics.rollups import recounting, recounting_receipt

RECEIPT_PREFIX = "BL"  # biên lai


def in_force(day: date) -> ColumnElement[bool]:
    return and_(
        Tariff.effective_from <= day,
        or_(Tariff.effective_to.is_(None), Tariff.effective_to >= day),
    )


def _matches(
    line: Tariff,
    kind: FeeKind,
    vehicle_class: VehicleClass,
    regime: Regime | None,
    payload_kg: int | None,
) -> bool:
    # An empty criterion matches any; the payload range is [min, max). Cargo
    # that is not ours to know the regime or the vehicle of (a transload for
    # the other side's vehicle) is priced by the lines that ask for neither.
    return (
        line.kind is kind
        and line.vehicle_class in (None, vehicle_class)
        and line.regime in (None, regime)
        and (line.min_payload_kg is None or (payload_kg or 0) >= line.min_payload_kg)
        and (
            line.max_payload_kg is None
            or (payload_kg is not None and payload_kg < line.max_payload_kg)
        )
    )


def _specificity(line: Tariff) -> int:
    criteria = (line.vehicle_class, line.regime, line.min_payload_kg, line.max_payload_kg)
    return sum(value is not None for value in criteria)


def best_line(
    lines: Iterable[Tariff],
    kind: FeeKind,
    vehicle_class: VehicleClass,
    regime: Regime | None,
    payload_kg: int | None,
) -> Tariff | None:
    """The most specific matching line; among equals the newest, so a tariff that
    was not closed when its successor came in does not win."""
    candidates = [line for line in lines if _matches(line, kind, vehicle_class, regime, payload_kg)]
    if not candidates:
        return None
    return max(candidates, key=lambda line: (_specificity(line), line.effective_from, line.id))


def started_units(start: datetime, end: datetime, per_hours: int) -> int:
    """Started units of ``per_hours``; a stay, however short, starts the first one."""
    hours = max((end - start).total_seconds(), 0) / 3600
    return max(math.ceil(hours / per_hours), 1)


def price_crossing(session: Session, crossing: Crossing, at: datetime) -> list[Fee]:
    """The fees of a crossing that completes at ``at`` (not yet attached to a receipt).

    A yard visit still open when the truck crosses is charged up to the crossing:
    the truck has left the yard even if nobody checked it out.
    """
    lines = list(session.scalars(select(Tariff).where(in_force(local_date(at)))))
    vehicle = session.get_one(Vehicle, crossing.vehicle_id)
    vehicle_class = VEHICLE_CLASS_OF_KIND[vehicle.kind]
    fees = []
    infrastructure = best_line(
        lines, FeeKind.infrastructure, vehicle_class, crossing.regime, vehicle.payload_kg
    )
    if infrastructure is not None:
        fees.append(_fee(infrastructure, 1))
    visits = session.scalars(
        select(YardVisit).where(YardVisit.crossing_id == crossing.id).order_by(YardVisit.id)
    )
    for visit in visits:
        line = best_line(
            lines, FeeKind.yard, visit.vehicle_class, crossing.regime, vehicle.payload_kg
        )
        if line is None or line.per_hours is None:
            continue
        left_at = min(visit.checked_out_at or at, at)
        fees.append(_fee(line, started_units(visit.checked_in_at, left_at, line.per_hours)))
    fees += price_transloads(session, crossing.id, lines, crossing.regime, vehicle.payload_kg)
    return fees


def price_transloads(
    session: Session, crossing_id: int, lines: Sequence[Tariff], regime: Regime, payload_kg: int
) -> list[Fee]:
    """The crossing's cargo moved in a transshipment yard's bays."""
    transloads = session.scalars(
        select(Transload)
        .where(Transload.crossing_id == crossing_id, Transload.state == TransloadState.finished)
        .order_by(Transload.id)
    )
    return [
        fee
        for transload in transloads
        for fee in price_transload(transload, lines, regime, payload_kg)
    ]


def transload_class(transload: Transload) -> VehicleClass:
    """A transload is priced per container when it came in containers, else per tonne."""
    return VehicleClass.container if transload.containers is not None else VehicleClass.truck


def price_transload(
    transload: Transload, lines: Sequence[Tariff], regime: Regime | None, payload_kg: int | None
) -> list[Fee]:
    """A finished transload's fees: per container when it came in containers (a
    ``container`` line), else per started tonne loaded out; and kept in the yard
    between unloaded and loaded out, per whole unit of ``per_hours`` (a
    transload done the same day keeps it for none)."""
    fees = []
    kind = transload_class(transload)
    moved = best_line(lines, FeeKind.transshipment, kind, regime, payload_kg)
    if moved is not None:
        tonnes = math.ceil((transload.weight_out_kg or transload.weight_kg) / 1000)
        boxed = transload.containers is not None
        fees.append(_fee(moved, transload.containers if boxed else tonnes))
    kept = best_line(lines, FeeKind.storage, kind, regime, payload_kg)
    if kept is not None and kept.per_hours is not None:
        assert transload.unloaded_at is not None
        assert transload.finished_at is not None
        hours = (transload.finished_at - transload.unloaded_at).total_seconds() / 3600
        days = int(hours // kept.per_hours)
        if days:
            fees.append(_fee(kept, days))
    return fees


def _fee(line: Tariff, quantity: int) -> Fee:
    return Fee(
        tariff_id=line.id, kind=line.kind, quantity=quantity, amount_vnd=line.amount_vnd * quantity
    )


def next_receipt_number(session: Session, year: int) -> str:
    """Take the year's next number in the caller's transaction.

    The conditional increment locks the year's counter row until commit, so
    concurrent completions queue behind it (PostgreSQL) or are already serialised
    (SQLite, BEGIN IMMEDIATE); a rollback gives the number back: no gaps, no repeats.
    """
    counter = ReceiptCounter.__table__
    bump = (
        update(counter)
        .where(counter.c.year == year)
        .values(last=counter.c.last + 1)
        .returning(counter.c.last)
    )
    last = session.execute(bump).scalar()
    if last is None:
        insert_ignoring_duplicates(session, ReceiptCounter, [{"year": year, "last": 0}], ["year"])
        last = session.execute(bump).scalar_one()
    return f"{RECEIPT_PREFIX}-{year}-{last:06d}"


def charge_crossing(session: Session, crossing: Crossing, at: datetime) -> Receipt | None:
    """Price a crossing that has just crossed and issue its receipt; no receipt
    when no tariff line applies (nothing is owed, and no number is used up)."""
    fees = price_crossing(session, crossing, at)
    if not fees:
        return None
    vehicle = session.get_one(Vehicle, crossing.vehicle_id)
    receipt = Receipt(
        vehicle_class=VEHICLE_CLASS_OF_KIND[vehicle.kind],
        number=next_receipt_number(session, local_date(at).year),
        crossing_id=crossing.id,
        enterprise_id=crossing.enterprise_id,
        total_vnd=sum(fee.amount_vnd for fee in fees),
        issued_at=at,
    )
    session.add(receipt)
    session.flush()
    for fee in fees:
        fee.receipt_id = receipt.id
    session.add_all(fees)
    session.flush()
    return receipt


def charge_transload(session: Session, transload: Transload, at: datetime) -> Receipt | None:
    """Price a transload with no crossing of ours, loaded out at ``at``, and
    issue its receipt to the enterprise that booked the slot: the same tariff,
    numbering and revenue as a crossing's; no receipt when nothing is owed."""
    lines = list(session.scalars(select(Tariff).where(in_force(local_date(at)))))
    fees = price_transload(transload, lines, None, None)
    if not fees:
        return None
    receipt = Receipt(
        vehicle_class=transload_class(transload),
        number=next_receipt_number(session, local_date(at).year),
        transload_id=transload.id,
        enterprise_id=transload.enterprise_id,
        total_vnd=sum(fee.amount_vnd for fee in fees),
        issued_at=at,
    )
    with recounting_receipt(session, receipt):
        session.add(receipt)
        session.flush()
        for fee in fees:
            fee.receipt_id = receipt.id
        session.add_all(fees)
    return receipt


def void_receipts(session: Session, crossing_id: int, *, at: datetime, reason: str | None) -> None:
    """Void the crossing's receipt in force (its crossing was undone); the
    caller recounts the statistics (``statistics.rollups.recounting``)."""
    receipt = session.scalar(
        select(Receipt).where(Receipt.crossing_id == crossing_id, Receipt.voided_at.is_(None))
    )
    if receipt is not None:
        _void(receipt, at=at, reason=reason)


def _void(receipt: Receipt, *, at: datetime, reason: str | None) -> None:
    receipt.voided_at = at
    room = Receipt.__table__.c.void_reason.type.length
    receipt.void_reason = reason[:room] if reason else None


def void_receipt(session: Session, receipt_id: int, *, at: datetime, reason: str) -> ReceiptRead:
    """Void a receipt issued in error: it keeps its number and leaves the fee
    revenue of the day it was issued, counted again in the same transaction."""
    receipt = session.get(Receipt, receipt_id)
    if receipt is None:
        raise NotFound("receipt", receipt_id)
    if receipt.voided_at is not None:
        raise Conflict("receipt_voided", number=receipt.number)
    counting = (
        recounting(session, receipt.crossing_id)
        if receipt.crossing_id is not None
        else recounting_receipt(session, receipt)
    )
    with counting:
        _void(receipt, at=at, reason=reason)
    return receipt_views(session, [receipt])[0]


def _day_start(day: date) -> datetime:
    return local_datetime(day, time(0))


def period_filter(period: PeriodQuery, scope: int | None) -> list[ColumnElement[bool]]:
    """Receipts issued in the period, of the enterprise asked for and the one the
    caller may see (an enterprise user only ever sees its own)."""
    where: list[ColumnElement[bool]] = []
    if period.from_ is not None:
        where.append(Receipt.issued_at >= _day_start(period.from_))
    if period.to is not None:
        where.append(Receipt.issued_at < _day_start(period.to + timedelta(days=1)))
    if period.enterprise_id is not None:
        where.append(Receipt.enterprise_id == period.enterprise_id)
    if scope is not None:
        where.append(Receipt.enterprise_id == scope)
    return where


def receipt_views(session: Session, receipts: Sequence[Receipt]) -> list[ReceiptRead]:
    """Receipts with their fee lines, in one query for all of them."""
    fees: dict[int, list[FeeRead]] = {receipt.id: [] for receipt in receipts}
    rows = session.scalars(select(Fee).where(Fee.receipt_id.in_(fees)).order_by(Fee.id))
    for fee in rows:
        fees[fee.receipt_id].append(FeeRead.model_validate(fee))
    return [
        ReceiptRead(
            id=receipt.id,
            number=receipt.number,
            crossing_id=receipt.crossing_id,
            transload_id=receipt.transload_id,
            enterprise_id=receipt.enterprise_id,
            total_vnd=receipt.total_vnd,
            issued_at=receipt.issued_at,
            vehicle_class=receipt.vehicle_class,
            voided_at=receipt.voided_at,
            void_reason=receipt.void_reason,
            fees=fees[receipt.id],
        )
        for receipt in receipts
    ]


def get_receipt(*, session: Session, receipt_id: int, scope: int | None) -> ReceiptRead:
    """One receipt with its fees; outside the enterprise ``scope`` it is a 404, as if
    it did not exist."""
    receipt = session.get(Receipt, receipt_id)
    if receipt is None or (scope is not None and receipt.enterprise_id != scope):
        raise NotFound("receipt", receipt_id)
    return receipt_views(session, [receipt])[0]


def totals(session: Session, period: PeriodQuery, scope: int | None) -> FeeTotals:
    """Fees per enterprise over a period, split by kind."""

    def kind_sum(kind: FeeKind) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((Fee.kind == kind, Fee.amount_vnd), else_=0)), 0)

    stmt = (
        select(
            Receipt.enterprise_id,
            func.count(func.distinct(Receipt.id)),
            kind_sum(FeeKind.infrastructure),
            kind_sum(FeeKind.yard),
            func.coalesce(func.sum(Fee.amount_vnd), 0),
        )
        .join(Fee, Fee.receipt_id == Receipt.id)
        .where(Receipt.voided_at.is_(None), *period_filter(period, scope))
        .group_by(Receipt.enterprise_id)
        .order_by(Receipt.enterprise_id)
    )
    rows = [
        EnterpriseTotal(
            enterprise_id=enterprise_id,
            receipts=count,
            infrastructure_vnd=int(infrastructure),
            yard_vnd=int(yard),
            total_vnd=int(total),
        )
        for enterprise_id, count, infrastructure, yard, total in session.execute(stmt)
    ]
    return FeeTotals(
        from_=period.from_,
        to=period.to,
        enterprises=rows,
        total_vnd=sum(row.total_vnd for row in rows),
    )
