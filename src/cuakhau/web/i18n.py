"""The pages' language, labels and formats: Vietnamese first, English one click away.

Every label comes from the gettext catalogues read by ``core/messages.py``; this
module picks the reader's language and formats values. Dates are dd/mm/yyyy,
numbers are written as the reader's language writes them (1.234,5 in Vietnamese,
1,234.5 in English, ``core/numbers.py``), times are shown in
Asia/Ho_Chi_Minh with the Chinese side's hour beside them where it matters.
"""

from datetime import date, datetime
from typing import Any

from starlette.requests import HTTPConnection

from cuakhau.core.clock import CHINA_TZ, ZONE_TZ
from cuakhau.core.messages import DRIVER_LANGUAGES, LANGUAGES, pick_language
from cuakhau.core.messages import translate as translate
from cuakhau.core.numbers import format_number as format_number
from cuakhau.core.numbers import format_percent as format_percent
from cuakhau.core.numbers import separators as separators
from cuakhau.crossings.reasons import said, say_grounds

LANG_COOKIE = "lang"


def page_language(conn: HTTPConnection, languages: tuple[str, ...] = LANGUAGES) -> str:
    """``?lang=`` first, then the cookie the language link set, then the browser."""
    query = conn.query_params.get("lang")
    if query in languages:
        return query
    cookie = conn.cookies.get(LANG_COOKIE)
    if cookie in languages:
        return cookie
    return pick_language(conn, languages=languages)


def driver_language(conn: HTTPConnection) -> str:
    """A driver's page: Vietnamese, English or Chinese."""
    return page_language(conn, DRIVER_LANGUAGES)


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(ZONE_TZ)
    return value.strftime("%d/%m/%Y")


def format_time(value: datetime | None, language: str, with_china: bool = False) -> str:
    """``14:00`` in Vietnam; with ``with_china`` also ``(giờ TQ 15:00)``."""
    if value is None:
        return "—"
    local = value.astimezone(ZONE_TZ).strftime("%H:%M")
    if not with_china:
        return local
    china = value.astimezone(CHINA_TZ).strftime("%H:%M")
    return f"{local} ({translate('china_time', language, time=china)})"


def format_time_range(
    starts: datetime | None, ends: datetime | None, language: str, with_china: bool = False
) -> str:
    """``07:00–08:00`` in Vietnam; with ``with_china`` the same window on the
    Chinese side's clock after it, ``07:00–08:00 (giờ TQ 08:00–09:00)``: each
    range in one zone, never two zones mixed in one range."""
    if starts is None or ends is None:
        return "—"
    local = f"{format_time(starts, language)}–{format_time(ends, language)}"
    if not with_china:
        return local
    china = "–".join(moment.astimezone(CHINA_TZ).strftime("%H:%M") for moment in (starts, ends))
    return f"{local} ({translate('china_time', language, time=china)})"


def format_datetime(value: datetime | None, language: str, with_china: bool = False) -> str:
    if value is None:
        return "—"
    return f"{format_date(value)} {format_time(value, language, with_china)}"


def format_minutes(minutes: float | None, language: str) -> str:
    if minutes is None:
        return "—"
    whole = round(minutes)
    if whole < 60:
        return translate("duration_m", language, minutes=whole)
    return translate("duration_hm", language, hours=whole // 60, minutes=whole % 60)


def move_reason(move: Any, language: str) -> str:
    """A move's or a window change's reason in the reader's language: the
    system's from its code, a person's as typed."""
    return said(move.reason, move.reason_code, move.reason_params, language)


def hold_reason(crossing: Any, language: str) -> str:
    """Why a crossing is held: its grounds in the reader's language, or the
    officer's own words."""
    if crossing.hold_grounds:
        return say_grounds(crossing.hold_grounds, language)
    return crossing.hold_reason or "—"
