"""Who is acting: recorded with every write in the audit log."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    label: str
    user_id: int | None = None


SYSTEM = Actor(label="system")
