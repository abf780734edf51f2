"""The demo's other side at Hữu Nghị: registered, and its shipped scenario
received as if it had sent it, so the gate console shows acceptance in force
from the first page; `cuakhau counterpart play` sends more."""

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.core.clock import local_date
from cuakhau.counterpart import signing
from cuakhau.counterpart.client import messages, read_scenario
from cuakhau.counterpart.schemas import MessageIn
from cuakhau.counterpart.service import add_counterpart, receive
from cuakhau.models import Counterpart
from cuakhau.reference.loader import shipped_file

SCENARIO = "counterpart-youyiguan.yaml"


def create_demo_counterpart(
    session: Session, gate_id: int, now: datetime, server_secret: str
) -> None:
    """Only where the gate has no counterpart yet."""
    if session.scalar(select(Counterpart.id).where(Counterpart.gate_id == gate_id)):
        return
    scenario = read_scenario(shipped_file(SCENARIO))
    counterpart, _ = add_counterpart(
        session=session, gate_id=gate_id, name=scenario.name, server_secret=server_secret
    )
    for sequence, content in enumerate(messages(scenario, local_date(now)), start=1):
        body = json.dumps({"message_id": f"demo-{sequence}", "sequence": sequence, **content})
        receive(session, counterpart, MessageIn.model_validate_json(body), body.encode(), now)


def demo_credentials(session: Session, gate_id: int, server_secret: str) -> tuple[str, str] | None:
    """The gate's first counterpart's key and secret (derived, so they can be shown again)."""
    counterpart = session.scalar(
        select(Counterpart).where(Counterpart.gate_id == gate_id).order_by(Counterpart.id).limit(1)
    )
    if counterpart is None:
        return None
    return counterpart.key_id, signing.secret_for(server_secret, counterpart.key_salt)
