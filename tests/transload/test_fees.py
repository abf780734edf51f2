"""A transload's fees from the dated tariff, on its crossing's receipt, to the đồng."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from cuakhau.core.clock import utcnow
from cuakhau.crossings.states import move
from cuakhau.models import Fee, Receipt
from cuakhau.models.enums import CrossingState, FeeKind
from cuakhau.transload import service
from cuakhau.transload.reconcile import Tolerance
from cuakhau.transload.schemas import LoadedOut, TransloadBooking, Unloaded
from tests.conftest import Database
from tests.factories import (
    make_called_crossing,
    make_enterprise,
    make_open_gate,
    make_tariff,
    make_transload_yard,
)

LOOSE = Tolerance(packages=0, weight_percent=Decimal(1))


def test_transshipment_and_storage_fees_go_on_the_crossings_receipt(db: Database):
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    with db.write() as session:
        gate = make_open_gate(session)
        firm = make_enterprise(session)
        yard, (bay,) = make_transload_yard(
            session, gate, make_enterprise(session, roles=["yard_operator"])
        )
        # A line of another kind and an old price of this one are not used.
        make_tariff(session, code="HT", amount_vnd=350_000)
        make_tariff(
            session,
            code="ST-T",
            kind="transshipment",
            vehicle_class="truck",
            amount_vnd=40_000,
            effective_from="2020-01-01",
            effective_to="2020-12-31",
        )
        make_tariff(
            session,
            code="ST-T",
            kind="transshipment",
            vehicle_class="truck",
            amount_vnd=41_500,
            effective_from="2021-01-01",
        )
        make_tariff(session, code="LK", kind="storage", amount_vnd=250_000, per_hours=24)
        crossing = make_called_crossing(session, firm, gate, now=now - timedelta(days=3))
        booked_at = now - timedelta(days=3)
        transload = service.book(
            session,
            yard,
            TransloadBooking(
                bay_id=bay.id,
                starts_at=booked_at + timedelta(hours=1),
                enterprise_id=firm.id,
                crossing_id=crossing.id,
                inbound_plate=crossing.plate,
                cargo="Thanh long",
                perishable=True,
                weight_kg=18000,
            ),
            None,
            booked_at,
        )
        service.arrive(session, transload, booked_at + timedelta(hours=1))
        service.start(transload, booked_at + timedelta(hours=1))
        service.unloaded(
            session,
            transload,
            Unloaded(packages=10, weight_kg=18000),
            booked_at + timedelta(hours=2),
        )
        # Kept two days and some hours: two whole days of storage.
        service.loaded_out(
            session,
            transload,
            LoadedOut(packages=10, weight_kg=17950),
            LOOSE,
            booked_at + timedelta(days=2, hours=9),
        )
        move(session, crossing, CrossingState.crossed, at=now)
        receipt = session.scalar(select(Receipt).where(Receipt.crossing_id == crossing.id))
        assert receipt is not None
        fees = {
            fee.kind: (fee.quantity, fee.amount_vnd)
            for fee in session.scalars(select(Fee).where(Fee.receipt_id == receipt.id))
        }
        assert fees[FeeKind.transshipment] == (18, 18 * 41_500)  # 17.95 t: 18 started tonnes
        assert fees[FeeKind.storage] == (2, 500_000)
        assert fees[FeeKind.infrastructure] == (1, 350_000)
        assert receipt.total_vnd == 350_000 + 747_000 + 500_000
