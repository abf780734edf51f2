"""Writing to the outbox. A notification is stored in the same transaction as the
change it tells about, so a change is never made without its notice, nor a notice
sent about a change that was rolled back."""

from typing import Any

from sqlalchemy.orm import Session

from cuakhau.models import Crossing, Notification
from cuakhau.models.enums import NotificationEvent


def enqueue(
    session: Session,
    crossing: Crossing,
    event: NotificationEvent,
    **details: Any,
) -> Notification:
    payload = {
        "event": event.value,
        "crossing_id": crossing.id,
        "plate": crossing.plate,
        "gate_id": crossing.gate_id,
        "direction": crossing.direction.value,
        "state": crossing.state.value,
        **details,
    }
    notification = Notification(
        enterprise_id=crossing.enterprise_id,
        crossing_id=crossing.id,
        event=event,
        payload=payload,
    )
    session.add(notification)
    return notification
