"""The warning colours of a queue, after Vietnam's congestion map of January 2022:
one rule for the queue now (the wait times) and the queue forecast."""

from enum import StrEnum

from cuakhau.models import BookingPolicy


class Warning(StrEnum):
    green = "green"
    yellow = "yellow"
    orange = "orange"
    red = "red"


def warning_level(rules: BookingPolicy, waiting: float) -> Warning:
    """The colour of ``waiting`` trucks under the zone's thresholds."""
    if waiting >= rules.warning_red:
        return Warning.red
    if waiting >= rules.warning_orange:
        return Warning.orange
    if waiting >= rules.warning_yellow:
        return Warning.yellow
    return Warning.green
