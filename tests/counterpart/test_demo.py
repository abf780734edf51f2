"""The demo's other side at Hữu Nghị: registered, its shipped scenario in force,
and the key and secret the demo prints sign requests the server accepts."""

from sqlalchemy import select

from cuakhau.core.config import Settings
from cuakhau.models import CapacityOverride, Counterpart
from cuakhau.models.enums import OverrideKind
from cuakhau.reference.demo import demo_counterpart, load_demo
from tests.conftest import Database
from tests.counterpart.conftest import NOW, Other


def test_the_demo_has_the_other_side_feeding_acceptance(
    db: Database, settings: Settings, client
) -> None:
    with db.write() as session:
        load_demo(session, NOW, settings)
        key, secret = demo_counterpart(session, settings)
        gate_id = session.scalar(select(Counterpart.gate_id))
    ceilings = db.scalars(select(CapacityOverride).where(CapacityOverride.is_active.is_(True)))
    assert {o.kind for o in ceilings} == {OverrideKind.ceiling}
    # Today 07:00–18:00 and tomorrow 07:00–18:00, one ceiling an hour.
    assert len(ceilings) == 24
    assert sorted({int(o.value) for o in ceilings}) == [20, 25, 30]
    side = Other(client, key, secret, gate_id)
    status = side.call("GET", "/api/v1/counterpart/status").json()
    assert status["applied_through"] == 2
    with db.write() as session:
        load_demo(session, NOW, settings)
    assert db.count(Counterpart) == 1
