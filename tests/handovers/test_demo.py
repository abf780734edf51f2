"""The demo shows trailer swaps under way at Hữu Nghị: one trailer waiting in
the demo yard for a transfer driver, one back from across waiting to be
handed back; the other side's shipped scenario answers the first. Its
transshipment yard, set up by the reference data, moves cargo in its bays."""

from datetime import UTC, datetime

from sqlalchemy import select

from cuakhau.core.config import Settings
from cuakhau.counterpart.client import answers, read_scenario
from cuakhau.counterpart.demo import SCENARIO
from cuakhau.counterpart.feed import expected_crossings
from cuakhau.handovers.trailers import trailers
from cuakhau.models import Counterpart, Receipt, Transload, TransloadBay
from cuakhau.models.enums import TrailerWait
from cuakhau.reference.demo import load_demo
from cuakhau.reference.loader import shipped_file
from cuakhau.transload.demo import create_demo_transloads
from cuakhau.transload.reconcile import Tolerance
from tests.conftest import Database

NOW = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)


def test_the_demo_has_a_trailer_swap_under_way(db: Database, settings: Settings) -> None:
    with db.write() as session:
        load_demo(session, NOW, settings)
        standing = trailers(session, NOW, 24)
        counterpart = session.scalar(select(Counterpart))
        feed = expected_crossings(session, counterpart, NOW, 72, "vi")
    assert [t.waits_for for t in standing] == [TrailerWait.transfer_driver, TrailerWait.hand_back]
    assert {t.yard_name for t in standing} != set()
    dropped = standing[0].crossing_id
    said = answers(read_scenario(shipped_file(SCENARIO)).answers, feed.model_dump(mode="json"))
    assert said == {"kind": "answers", "answers": [{"crossing_id": dropped, "answer": "accepted"}]}


def test_the_demo_moves_cargo_in_the_reference_datas_bays(db: Database, settings: Settings):
    with db.write() as session:
        load_demo(session, NOW, settings)
        again = create_demo_transloads(session, NOW, Tolerance(packages=0, weight_percent=0))
    # Fruit at a cold bay, litchi next, timber held; made once.
    assert db.count(Transload) == 3
    assert again == 0
    bays = {b.id: b.code for b in db.scalars(select(TransloadBay))}
    assert sorted(bays[t.bay_id] for t in db.scalars(select(Transload))) == ["L1", "L1", "T1"]
    # The timber, loaded out onto the other side's truck, has its own receipt.
    timber = db.scalar(
        select(Transload).where(Transload.crossing_id.is_(None), Transload.held_at.is_not(None))
    )
    assert db.count(Receipt, Receipt.transload_id == timber.id) == 1
