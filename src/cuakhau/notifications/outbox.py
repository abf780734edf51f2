"""Writing to the outbox. A notification is stored in the same transaction as the
change it tells about, so a change is never made without its notice, nor a notice
sent about a change that was rolled back."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cuakhau.core.procedure import plain_value
from cuakhau.models import Crossing, Notification
from cuakhau.models.enums import NotificationEvent


def enqueue(
    session: Session,
    crossing: Crossing,
    event: NotificationEvent,
    *,
    at: datetime,
    **details: Any,
) -> Notification:
    """Tell the crossing's enterprise of ``event``, which happened at ``at``."""
    payload = notice_payload(
        {
            "id": crossing.id,
            "plate": crossing.plate,
            "gate_id": crossing.gate_id,
            "direction": crossing.direction,
            "state": crossing.state,
        },
        event,
        details,
    )
    notification = Notification(
        **notification_values(
            enterprise_id=crossing.enterprise_id,
            crossing_id=crossing.id,
            event=event,
            payload=payload,
            at=at,
        )
    )
    session.add(notification)
    return notification


def notify_board(
    session: Session, event: NotificationEvent, *, at: datetime, **details: Any
) -> Notification:
    """Tell the zone's board of ``event``: a notice of no enterprise and no crossing."""
    notification = Notification(
        **notification_values(
            enterprise_id=None,
            crossing_id=None,
            event=event,
            payload={"event": event.value, **details},
            at=at,
        )
    )
    session.add(notification)
    return notification


def notice_payload(
    crossing: Mapping[str, Any], event: NotificationEvent, details: Mapping[str, Any]
) -> dict[str, Any]:
    """What a receiver is told of a crossing's event: here, and in the booking
    procedure, where the crossing's id and plate are values of the procedure."""
    return {
        "event": event.value,
        "crossing_id": crossing["id"],
        "plate": crossing["plate"],
        "gate_id": crossing["gate_id"],
        "direction": plain_value(crossing["direction"]),
        "state": plain_value(crossing["state"]),
        **details,
    }


def notification_values(
    *, enterprise_id: Any, crossing_id: Any, event: NotificationEvent, payload: Any, at: Any
) -> dict[str, Any]:
    """A notification's row: here, and in the booking procedure. Delivery is
    due from the moment it happened."""
    return {
        "enterprise_id": enterprise_id,
        "crossing_id": crossing_id,
        "event": event,
        "payload": payload,
        "created_at": at,
        "attempts": 0,
        "next_attempt_at": at,
    }
