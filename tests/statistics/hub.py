"""What the hub's yards held, written straight into their tables for the
transshipment figures' tests: trailer stays and finished transloads."""

from datetime import UTC, datetime, timedelta
from typing import Any

from cuakhau.models import TrailerStay, Transload, TransloadBay, Yard
from cuakhau.models.enums import TrailerWait, TransloadState


def cold_and_ordinary_bay(session: Any, yard: Yard) -> tuple[TransloadBay, TransloadBay]:
    """Bay L1 (cold) and T1 (ordinary), each one pair at 10 t an hour."""
    cold, ordinary = (
        TransloadBay(yard_id=yard.id, code=code, kind=kind, capacity=1, rate=10, rate_unit="tonne")
        for code, kind in (("L1", "cold"), ("T1", "ordinary"))
    )
    session.add_all([cold, ordinary])
    session.flush()
    return cold, ordinary


def stay(
    session: Any, yard: Yard, crossing_id: int, wait: TrailerWait, since: str, hours: float | None
) -> None:
    start = datetime.fromisoformat(since).replace(tzinfo=UTC)
    session.add(
        TrailerStay(
            trailer_plate="12R-000.01",
            crossing_id=crossing_id,
            enterprise_id=session.get_one(Yard, yard.id).operator_id,
            yard_id=yard.id,
            waits_for=wait,
            is_loaded=False,
            since=start,
            left_at=None if hours is None else start + timedelta(hours=hours),
        )
    )


def finished_transload(
    session: Any, bay: TransloadBay, finished: str, weight_out_kg: int, *, held: bool = False
) -> None:
    done = datetime.fromisoformat(finished).replace(tzinfo=UTC)
    session.add(
        Transload(
            yard_id=bay.yard_id,
            bay_id=bay.id,
            enterprise_id=session.get_one(Yard, bay.yard_id).operator_id,
            inbound_plate="12C-111.11",
            outbound_plate="桂A12345",
            cargo="hàng",
            weight_kg=weight_out_kg,
            state=TransloadState.finished,
            starts_at=done - timedelta(hours=2),
            ends_at=done,
            finished_at=done,
            weight_in_kg=weight_out_kg,
            weight_out_kg=weight_out_kg,
            held_at=done if held else None,
        )
    )
