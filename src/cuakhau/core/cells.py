"""Reading the cells of an import file as the board's staff type them.

Numbers come as ``3.033,8`` (Vietnamese: dot for thousands, comma for decimals) as
often as ``3,033.8`` or ``3033.8``; dates as ``31/12/2021`` or ``2021-12-31``.
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from cuakhau.core.schemas import EARLIEST_DAY, LATEST_DAY

_GROUPED = re.compile(r"^\d{1,3}([.,]\d{3})+$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_TRUE = {"1", "x", "yes", "y", "true", "có", "co"}
_FALSE = {"0", "", "no", "n", "false", "không", "khong"}


class CellError(ValueError):
    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params


def parse_number(raw: object, *, integer: bool = False) -> Decimal:
    """A number from a spreadsheet value or text in either convention.

    With both separators, the last one is the decimal mark. With one kind only,
    it groups thousands when every group after the first has three digits and
    the first is not 0 (``23.000`` is a rate of 23000, ``13.046.500`` VND);
    otherwise it is the decimal mark (``3,5`` ha, ``207.45`` USD, ``0,125`` ha)."""
    if isinstance(raw, bool):
        raise CellError("number_invalid")
    if isinstance(raw, int | float | Decimal):
        value = Decimal(str(raw))
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
        value = _decimal(_plain(text))
    if integer and value != value.to_integral_value():
        raise CellError("number_not_whole")
    return value


def _plain(text: str) -> str:
    sign = ""
    if text[:1] in "+-":
        sign, text = text[0], text[1:]
    if "." in text and "," in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        return sign + text.replace(thousands, "").replace(decimal_mark, ".")
    for mark in (".", ","):
        if mark in text:
            repeated = text.count(mark) > 1
            if _GROUPED.match(text) and not text.startswith("0"):
                return sign + text.replace(mark, "")
            if repeated:
                raise CellError("number_invalid")
            return sign + text.replace(mark, ".")
    return sign + text


def _decimal(text: str) -> Decimal:
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", text):
        raise CellError("number_invalid")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise CellError("number_invalid") from None


def parse_date(raw: object) -> date:
    """A date the API would take too (``core.schemas.EARLIEST_DAY``..``LATEST_DAY``):
    outside them a certificate's or an amendment's date is a typing slip
    (0001-01-01, 20201-03-15), not a fact."""
    value = _date(raw)
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise CellError("date_out_of_range", earliest=EARLIEST_DAY, latest=LATEST_DAY)
    return value


def _date(raw: object) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    day_first = _DAY_FIRST.match(text)
    try:
        if day_first:
            day, month, year = (int(part) for part in day_first.groups())
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        raise CellError("date_invalid") from None


def parse_bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError("bool_invalid")


def parse_list(raw: object) -> list[str]:
    return [part.strip() for part in re.split(r"[;,\n]", str(raw)) if part.strip()]


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())
