"""The other side's answers about our trucks, one by one, moving our crossings
through the crossing's one state machine (docs/handovers.md, "The other
side's answers").

An answer is applied in its message's turn (``service.receive``), under the
counterpart's name as actor. One that cannot move its crossing (not ours at
this gate, or a step the crossing cannot take from where it is) is listed back
and changes nothing; the others in the message still apply. An answer that
finds its crossing already where it would put it changes nothing either: the
other side may say the same thing twice."""

from datetime import datetime

from sqlalchemy.orm import Session

from cuakhau.core.errors import DomainError
from cuakhau.counterpart.schemas import AnswerRefused, TruckAnswer
from cuakhau.crossings.states import refused_to
from cuakhau.handovers.service import record_step
from cuakhau.models import Counterpart, Crossing
from cuakhau.models.enums import CrossingState as S
from cuakhau.models.enums import HandoverMode


def target(crossing: Crossing, answer: TruckAnswer) -> S | None:
    """The state an answer puts the crossing in; None: it only acknowledges."""
    if answer.answer == "crossed":
        return S.crossed
    if answer.answer == "handed_back":
        # Our trailer is back on our side, to be handed back to its owner.
        return S.returned
    if answer.answer == "refused":
        return refused_to(crossing.state)
    # Accepted: a dropped trailer is taken by the other side's transfer driver.
    swapping = crossing.handover_mode is HandoverMode.trailer_swap
    return S.trailer_taken if swapping and crossing.state is S.trailer_dropped else None


def apply_answers(
    session: Session,
    counterpart: Counterpart,
    sequence: int,
    answers: list[TruckAnswer],
    now: datetime,
) -> tuple[int, list[AnswerRefused]]:
    applied, refused = 0, []
    for answer in answers:
        crossing = session.get(Crossing, answer.crossing_id)
        if crossing is None or crossing.gate_id != counterpart.gate_id:
            refused.append(
                AnswerRefused(sequence=sequence, crossing_id=answer.crossing_id, code="not_found")
            )
            continue
        to_state = target(crossing, answer)
        if to_state is None or crossing.state is to_state:
            applied += 1
            continue
        try:
            with session.begin_nested():
                record_step(
                    session,
                    crossing,
                    to_state,
                    at=now,
                    reason=f"{counterpart.name}: {answer.reason or answer.answer}"[:300],
                    loaded=answer.loaded,
                )
        except DomainError as error:
            session.expire(crossing)
            refused.append(
                AnswerRefused(sequence=sequence, crossing_id=answer.crossing_id, code=error.code)
            )
            continue
        applied += 1
    return applied, refused
