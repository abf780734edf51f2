"""This process's subscribers to queue changes, and the fan-out to them.

A change is only a signal ("the queue of gate 3, export, changed"): each client
then reads the queue through the API it is allowed to use, so the stream never
carries another enterprise's data.
"""

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field

# Events waiting for a slow client; beyond this they are dropped, which loses
# nothing: each one only says "read the queue again".
_BACKLOG = 100


@dataclass(frozen=True)
class QueueChange:
    # None: anything may have changed (e.g. after the LISTEN connection was lost).
    gate_id: int | None
    direction: str | None

    def to_json(self) -> str:
        return json.dumps({"gate_id": self.gate_id, "direction": self.direction})

    @classmethod
    def from_json(cls, text: str) -> "QueueChange":
        data = json.loads(text)
        return cls(data.get("gate_id"), data.get("direction"))


EVERYTHING = QueueChange(None, None)


@dataclass(eq=False)
class Subscription:
    gate_id: int | None
    direction: str | None
    queue: asyncio.Queue[QueueChange] = field(
        default_factory=lambda: asyncio.Queue(maxsize=_BACKLOG)
    )

    def wants(self, change: QueueChange) -> bool:
        return all(
            mine is None or theirs is None or mine == theirs
            for mine, theirs in ((self.gate_id, change.gate_id), (self.direction, change.direction))
        )


class Hub:
    """Subscriptions live on the event loop; ``publish`` may be called from any
    thread (sync request handlers commit in the thread pool)."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._subscriptions: set[Subscription] = set()
        self._on_change: list[Callable[[QueueChange], object]] = []

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def detach(self) -> None:
        self._loop = None

    def subscribe(self, gate_id: int | None, direction: str | None) -> Subscription:
        subscription = Subscription(gate_id, direction)
        self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)

    @property
    def subscribers(self) -> int:
        return len(self._subscriptions)

    def publish(self, change: QueueChange) -> None:
        loop = self._loop
        # No loop: not serving (a CLI command), so nobody is listening here.
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._fan_out, change)

    def on_change(self, forget: Callable[[QueueChange], object]) -> None:
        """``forget`` runs on every change before any subscriber hears of it, so
        what a subscriber then reads is never an answer kept from before."""
        self._on_change.append(forget)

    def forget(self, change: QueueChange) -> None:
        """Run the ``on_change`` callbacks now, in this thread: a change committed
        by this process is forgotten before its own next request reads."""
        for forget in self._on_change:
            forget(change)

    def _fan_out(self, change: QueueChange) -> None:
        self.forget(change)
        for subscription in list(self._subscriptions):
            if subscription.wants(change) and not subscription.queue.full():
                subscription.queue.put_nowait(change)
