"""Identifiers as the zone stores them: tax codes, plates, HS codes, investor and
project codes, driver ID numbers.

People type them on phones and in spreadsheets that write full-width digits
(``０１００００００３５``) or letters, and paste them with spaces around. Every
validator of an identifier reads it through ``normalise_identifier`` first, so
``０１００００００３５`` is the company ``0100000035`` already has, not a second
one. Validators then accept ASCII digits only (``[0-9]``, not ``\\d``, which
also matches other scripts' digits that NFKC keeps).
"""

import unicodedata

from pydantic import BeforeValidator


def normalise_identifier(raw: str) -> str:
    """NFKC (full-width and other compatibility forms to their plain letters and
    digits), without surrounding spaces."""
    return unicodedata.normalize("NFKC", raw).strip()


def _before(value: object) -> object:
    return normalise_identifier(value) if isinstance(value, str) else value


# In a pydantic field: ``Annotated[str, Identifier, Field(pattern=...)]``.
Identifier = BeforeValidator(_before)
