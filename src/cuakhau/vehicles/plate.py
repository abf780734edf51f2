"""Licence plates: parse what a person or a camera wrote, return one canonical form.

``biensoxe`` does this for Vietnamese plates but requires pydantic 1, which
FastAPI no longer runs on, so the rules live here, for both sides of the border.

- Vietnamese: province code 11–99, a series of one or two letters (a digit may
  follow one letter, as on some series), then 4 or 5 digits. Canonical
  ``12C-123.45`` (5 digits) or ``12C-1234`` (4 digits).
- Chinese: a province character, a letter, then 5 letters or digits (6 on
  new-energy plates). Canonical ``桂A12345``, with no separator.
"""

import re
from dataclasses import dataclass

from cuakhau.core.identifiers import normalise_identifier

# Letters Vietnamese series avoid, as they read like digits.
_VN_SERIES_LETTERS = "ABCDEFGHKLMNPRSTUVXYZ"
_VN_PLATE = re.compile(
    rf"^(\d{{2}})([{_VN_SERIES_LETTERS}]{{1,2}}|[{_VN_SERIES_LETTERS}]\d)(\d{{4,5}})$"
)
_CN_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# Chinese plates skip I and O for the same reason.
_CN_PLATE = re.compile(rf"^([{_CN_PROVINCES}])([A-HJ-NP-Z])([A-HJ-NP-Z0-9]{{5,6}})$")
_SEPARATORS = re.compile(r"[\s\-.·•_/]")


class PlateError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Plate:
    canonical: str
    country: str


def parse_plate(raw: str) -> Plate:
    text = normalise_identifier(raw).upper()
    compact = _SEPARATORS.sub("", text)
    if match := _VN_PLATE.match(compact):
        province, series, number = match.groups()
        if not 11 <= int(province) <= 99 or not _dash_agrees(text, province + series):
            raise PlateError(raw)
        tail = f"{number[:3]}.{number[3:]}" if len(number) == 5 else number
        return Plate(f"{province}{series}-{tail}", "VN")
    if match := _CN_PLATE.match(compact):
        return Plate("".join(match.groups()), "CN")
    raise PlateError(raw)


def _dash_agrees(text: str, head: str) -> bool:
    """Where the writer put a dash, it must fall between series and number:
    ``12C-123.456`` is not ``12C1-234.56``."""
    if "-" not in text:
        return True
    return _SEPARATORS.sub("", text.split("-", 1)[0]) == head


def normalise_plate(raw: str) -> str:
    return parse_plate(raw).canonical
