"""Phone numbers and identity documents of drivers."""

import re

import phonenumbers

from cuakhau.core.identifiers import normalise_identifier

# Numbers written without a country code are Vietnamese: most drivers are.
DEFAULT_PHONE_REGION = "VN"

_ID_PATTERNS: dict[str, re.Pattern[str]] = {
    # Citizen ID (CCCD, 12 digits), old ID card (CMND, 9), or passport.
    "VN": re.compile(r"^([0-9]{12}|[0-9]{9}|[A-Z][0-9]{7})$"),
    # Resident ID (18, last may be X), or passport (E/G + 8 digits).
    "CN": re.compile(r"^([0-9]{17}[0-9X]|[EG][0-9]{8}|E[A-Z][0-9]{7})$"),
}
_ANY_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")


def normalise_phone(raw: str) -> str:
    """E.164 form, or ValueError."""
    try:
        number = phonenumbers.parse(raw, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValueError(raw) from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_id_number(raw: str, nationality: str) -> str:
    value = re.sub(r"[\s\-]", "", normalise_identifier(raw)).upper()
    pattern = _ID_PATTERNS.get(nationality, _ANY_PASSPORT)
    if not pattern.match(value):
        raise ValueError(raw)
    return value
