"""Vietnamese tax codes (mã số thuế, MST).

Ten digits, the last a check digit over the first nine (weights 31, 29, 23, 19,
17, 13, 7, 5, 3; check = 10 − sum mod 11); a branch adds ``-`` and three digits.
The check digit catches most typing slips before they become a second company.
"""

import re

from cuakhau.core.identifiers import normalise_identifier

_TAX_CODE = re.compile(r"^([0-9]{10})(-[0-9]{3})?$")
_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


class TaxCodeError(ValueError):
    def __init__(self, code: str, tax_code: str):
        super().__init__(code)
        self.code = code
        self.tax_code = tax_code


def check_digit(first_nine: str) -> int | None:
    """The tenth digit for these nine, or None where no digit fits (10)."""
    value = 10 - sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS, strict=True)) % 11
    return value if value < 10 else None


def normalise_tax_code(raw: str) -> str:
    value = normalise_identifier(raw).replace(" ", "")
    match = _TAX_CODE.match(value)
    if match is None:
        raise TaxCodeError("tax_code_invalid", raw)
    main = match.group(1)
    if check_digit(main[:9]) != int(main[9]):
        raise TaxCodeError("tax_code_checksum", raw)
    return value
