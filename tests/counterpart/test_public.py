"""The public wait times say when a gate's other side has gone quiet."""

from cuakhau.counterpart.service import add_counterpart
from tests.conftest import TEST_SECRET, Database
from tests.counterpart.conftest import Other
from tests.factories import make_gate, make_pattern

WAITS = "/api/v1/public/wait-times"


def stale(other: Other) -> dict[int, bool]:
    # The answer is shared for two seconds unless a queue changes: asked afresh.
    other.client.app.state.wait_times.forget()
    return {w["gate_id"]: w["counterpart_silent"] for w in other.client.get(WAITS).json()}


def test_a_gate_whose_other_side_went_quiet_says_its_data_is_stale(
    other: Other, db: Database
) -> None:
    with db.write() as session:
        alone = make_gate(session, holiday_calendars=[])
        make_pattern(session, alone, capacity=3)
        alone_id = alone.id
    assert stale(other) == {other.gate_id: True, alone_id: False}
    other.send(1, trucks=2)
    assert stale(other)[other.gate_id] is False
    with db.write() as session:
        add_counterpart(session=session, gate_id=alone_id, name="Quiet", server_secret=TEST_SECRET)
    assert stale(other)[alone_id] is True
