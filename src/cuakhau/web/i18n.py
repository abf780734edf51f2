"""The pages' language, labels and formats: Vietnamese first, English one click away.

Every label comes from the gettext catalogues read by ``core/messages.py``; this
module picks the reader's language and formats values. Dates are dd/mm/yyyy,
numbers use Vietnamese separators (1.234,5) in both languages, times are shown in
Asia/Ho_Chi_Minh with the Chinese side's hour beside them where it matters.
"""

import re
from datetime import date, datetime
from decimal import Decimal

from starlette.requests import HTTPConnection

from cuakhau.capacity.calendar import CHINA_TZ, ZONE_TZ
from cuakhau.core.messages import LANGUAGES, pick_language
from cuakhau.core.messages import translate as translate

LANG_COOKIE = "lang"


def page_language(conn: HTTPConnection) -> str:
    """``?lang=`` first, then the cookie the language link set, then the browser."""
    query = conn.query_params.get("lang")
    if query in LANGUAGES:
        return query
    cookie = conn.cookies.get(LANG_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return pick_language(conn)


def format_number(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """1234567.5 → ``1.234.567,5``: Vietnamese separators, the zone's own convention."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.translate(str.maketrans({",": ".", ".": ","}))


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


# The reasons the system itself gives a move are kept in English in the record
# (the audit trail reads the same for everyone); pages say them in the reader's
# language. A reason a person typed is shown as typed.
SYSTEM_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"booked", "reason_booked"),
        (r"arrived", "reason_arrived"),
        (r"walk-in", "reason_walk_in"),
        (r"cancelled by the enterprise", "reason_cancelled"),
        (r"did not arrive", "reason_no_show"),
        (r"late: lost its window", "reason_late"),
        (r"called to gate (?P<gate>.+)", "reason_called"),
        (r"plate read (?P<read>.+) \((?P<point>\w+)\)", "reason_plate_read"),
        (r"declaration (?P<number>.+), (?P<channel>\w+) channel", "reason_declared"),
        (r"(?P<channel>\w+) channel", "reason_channel"),
        (r"by hand: (?P<reason>.*)", "reason_by_hand"),
        (r"red channel: physical inspection", "reason_inspection"),
        (r"quarantine", "reason_quarantine"),
    )
)


def format_reason(reason: str | None, language: str) -> str:
    if not reason:
        return "—"
    # A hold can have several grounds, joined by "; ".
    return "; ".join(_one_reason(part, language) for part in reason.split("; "))


def _one_reason(reason: str, language: str) -> str:
    for pattern, key in SYSTEM_REASONS:
        matched = pattern.fullmatch(reason)
        if matched:
            params = matched.groupdict()
            if "channel" in params:
                params["channel"] = translate(f"channel_{params['channel']}", language)
            return translate(key, language, **params)
    return reason
