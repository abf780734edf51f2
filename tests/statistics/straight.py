"""The statistics computed straight from the raw rows, in Python, row by row: what
the rollups must always equal (docs/statistics.md, "What is counted")."""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.core.clock import local_date
from cuakhau.models import (
    Crossing,
    Fee,
    FeeDay,
    Receipt,
    TradeDay,
    TradeEnterpriseMonth,
    TradeMonth,
    Transload,
    VehicleDay,
    VehicleEnterpriseMonth,
    VehicleMonth,
    Yard,
)
from cuakhau.models.enums import CrossingState

Cells = dict[tuple[Any, ...], tuple[int, ...]]


def straight(session: Session) -> tuple[Cells, ...]:
    trade: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [0, 0, 0, 0, set()])
    vehicles: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    crossings = session.scalars(
        select(Crossing).where(
            Crossing.state.in_(
                [CrossingState.crossed, CrossingState.returned, CrossingState.handed_back]
            )
        )
    )
    for crossing in crossings:
        day = local_date(crossing.crossed_at)
        common = (day, crossing.gate_id, crossing.direction, crossing.regime)
        for line in crossing.cargo:
            key = (
                *common,
                line.hs_code[:4],
                crossing.enterprise_id,
                line.origin_country,
                line.destination_country,
                line.perishable,
                crossing.vehicle_kind,
                crossing.handover_mode,
            )
            cell = trade[key]
            cell[0] += int(Decimal(line.value_usd) * 100)
            cell[1] += line.weight_kg
            cell[2] += line.packages
            cell[3] += 1
            cell[4].add(crossing.id)
        perishable = any(line.perishable for line in crossing.cargo)
        cell = vehicles[
            (
                *common,
                crossing.enterprise_id,
                crossing.vehicle_kind,
                perishable,
                crossing.handover_mode,
            )
        ]
        cell[0] += 1
        cell[1] += 1 if crossing.cargo else 0
    fees: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    for receipt in session.scalars(select(Receipt).where(Receipt.voided_at.is_(None))):
        if receipt.crossing_id is not None:
            gate_id = session.get_one(Crossing, receipt.crossing_id).gate_id
        else:
            transload = session.get_one(Transload, receipt.transload_id)
            gate_id = session.get_one(Yard, transload.yard_id).gate_id
        for fee in session.scalars(select(Fee).where(Fee.receipt_id == receipt.id)):
            cell = fees[(local_date(receipt.issued_at), gate_id, receipt.vehicle_class, fee.kind)]
            cell[0] += fee.amount_vnd
            cell[1] += 1
    trade_cells = {key: (*cell[:4], len(cell[4])) for key, cell in trade.items()}
    vehicle_cells = {key: tuple(cell) for key, cell in vehicles.items()}
    return (
        trade_cells,
        vehicle_cells,
        {key: tuple(cell) for key, cell in fees.items()},
        # The month rollups: their keys in their table's order (m: the month),
        # and the trade's measures but its shipments.
        _by_month(
            trade_cells, lambda m, k: (m, k[1], k[2], k[3], k[4], k[6], k[7], k[8], k[9], k[10]), 4
        ),
        _by_month(trade_cells, lambda m, k: (k[5], m, k[1], k[2], k[3], k[9], k[10]), 4),
        _by_month(vehicle_cells, lambda m, k: (m, k[1], k[2], k[3], k[5], k[6], k[7]), 2),
        _by_month(vehicle_cells, lambda m, k: (k[4], m, k[1], k[2], k[3], k[5], k[6], k[7]), 2),
    )


def _by_month(cells: Cells, key_of: Any, measures: int) -> Cells:
    months: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0] * measures)
    for key, cell in cells.items():
        month = months[key_of(key[0].replace(day=1), key)]
        for i in range(measures):
            month[i] += cell[i]
    return {key: tuple(cell) for key, cell in months.items()}


def rolled_up(session: Session) -> tuple[Cells, ...]:
    def cells(model: Any) -> Cells:
        table = model.__table__
        keys = [column.name for column in table.primary_key.columns]
        measures = [column.name for column in table.columns if column.name not in keys]
        return {
            tuple(getattr(row, name) for name in keys): tuple(getattr(row, m) for m in measures)
            for row in session.scalars(select(model))
        }

    return tuple(
        cells(model)
        for model in (
            TradeDay,
            VehicleDay,
            FeeDay,
            TradeMonth,
            TradeEnterpriseMonth,
            VehicleMonth,
            VehicleEnterpriseMonth,
        )
    )
