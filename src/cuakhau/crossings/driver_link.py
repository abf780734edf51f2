"""The driver's link: a signed address of one crossing's page, opened without
logging in, and the same token in the QR code the yard scans at check-in.

A token is ``<crossing id>.<booked stamp>.<signature>``: the signature is an
HMAC-SHA256 (truncated to 128 bits, base64url) of the first two parts under a
key derived from the installation's secret, so a token cannot be made or
changed without the secret, and rotating ``CUAKHAU_SECRET_KEY`` revokes every
link. The booked stamp (the moment the truck asked for its place) ties the
token to that one crossing: a database made again, whose ids start over,
does not open another truck's page with an old link. Nothing is stored.

A link works while the crossing is open and for ``AFTER_END`` once it has
ended (crossed, returned, cancelled, a no-show or rejected), so the driver
sees how it ended; after that it is refused as expired.
"""

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cuakhau.core.clock import ZONE_TZ
from cuakhau.core.errors import Conflict, DomainError, InvalidInput
from cuakhau.crossings.queue import QueueEntry, position_of
from cuakhau.crossings.states import OPEN_STATES
from cuakhau.models import Crossing, CrossingMove, CrossingWindow, Gate

AFTER_END = timedelta(hours=1)
# Where the driver's page is served; the QR code holds the page's address.
PATH_PREFIX = "/d/"
_SIGNATURE_BYTES = 16
# A token anywhere in what was scanned or pasted: alone, or at the end of the
# page's address.
_TOKEN = re.compile(r"(?:^|/)(\d{1,10})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})/?$")


class LinkInvalid(DomainError):
    """Not a token this installation signed (mistyped, cut short, or forged)."""

    status_code = 404

    def __init__(self) -> None:
        super().__init__("driver_link_invalid")


class LinkExpired(DomainError):
    """The crossing ended longer than ``AFTER_END`` ago."""

    status_code = 410

    def __init__(self, plate: str, ended_at: datetime) -> None:
        ended = ended_at.astimezone(ZONE_TZ).strftime("%d/%m/%Y %H:%M")
        super().__init__("driver_link_expired", plate=plate, ended_at=ended)


def _key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), b"cuakhau-driver-link", hashlib.sha256).digest()


def _stamp(crossing: Crossing) -> str:
    return format(int(crossing.queued_at.timestamp()), "x")


def _signature(secret_key: str, crossing_id: int, stamp: str) -> str:
    digest = hmac.new(_key(secret_key), f"{crossing_id}.{stamp}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:_SIGNATURE_BYTES]).decode().rstrip("=")


def token_for(crossing: Crossing, secret_key: str) -> str:
    stamp = _stamp(crossing)
    return f"{crossing.id}.{stamp}.{_signature(secret_key, crossing.id, stamp)}"


def path_for(crossing: Crossing, secret_key: str) -> str:
    return PATH_PREFIX + token_for(crossing, secret_key)


def looks_like_code(text: str) -> bool:
    """Whether typed or scanned text is a token (or the page's address) rather
    than a plate: the yard's plate field takes both."""
    return _TOKEN.search(text.strip()) is not None


def crossing_of(session: Session, secret_key: str, text: str) -> Crossing:
    """The crossing a token (or the address ending in one) was signed for."""
    found = _TOKEN.search(text.strip())
    if found is None:
        raise LinkInvalid
    crossing_id, stamp, signature = int(found[1]), found[2], found[3]
    expected = _signature(secret_key, crossing_id, stamp)
    if not hmac.compare_digest(expected, signature):
        raise LinkInvalid
    crossing = session.get(Crossing, crossing_id)
    if crossing is None or not hmac.compare_digest(_stamp(crossing), stamp):
        raise LinkInvalid
    return crossing


def ended_at(session: Session, crossing: Crossing) -> datetime | None:
    """When the crossing left the open states (its last move), None while open."""
    if crossing.state in OPEN_STATES:
        return None
    return session.scalar(
        select(func.max(CrossingMove.at)).where(CrossingMove.crossing_id == crossing.id)
    )


@dataclass(frozen=True)
class DriverView:
    """What the driver's page shows: never the enterprise or the cargo."""

    crossing: Crossing
    gate: Gate
    window: CrossingWindow | None
    entry: QueueEntry | None
    ended_at: datetime | None


def driver_view(session: Session, secret_key: str, token: str, now: datetime) -> DriverView:
    crossing = crossing_of(session, secret_key, token)
    ended = ended_at(session, crossing)
    if ended is not None and now - ended > AFTER_END:
        raise LinkExpired(crossing.plate, ended)
    gate = session.get_one(Gate, crossing.gate_id)
    window = session.get(CrossingWindow, crossing.window_id) if crossing.window_id else None
    entry = position_of(session, crossing, now) if ended is None else None
    return DriverView(crossing, gate, window, entry, ended)


def crossing_of_code(session: Session, secret_key: str, code: str, gate_id: int) -> Crossing:
    """The open crossing a scanned QR code names, for a yard at ``gate_id``; a
    forged or mistyped code, a crossing that is over or one for another gate is
    refused, saying which."""
    try:
        crossing = crossing_of(session, secret_key, code)
    except LinkInvalid:
        raise InvalidInput("checkin_code_invalid", field="code") from None
    if crossing.state not in OPEN_STATES:
        raise Conflict("checkin_code_closed", plate=crossing.plate, state=crossing.state.value)
    if crossing.gate_id != gate_id:
        gate = session.get_one(Gate, crossing.gate_id)
        raise Conflict("checkin_code_other_gate", plate=crossing.plate, gate=gate.name_vi)
    return crossing
