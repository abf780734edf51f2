"""The demo's synthetic history: two years of daily figures at the Lạng Sơn
zone's magnitudes, made up (seeded, so the same day gives the same history)
and loaded through the history import as one import marked synthetic, so that
a newcomer's first board page has real-looking comparisons and every answer
says the figures are synthetic.

The shapes (from the press figures in issue #19): about 1,000–1,500 trucks a
day zone-wide, 700–800 of them at Hữu Nghị, about 200 of those export; fruit
about 400 trucks a day in season (summer), fewer in winter; fewer on Sundays;
a dip of about ten days around Tết; and a collapse like December 2021's (the
other side's closures) in the history's first December.

Its fee revenue follows the trucks, day by day and gate by gate, at the press's
magnitude rather than the demo's illustrative tariff: Lạng Sơn's gates earned
nearly 228 billion đồng of infrastructure fees from 1 January to 20 April 2025,
and the fees a truck pays here are set so the synthetic trucks of those days
earn about as much. It is a second synthetic import, of the fee kind."""

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.models import Gate, HistoryImport
from cuakhau.models.enums import (
    Direction,
    FeeKind,
    HandoverMode,
    HistoryKind,
    Regime,
    VehicleClass,
)
from cuakhau.statistics.history import AnyFigure, FeeFigure, Figure, import_figures
from cuakhau.statistics.periods import Period

SEED = 19
DAYS = 730
FILE_NAME = "synthetic-history (demo)"
FEE_FILE_NAME = "synthetic-fees (demo)"
# Đồng a truck pays to use the gate's infrastructure, by class, and for a yard
# stay: made up, so that 1 January–20 April 2025 earns about 228 billion.
INFRASTRUCTURE_VND = {VehicleClass.container: 3_500_000, VehicleClass.truck: 1_950_000}
YARD_VND = 100_000
LUNAR_NEW_YEAR = tuple(
    date.fromisoformat(day)
    for day in ("2023-01-22", "2024-02-10", "2025-01-29", "2026-02-17", "2027-02-06", "2028-01-26")
)


@dataclass(frozen=True)
class Goods:
    """Trucks a day of one kind of goods, and what a truck carries."""

    hs_code: str
    direction: Direction
    trucks: float
    usd_per_truck: int
    kg_per_truck: int
    fruit: bool = False
    # How its cargo changes hands at the line (made up, as the rest).
    mode: HandoverMode = HandoverMode.drive_through


_EXPORT, _IMPORT = Direction.export, Direction.import_
_SWAP, _TRANSLOAD = HandoverMode.trailer_swap, HandoverMode.transload
# Per gate: trucks a day at the height of the fruit season (fruit) or all year.
FLOWS: dict[str, tuple[Goods, ...]] = {
    "HUU-NGHI": (
        Goods("0810", _EXPORT, 105, 18_000, 18_000, fruit=True, mode=_SWAP),
        Goods("0804", _EXPORT, 45, 12_000, 20_000, fruit=True),
        Goods("0714", _EXPORT, 35, 4_500, 30_000),
        Goods("4407", _EXPORT, 25, 9_000, 25_000),
        Goods("8471", _IMPORT, 165, 45_000, 8_000, mode=_SWAP),
        Goods("8517", _IMPORT, 120, 60_000, 6_000),
        Goods("5407", _IMPORT, 200, 15_000, 15_000),
        Goods("0808", _IMPORT, 120, 14_000, 22_000),
    ),
    "TAN-THANH": (
        Goods("0810", _EXPORT, 190, 18_000, 18_000, fruit=True, mode=_TRANSLOAD),
        Goods("0804", _EXPORT, 80, 12_000, 20_000, fruit=True, mode=_SWAP),
        Goods("0714", _EXPORT, 30, 4_500, 30_000),
        Goods("5407", _IMPORT, 60, 15_000, 15_000),
        Goods("0808", _IMPORT, 60, 14_000, 22_000),
    ),
    "CHI-MA": (
        Goods("4407", _EXPORT, 40, 9_000, 25_000),
        Goods("8708", _IMPORT, 60, 30_000, 10_000),
        Goods("3105", _IMPORT, 50, 6_000, 30_000),
    ),
    "COC-NAM": (
        Goods("0714", _EXPORT, 20, 4_500, 30_000),
        Goods("3105", _IMPORT, 40, 6_000, 30_000),
    ),
}


def season(day: date) -> float:
    """Fruit trucks' share of the season's height: 1 at midsummer, 0.4 in winter."""
    return 0.7 + 0.3 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 182) / 365)


def events(day: date, collapse: Period) -> float:
    """Sundays, Tết and the collapse, as a share of an ordinary day's trucks."""
    share = 0.85 if day.weekday() == 6 else 1.0
    for new_year in LUNAR_NEW_YEAR:
        offset = (day - new_year).days
        if -3 <= offset <= 6:
            share *= 0.15
        elif 7 <= offset <= 13:
            share *= 0.6
    if collapse.first <= day <= collapse.last:
        share *= 0.55
    return share


def synthetic_figures(gates: dict[str, int], last: date, seed: int = SEED) -> list[Figure]:
    """Daily figures of the ``DAYS`` days up to ``last``, for the gates the
    zone has (by code); the same ``last`` and seed give the same figures."""
    randomness = random.Random(seed)
    first = last - timedelta(days=DAYS - 1)
    december = date(first.year, 12, 10)
    if december < first:
        december = date(first.year + 1, 12, 10)
    collapse = Period(december, december + timedelta(days=31))
    figures: list[Figure] = []
    for offset in range(DAYS):
        day = first + timedelta(days=offset)
        # Trade grows by about a tenth a year.
        growth = 1.1 ** ((offset - DAYS) / 365) * events(day, collapse)
        for code, flows in FLOWS.items():
            if code not in gates:
                continue
            for goods in flows:
                mean = goods.trucks * growth * (season(day) if goods.fruit else 1.0)
                trucks = max(0, round(randomness.gauss(mean, mean * 0.08)))
                if trucks == 0:
                    continue
                load = randomness.uniform(0.9, 1.1)
                figures.append(
                    Figure(
                        row=len(figures) + 2,
                        period=Period(day, day),
                        gate_id=gates[code],
                        direction=goods.direction,
                        regime=Regime.export if goods.direction is _EXPORT else Regime.import_,
                        hs_code=goods.hs_code,
                        value_usd_cents=round(trucks * goods.usd_per_truck * load * 100),
                        weight_kg=round(trucks * goods.kg_per_truck * load),
                        vehicles=trucks,
                        handover_mode=goods.mode,
                    )
                )
    return figures


def synthetic_fee_figures(trade: Sequence[Figure], seed: int = SEED) -> list[FeeFigure]:
    """Each gate's daily fee revenue from the trucks of ``trade``: one
    infrastructure fee a truck (trailer-swapped goods come in container
    trucks, the rest in trucks) and about one yard stay a truck."""
    randomness = random.Random(seed)
    trucks: Counter[tuple[date, int, VehicleClass]] = Counter()
    for figure in trade:
        container = figure.handover_mode is HandoverMode.trailer_swap
        vehicle_class = VehicleClass.container if container else VehicleClass.truck
        trucks[figure.period.first, figure.gate_id, vehicle_class] += figure.vehicles
    figures: list[FeeFigure] = []

    def add(day: date, gate_id: int, vehicle_class: VehicleClass, kind: FeeKind, n: int) -> None:
        each = INFRASTRUCTURE_VND[vehicle_class] if kind is FeeKind.infrastructure else YARD_VND
        figures.append(
            FeeFigure(
                row=len(figures) + 2,
                period=Period(day, day),
                gate_id=gate_id,
                vehicle_class=vehicle_class,
                kind=kind,
                amount_vnd=n * each,
                fees=n,
            )
        )

    for (day, gate_id, vehicle_class), n in sorted(trucks.items()):
        add(day, gate_id, vehicle_class, FeeKind.infrastructure, n)
        if vehicle_class is VehicleClass.truck:
            stays = round(sum(trucks[day, gate_id, c] for c in INFRASTRUCTURE_VND) * 0.9)
            stays = round(stays * randomness.uniform(0.9, 1.1))
            add(day, gate_id, vehicle_class, FeeKind.yard, stays)
    return figures


def load_synthetic_history(session: Session, today: date) -> list[HistoryImport]:
    """The synthetic history up to yesterday, trade and fees, each once: none
    of a kind already loaded, nothing when the zone has none of the gates."""
    loaded = set(
        session.scalars(select(HistoryImport.kind).where(HistoryImport.synthetic.is_(True)))
    )
    gates = {code: gate_id for gate_id, code in session.execute(select(Gate.id, Gate.code))}
    trade = synthetic_figures(gates, today - timedelta(days=1))
    files: list[tuple[HistoryKind, str, Sequence[AnyFigure]]] = [
        (HistoryKind.trade, FILE_NAME, trade),
        (HistoryKind.fees, FEE_FILE_NAME, synthetic_fee_figures(trade)),
    ]
    return [
        import_figures(
            session,
            file_name=file_name,
            figures=figures,
            imported_at=datetime.combine(today, time(0), UTC),
            user=None,
            synthetic=True,
        )
        for kind, file_name, figures in files
        if kind not in loaded and figures
    ]
