"""The board's transshipment figures (docs/statistics.md, "Transshipment"):
how the cargo changed hands at the line over a period.

- Trucks, weight and value by handover mode, and by mode and gate, with the
  comparisons: the trade report grouped by ``handover_mode`` (the rollups).
- The trailer swaps' trailers: handed back, hand-backs overdue, hours a
  trailer stood in a yard (``trailer_stay``).
- The transloads: weight through the bays by yard, the cold bays' share,
  reconciliation holds opened (``transload``).

Each is one grouped query in the database; nothing is read row by row."""

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, case, func, literal, select
from sqlalchemy.orm import Session

from cuakhau.core.clock import local_date, local_datetime
from cuakhau.core.errors import PermissionDenied
from cuakhau.core.messages import translate
from cuakhau.core.sqltime import hours_between
from cuakhau.models import TrailerStay, Transload, TransloadBay, User, Yard
from cuakhau.models.base import UtcDateTime
from cuakhau.models.enums import BayKind, TrailerWait
from cuakhau.statistics.names import named
from cuakhau.statistics.periods import Period
from cuakhau.statistics.schemas import (
    TradeGroup,
    TradeQuery,
    TrailerSwapFigures,
    TrailerWaitFigures,
    TransloadFigures,
    Transshipment,
    TransshipmentQuery,
    YardTransloads,
)
from cuakhau.statistics.service import scoped_trade_report, staff_scope

SHARE = Decimal("0.0001")
HOURS = Decimal("0.1")


def transshipment(
    *,
    session: Session,
    user: User,
    query: TransshipmentQuery,
    now: datetime,
    overdue_hours: int,
    language: str = "vi",
) -> Transshipment:
    """The period's transshipment figures as far as ``user`` may see them
    (the board and admins: the zone; gate, customs and yard officers: their
    gate); ``now`` caps the waits still running; ``overdue_hours``: when a
    hand-back is overdue (``CUAKHAU_HAND_BACK_OVERDUE_HOURS``)."""
    allowed = staff_scope(user, query.gate_id)
    if allowed is None:
        raise PermissionDenied("role_forbidden", role=user.role.value)
    day = local_date(now)
    trade = {
        "period": query.period,
        "at": query.at,
        "until": query.until,
        "compare": query.compare,
        "gate_id": query.gate_id,
    }

    def by(*groups: TradeGroup) -> TradeQuery:
        return TradeQuery.model_validate(trade | {"group_by": list(groups)})

    by_mode = scoped_trade_report(session, by(TradeGroup.handover_mode), allowed, day)
    by_gate = scoped_trade_report(
        session, by(TradeGroup.handover_mode, TradeGroup.gate), allowed, day
    )
    start, end = _moments(Period(by_mode.period.first, by_mode.period.last))
    gate_id = allowed.gate_id or query.gate_id
    yards = _yard_transloads(session, start, end, gate_id, language)
    return Transshipment(
        period=by_mode.period,
        comparisons=by_mode.comparisons,
        by_mode=named(session, by_mode, language),
        by_mode_and_gate=named(session, by_gate, language),
        trailer_swaps=_trailer_swaps(session, start, end, now, gate_id, overdue_hours, language),
        transloads=_all_transloads(yards),
        yards=yards,
    )


def _moments(period: Period) -> tuple[datetime, datetime]:
    """The period's first moment and the moment after its last, in UTC."""
    return local_datetime(period.first, time(0)), local_datetime(
        period.last + timedelta(days=1), time(0)
    )


def _at_gate(query: Select[tuple[object, ...]], gate_id: int | None) -> Select[tuple[object, ...]]:
    return query if gate_id is None else query.where(Yard.gate_id == gate_id)


def _mean(hours: float | None) -> Decimal | None:
    return None if hours is None else Decimal(str(hours)).quantize(HOURS)


def _trailer_swaps(
    session: Session,
    start: datetime,
    end: datetime,
    now: datetime,
    gate_id: int | None,
    overdue_hours: int,
    language: str,
) -> TrailerSwapFigures:
    """The stays that ended in [``start``, ``end``); the hand-backs overdue
    at a moment of it up to ``now``."""
    stayed = hours_between(TrailerStay.since, TrailerStay.left_at)
    ended = (TrailerStay.left_at >= start, TrailerStay.left_at < end)
    until = min(end, now)
    waits = {
        wait: (int(stays), mean)
        for wait, stays, mean in session.execute(
            _at_gate(
                select(TrailerStay.waits_for, func.count(), func.avg(stayed))
                .join(Yard, Yard.id == TrailerStay.yard_id)
                .where(*ended)
                .group_by(TrailerStay.waits_for),
                gate_id,
            )
        )
    }
    mean_all = session.scalar(
        _at_gate(
            select(func.avg(stayed)).join(Yard, Yard.id == TrailerStay.yard_id).where(*ended),
            gate_id,
        )
    )
    # Waiting until it was handed back, or until the period's end if later.
    waited_until = case(
        (
            TrailerStay.left_at.is_(None) | (TrailerStay.left_at > until),
            literal(until, UtcDateTime),
        ),
        else_=TrailerStay.left_at,
    )
    overdue = session.scalar(
        _at_gate(
            select(func.count())
            .select_from(TrailerStay)
            .join(Yard, Yard.id == TrailerStay.yard_id)
            .where(
                TrailerStay.waits_for == TrailerWait.hand_back,
                TrailerStay.since < until,
                TrailerStay.left_at.is_(None) | (TrailerStay.left_at >= start),
                hours_between(TrailerStay.since, waited_until) > overdue_hours,
            ),
            gate_id,
        )
    )
    return TrailerSwapFigures(
        handed_back=waits.get(TrailerWait.hand_back, (0, None))[0],
        overdue_hand_backs=int(overdue or 0),
        overdue_hours=overdue_hours,
        mean_hours=_mean(mean_all),
        waits=[
            TrailerWaitFigures(
                waits_for=wait,
                name=translate(f"trailer_wait_{wait.value}", language),
                stays=waits.get(wait, (0, None))[0],
                mean_hours=_mean(waits.get(wait, (0, None))[1]),
            )
            for wait in TrailerWait
        ],
    )


def _in(column: ColumnElement[datetime], start: datetime, end: datetime) -> ColumnElement[int]:
    return case(((column >= start) & (column < end), 1), else_=0)


def _yard_transloads(
    session: Session, start: datetime, end: datetime, gate_id: int | None, language: str
) -> list[YardTransloads]:
    """Per yard with a transload finished or held in the period: the weight
    loaded out through its bays, the cold bays' part, the holds opened."""
    weight = func.coalesce(Transload.weight_out_kg, Transload.weight_in_kg, Transload.weight_kg)
    finished = _in(Transload.finished_at, start, end)
    cold = case((TransloadBay.kind == BayKind.cold, 1), else_=0)
    query = _at_gate(
        select(
            Yard,
            func.sum(finished),
            func.sum(finished * weight),
            func.sum(finished * cold * weight),
            func.sum(_in(Transload.held_at, start, end)),
        )
        .join(Yard, Yard.id == Transload.yard_id)
        .join(TransloadBay, TransloadBay.id == Transload.bay_id)
        .where(
            (Transload.finished_at >= start) & (Transload.finished_at < end)
            | (Transload.held_at >= start) & (Transload.held_at < end)
        )
        .group_by(Yard)
        .order_by(Yard.code),
        gate_id,
    )
    return [
        YardTransloads(
            yard_id=yard.id,
            name=yard.name_vi if language == "vi" else yard.name_en or yard.name_vi,
            **_transload_figures(int(count), int(kg or 0), int(cold_kg or 0), int(holds)),
        )
        for yard, count, kg, cold_kg, holds in session.execute(query)
    ]


def _transload_figures(
    transloads: int, weight_kg: int, cold_weight_kg: int, holds_opened: int
) -> dict[str, object]:
    share = (Decimal(cold_weight_kg) / Decimal(weight_kg)).quantize(SHARE) if weight_kg else None
    return {
        "transloads": transloads,
        "weight_kg": weight_kg,
        "cold_weight_kg": cold_weight_kg,
        "cold_share": share,
        "holds_opened": holds_opened,
    }


def _all_transloads(yards: Sequence[YardTransloads]) -> TransloadFigures:
    return TransloadFigures(
        **_transload_figures(
            sum(yard.transloads for yard in yards),
            sum(yard.weight_kg for yard in yards),
            sum(yard.cold_weight_kg for yard in yards),
            sum(yard.holds_opened for yard in yards),
        )
    )
