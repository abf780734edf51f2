"""Bookings and refusals, counted where ``booking.place`` (or the API's call of
the same function, ``calls.place_now``) gives its final answer; read at /metrics."""

from typing import Protocol, TypeVar

from prometheus_client import Counter

from cuakhau.core.errors import DomainError

PLACED = Counter(
    "cuakhau_bookings_total",
    "Crossings placed, by kind (booking, walk_in); replayed: an Idempotency-Key's answer again.",
    ["kind", "replayed"],
)
REFUSED = Counter(
    "cuakhau_booking_refusals_total",
    "Bookings and walk-ins refused, by kind and the refusal's code (the rule that did not hold).",
    ["kind", "code"],
)


class _Answer(Protocol):
    replayed: bool


Answer = TypeVar("Answer", bound=_Answer)


def placed(kind: str, answer: Answer) -> Answer:
    PLACED.labels(kind, "true" if answer.replayed else "false").inc()
    return answer


def refused(kind: str, refusal: DomainError) -> None:
    REFUSED.labels(kind, refusal.code).inc()
