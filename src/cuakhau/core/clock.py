"""The zone's clock: times are stored in UTC and read in the zone's own time.

Gate hours are Vietnamese local time; the Chinese side is one hour ahead. The app
reads the moment from one ``Clock`` (``create_app(clock=...)``), so a test or a
replay can say what time it is; code outside a request uses ``utcnow``.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

ZONE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CHINA_TZ = ZoneInfo("Asia/Shanghai")

# Returns the moment, timezone-aware.
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_datetime(day: date, at: time) -> datetime:
    """The UTC moment of a wall-clock time on a day in the zone."""
    return datetime.combine(day, at, ZONE_TZ).astimezone(UTC)


def local_date(moment: datetime) -> date:
    """The zone's day at this moment."""
    return moment.astimezone(ZONE_TZ).date()
